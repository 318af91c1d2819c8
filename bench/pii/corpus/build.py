"""Builds tests/fixtures/pii/corpus.jsonl from the annotated case files beside this script.

Case texts are written with inline marks, so nobody counts offsets by hand:

- `⟦TYPE|value⟧` labels an entity (its code point offsets are computed here); TYPE may be one
  of the short names in `ALIASES`;
- `⟦!TYPE|value⟧` marks an allow-listed value: not an entity, recorded in the case's `allowed`
  list so the scorer can count allowlist violations;
- `⟨kind args…⟩` is replaced by a generated value (gen.py): `⟨card visa space⟩`,
  `⟨card_bad mc dash⟩`, `⟨iban DE grouped⟩`, `⟨iban_bad FR compact⟩`, `⟨ssn dash⟩`,
  `⟨ssn_bad 9xx dash⟩`, `⟨imei dash⟩`, `⟨jwt⟩`, `⟨alnum 36⟩`, `⟨hex 40⟩`, `⟨digits 6⟩`;
  a trailing `#name` stores the value and `⟨=name⟩` repeats it.

Values come from an RNG seeded by the case's own text, so editing one case never changes
another. Every case is validated (offsets, overlaps, types, checksums, phone numbering plans when
the `phonenumbers` package is importable) and linted for values that look like PII but carry no
label; run it with `--check` to validate the committed file without rewriting it.
"""

import argparse
import hashlib
import importlib
import ipaddress
import json
import random
import re
import sys
from pathlib import Path

import gen

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[2] / "tests" / "fixtures" / "pii" / "corpus.jsonl"
DOMAINS = [("healthcare", "hc", "cases_healthcare"), ("tech", "tc", "cases_tech"),
           ("general", "gn", "cases_general")]

BUILTIN_TYPES = {"EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "URL",
                 "API_KEY", "DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "STREET_ADDRESS",
                 "PERSON", "DATE"}
NEGATIVE_TAGS = {"LUHN_FAIL", "IMEI", "SSN_INVALID", "IBAN_MOD97_FAIL", "VERSION", "OID",
                 "EPOCH", "ORDER_ID", "FILE_NAME", "ALLOWLIST", "EPONYM", "TECH_TERM",
                 "PLACEHOLDER_KEY", "NON_DOB_DATE", "HEX_ID", "AT_SIGN", "MEASUREMENT",
                 "BARE_DOMAIN", "CLINICAL_CODE", "PLACE_NAME"}

# Short names usable in marks: `⟦PER|Jane Smith⟧` is `⟦PERSON|Jane Smith⟧`.
ALIASES = {"EM": "EMAIL", "PH": "PHONE", "CC": "CREDIT_CARD", "SSN": "US_SSN",
           "IP": "IP_ADDRESS", "KEY": "API_KEY", "DOB": "DATE_OF_BIRTH",
           "MRN": "MEDICAL_RECORD_NUMBER", "ADDR": "STREET_ADDRESS", "PER": "PERSON"}

GEN = re.compile(r"⟨([^⟨⟩]+)⟩")
MARK = re.compile(r"⟦(!?)([A-Z_0-9]+)\|([^⟦⟧]*)⟧")


def case(kind, text, neg=(), config=None):
    """One corpus case as written in a cases_*.py file."""
    return {"kind": kind, "text": text, "negatives": list(neg), "config": config}


def expand_generators(raw, seed_text):
    rng = random.Random(hashlib.sha256(seed_text.encode()).digest())
    named = {}

    def one(match):
        spec = match.group(1).strip()
        if spec.startswith("="):
            return named[spec[1:]]
        name = None
        if "#" in spec:
            spec, name = (part.strip() for part in spec.split("#", 1))
        value = gen.expand(rng, spec)
        if name:
            named[name] = value
        return value

    return GEN.sub(one, raw)


def parse_marks(marked):
    text, entities, allowed, pos = [], [], [], 0
    cursor = 0
    for m in MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        cursor += m.start() - pos
        value = m.group(3)
        span = {"type": ALIASES.get(m.group(2), m.group(2)), "start": cursor, "end": cursor + len(value), "value": value}
        (allowed if m.group(1) else entities).append(span)
        text.append(value)
        cursor += len(value)
        pos = m.end()
    text.append(marked[pos:])
    plain = "".join(text)
    if "⟦" in plain or "⟧" in plain or "⟨" in plain or "⟩" in plain:
        raise ValueError("unbalanced mark")
    return plain, entities, allowed


def load_cases():
    sys.path.insert(0, str(HERE))
    out = []
    for domain, prefix, module in DOMAINS:
        for n, c in enumerate(importlib.import_module(module).CASES, 1):
            cid = f"{prefix}-{n:03d}"
            try:
                text, entities, allowed = parse_marks(expand_generators(c["text"], domain + c["text"]))
            except (ValueError, KeyError) as e:
                raise SystemExit(f"{cid}: {e}") from e
            row = {"id": cid, "domain": domain, "kind": c["kind"], "text": text,
                   "config": c["config"], "entities": entities}
            if c["negatives"]:
                row["negatives"] = c["negatives"]
            if allowed:
                row["allowed"] = allowed
            out.append(row)
    return out


