"""Builds tests/fixtures/pii/redaction.json from the cases in cases_redaction.py.

Inputs use the marks of build.py (`⟦TYPE|value⟧` for every expected finding, `⟨...⟩`
generators). This script computes, independently of the engine and from the documented
operator semantics (tests/fixtures/pii/README.md), everything each language's harness compares:
findings with code point, UTF-16 and byte offsets, the redacted text, per-type counts and the
placeholder mapping. Run: `python3 bench/pii/corpus/build_redaction.py`.
"""

import hashlib
import hmac
import json
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import expand_generators, parse_marks  # noqa: E402
from cases_redaction import CASES, HASH_KEY, HASH_KEY_ENV  # noqa: E402

OUT = HERE.parents[2] / "tests" / "fixtures" / "pii" / "redaction.json"


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def operator_for(config, kind):
    operators = (config or {}).get("operators", {})
    return operators.get(kind) or operators.get("default") or {"type": "replace"}


def apply(op, kind, value, placeholders):
    name = op["type"]
    if name == "replace":
        return f"<{kind}>"
    if name == "remove":
        return ""
    if name == "mask":
        keep = op.get("keep_last", 0)
        char = op.get("char", "*")
        kept = value[len(value) - keep:] if keep else ""
        return char * (len(value) - len(kept)) + kept
    if name == "hash":
        digest = hmac.new(HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
        return f"<{kind}:{digest[:8]}>"
    if name == "placeholder":
        per_type = placeholders.setdefault(kind, {})
        if value not in per_type:
            per_type[value] = f"[{kind}_{len(per_type) + 1}]"
        return per_type[value]
    raise ValueError(f"unknown operator {name}")


def expect(config, text, entities):
    out, findings, counts, placeholders, pos = [], [], {}, {}, 0
    for e in entities:
        op = operator_for(config, e["type"])
        out.append(text[pos:e["start"]])
        out.append(apply(op, e["type"], e["value"], placeholders))
        pos = e["end"]
        before, inside = text[:e["start"]], e["value"]
        findings.append({
            "type": e["type"], "start": e["start"], "end": e["end"],
            "start_utf16": utf16_len(before), "end_utf16": utf16_len(before) + utf16_len(inside),
            "start_byte": len(before.encode()), "end_byte": len(before.encode()) + len(inside.encode()),
            "operator": op["type"], "value": inside,
        })
        counts[e["type"]] = counts.get(e["type"], 0) + 1
    out.append(text[pos:])
    mapping = {ph: value for per_type in placeholders.values() for value, ph in per_type.items()}
    return "".join(out), findings, dict(sorted(counts.items())), mapping


def build_case(spec):
    raw = expand_generators(spec["input"], spec["name"])
    text, entities, _ = parse_marks(raw)
    case = {"name": spec["name"], "covers": spec["covers"], "config": spec.get("config")}
    case["input"] = text
    if "error" in spec:
        case["error"] = spec["error"]
        return case
    redacted, findings, counts, mapping = expect(case["config"], text, entities)
    case["expect"] = {"text": redacted, "findings": findings, "counts": counts,
                      "mapping": mapping if mapping else None}
    if mapping:
        # The redacted text restores to the input only when every finding got a placeholder.
        restores = [{"text": redacted, "expect": restore(redacted, mapping)}]
        for answer in spec.get("answers", []):
            restores.append({"text": answer, "expect": restore(answer, mapping)})
        case["restore"] = restores
    return case


def restore(answer, mapping):
    for ph in sorted(mapping, key=len, reverse=True):
        answer = answer.replace(ph, mapping[ph])
    return answer


def render(doc):
    """Pretty JSON with one line per finding and per restore pair, so cases read well."""
    def dumps(v):
        return json.dumps(v, ensure_ascii=False)

    def block(key, items):
        if not items:
            return f'"{key}": []'
        return f'"{key}": [\n' + ",\n".join("  " + dumps(i) for i in items) + "\n]"

    cases = []
    for case in doc["cases"]:
        body = [f'"{k}": {dumps(case[k])}' for k in ("name", "covers", "config", "input")]
        if "error" in case:
            body.append(f'"error": {dumps(case["error"])}')
        else:
            e = case["expect"]
            inner = [f'"text": {dumps(e["text"])}', block("findings", e["findings"]),
                     f'"counts": {dumps(e["counts"])}', f'"mapping": {dumps(e["mapping"])}']
            body.append('"expect": {\n' + textwrap.indent(",\n".join(inner), "  ") + "\n}")
        if "restore" in case:
            body.append(block("restore", case["restore"]))
        cases.append("{\n" + textwrap.indent(",\n".join(body), "  ") + "\n}")
    head = [f'"{k}": {dumps(doc[k])}' for k in ("_comment", "hash_key_env", "hash_key")]
    head.append('"cases": [\n' + textwrap.indent(",\n".join(cases), "  ") + "\n]")
    text = "{\n" + textwrap.indent(",\n".join(head), "  ") + "\n}\n"
    assert json.loads(text) == doc
    return text


def main():
    cases = [build_case(spec) for spec in CASES]
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    doc = {
        "_comment": "Generated by bench/pii/corpus/build_redaction.py from cases_redaction.py; "
                    "format in tests/fixtures/pii/README.md.",
        "hash_key_env": HASH_KEY_ENV,
        "hash_key": HASH_KEY,
        "cases": cases,
    }
    OUT.write_text(render(doc), encoding="utf-8")
    covered = sorted({c for case in cases for c in case["covers"]})
    print(f"{len(cases)} cases; covers: {', '.join(covered)}")


if __name__ == "__main__":
    main()