EMAIL_RE = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)*\.[^\W\d_]{2,}$")
TRAIL = ".,;:!?)]}>\"' \t\n"


def balanced_tail(value, kind):
    """A closing bracket that closes one inside the span is part of it (URL convention)."""
    if kind == "IP_ADDRESS" and value.endswith("::"):
        return True
    pairs = {")": "(", "]": "[", "}": "{"}
    last = value[-1]
    return last in pairs and value.count(pairs[last]) >= value.count(last)


def phone_checker():
    try:
        import phonenumbers
    except ImportError:
        return None

    def check(value, region):
        number = phonenumbers.parse(value, region)
        return phonenumbers.is_valid_number(number)

    return check


def validate(row, phone_ok):
    errors = []
    text = row["text"]
    custom = {c["type"] for c in (row["config"] or {}).get("custom", [])}
    region = (row["config"] or {}).get("phone_region", "US")
    last_end = 0
    for e in row["entities"]:
        where = f"{row['id']} {e['type']} {e['value']!r}"
        if e["type"] not in BUILTIN_TYPES | custom:
            errors.append(f"{where}: unknown type")
        if text[e["start"]:e["end"]] != e["value"]:
            errors.append(f"{where}: value != text[start:end]")
        if e["start"] < last_end:
            errors.append(f"{where}: overlaps the previous entity")
        last_end = e["end"]
        v = e["value"]
        if not v or v != v.strip() or (v[-1] in TRAIL and not balanced_tail(v, e["type"])):
            errors.append(f"{where}: span has surrounding blanks or trailing punctuation")
        kind = e["type"]
        if kind == "CREDIT_CARD" and not gen.luhn_ok(v):
            errors.append(f"{where}: fails Luhn")
        if kind == "IBAN" and not gen.iban_ok(v):
            errors.append(f"{where}: not a valid IBAN")
        if kind == "US_SSN" and not gen.ssn_ok(v):
            errors.append(f"{where}: invalid SSN range")
        if kind == "EMAIL" and not EMAIL_RE.match(v):
            errors.append(f"{where}: not an e-mail")
        if kind == "IP_ADDRESS":
            try:
                ipaddress.ip_address(v.split("%")[0])
            except ValueError:
                errors.append(f"{where}: not an IP address")
        if kind == "URL" and not re.match(r"^(https?|s?ftp|wss?|s3|postgres(?:ql)?|mysql|mongodb|redis|amqp)://|^www\.", v):
            errors.append(f"{where}: URL without scheme or www.")
        if kind == "PHONE" and phone_ok and not phone_ok(v, region):
            errors.append(f"{where}: not a valid number in region {region}")
    for tag in row.get("negatives", []):
        if tag not in NEGATIVE_TAGS:
            errors.append(f"{row['id']}: unknown negative tag {tag}")
    if row.get("allowed") and "ALLOWLIST" not in row.get("negatives", []):
        errors.append(f"{row['id']}: allowed values without the ALLOWLIST tag")
    return errors


LINTS = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")),
    ("URL", re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s\"'<>]+")),
    ("IP_ADDRESS", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")),
    ("CARD?", re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")),
]


def lint(row):
    """Warnings for PII-looking substrings that no entity or allowed span covers."""
    covered = [(s["start"], s["end"]) for s in row["entities"] + row.get("allowed", [])]
    warnings = []
    for kind, rx in LINTS:
        for m in rx.finditer(row["text"]):
            if any(s < m.end() and m.start() < e for s, e in covered):
                continue
            if kind == "CARD?" and not gen.luhn_ok(m.group()):
                continue
            warnings.append(f"{row['id']}: unlabelled {kind}-like {m.group()!r}")
    return warnings


def summary(rows):
    from collections import Counter
    by_domain = Counter(r["domain"] for r in rows)
    by_type = Counter(e["type"] for r in rows for e in r["entities"])
    neg = sum(1 for r in rows if r.get("negatives"))
    pure = sum(1 for r in rows if not r["entities"])
    tags = Counter(t for r in rows for t in r.get("negatives", []))
    print(f"{len(rows)} cases; per domain {dict(by_domain)}")
    print(f"with hard negatives: {neg} ({neg / len(rows):.0%}); pure negatives: {pure}")
    print(f"entities: {sum(by_type.values())}; per type {dict(sorted(by_type.items()))}")
    print(f"negative tags: {dict(sorted(tags.items()))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="validate the committed corpus only")
    args = ap.parse_args()
    phone_ok = phone_checker()
    if phone_ok is None:
        print("note: phonenumbers not importable, PHONE values not checked", file=sys.stderr)
    if args.check:
        rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]
    else:
        rows = load_cases()
    errors = [err for r in rows for err in validate(r, phone_ok)]
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        errors.append("duplicate ids")
    for w in (w for r in rows for w in lint(r)):
        print("lint:", w)
    if errors:
        raise SystemExit("\n".join(errors))
    if not args.check:
        with OUT.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    summary(rows)


if __name__ == "__main__":
    main()
