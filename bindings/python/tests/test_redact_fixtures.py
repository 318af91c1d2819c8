"""The shared redaction cases (tests/fixtures/pii/redaction.json, format in its README),
replayed through every way Python accepts a config, through ``redact``, ``find`` and
``restore``, and through ``StreamRedactor`` and ``StreamRestorer`` under several chunkings, each
of which must give what the whole-text call gives."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from conftest import load_json
from genie_core import GenieError, Redacted, Redactor, StreamRedactor, StreamRestorer

FIXTURE = load_json("pii/redaction.json")
CASES = FIXTURE["cases"]
OK_CASES = [c for c in CASES if "error" not in c]
ERROR_CASES = [c for c in CASES if "error" in c]
CONFIG_FORMS = ["dict", "json", "json-indented", "path", "pathlike"]


@pytest.fixture(autouse=True, scope="module")
def hash_key() -> Iterator[None]:
    """The key the hash cases' configs name, set before any redactor is built."""
    name, old = FIXTURE["hash_key_env"], os.environ.get(FIXTURE["hash_key_env"])
    os.environ[name] = FIXTURE["hash_key"]
    yield
    if old is None:
        del os.environ[name]
    else:
        os.environ[name] = old


def config_as(form: str, config: Optional[Dict[str, Any]], tmp_path: Path) -> Any:
    """``config`` the way ``form`` passes it (``None`` stays ``None``)."""
    if config is None:
        return None
    if form == "dict":
        return config
    if form == "json":
        return json.dumps(config)
    if form == "json-indented":
        return "\n\t  " + json.dumps(config, indent=2, ensure_ascii=False)
    path = tmp_path / "redactor.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return str(path) if form == "path" else path


def canonical(findings: List[Any], with_operator: bool = True) -> List[Dict[str, Any]]:
    return [{"type": f.type, "start": f.start, "end": f.end,
             **({"operator": f.operator} if with_operator else {})} for f in findings]


def expected_findings(case: Dict[str, Any], with_operator: bool = True) -> List[Dict[str, Any]]:
    return [{"type": f["type"], "start": f["start"], "end": f["end"],
             **({"operator": f["operator"]} if with_operator else {})}
            for f in case["expect"]["findings"]]


def check_redacted(case: Dict[str, Any], out: Redacted) -> None:
    expect = case["expect"]
    assert out.text == expect["text"]
    assert canonical(out.findings) == expected_findings(case)
    assert out.counts == expect["counts"]
    assert dict(out.mapping) == (expect["mapping"] or {})
    assert out.mapping == (expect["mapping"] or {})


def test_the_fixture_covers_what_the_bindings_must() -> None:
    covers = {tag for c in CASES for tag in c["covers"]}
    for tag in ("text:accents", "text:cjk", "text:rtl", "text:emoji-zwj", "restore", "error",
                "operator:hash", "operator:placeholder", "operator:mask", "counts"):
        assert tag in covers
    for case in OK_CASES:
        for f in case["expect"]["findings"]:
            assert case["input"][f["start"]:f["end"]] == f["value"], case["name"]


@pytest.mark.parametrize("form", CONFIG_FORMS)
@pytest.mark.parametrize("case", OK_CASES, ids=lambda c: c["name"])
def test_redact(case: Dict[str, Any], form: str, tmp_path: Path) -> None:
    if case["config"] is None and form != "dict":
        pytest.skip("no config to pass another way")
    redactor = Redactor(config_as(form, case["config"], tmp_path))
    check_redacted(case, redactor.redact(case["input"]))


@pytest.mark.parametrize("case", OK_CASES, ids=lambda c: c["name"])
def test_find(case: Dict[str, Any]) -> None:
    found = Redactor(case["config"]).find(case["input"])
    assert canonical(found) == [dict(f, operator=None) for f in expected_findings(case, False)]
    for f, e in zip(found, case["expect"]["findings"]):
        assert case["input"][f.start:f.end] == e["value"]


@pytest.mark.parametrize("case", [c for c in OK_CASES if "restore" in c], ids=lambda c: c["name"])
def test_restore(case: Dict[str, Any]) -> None:
    redactor = Redactor(case["config"])
    mapping = redactor.redact(case["input"]).mapping
    assert case["restore"][0]["text"] == case["expect"]["text"]
    for pair in case["restore"]:
        assert redactor.restore(pair["text"], mapping) == pair["expect"]
        assert redactor.restore(pair["text"], dict(mapping)) == pair["expect"]
        assert Redactor().restore(pair["text"], case["expect"]["mapping"] or {}) == pair["expect"]


@pytest.mark.parametrize("form", CONFIG_FORMS)
@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda c: c["name"])
def test_config_errors(case: Dict[str, Any], form: str, tmp_path: Path) -> None:
    with pytest.raises(GenieError) as info:
        Redactor(config_as(form, case["config"], tmp_path))
    assert info.value.code == case["error"]["code"]
    assert case["error"]["path"] in info.value.message


def by_chars(text: str) -> List[str]:
    return list(text)


def by_sizes(sizes: List[int]) -> Callable[[str], List[str]]:
    def split(text: str) -> List[str]:
        out, pos, i = [], 0, 0
        while pos < len(text):
            out.append(text[pos : pos + sizes[i % len(sizes)]])
            pos += sizes[i % len(sizes)]
            i += 1
        return out
    return split


def by_random(seed: int) -> Callable[[str], List[str]]:
    def split(text: str) -> List[str]:
        rng = random.Random(seed)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randrange(1, 12))))
        bounds = [0, *cuts, len(text)]
        return [text[a:b] for a, b in zip(bounds, bounds[1:])]  # empty chunks included
    return split


CHUNKINGS: Dict[str, Callable[[str], List[str]]] = {
    "whole": lambda text: [text],
    "chars": by_chars,
    "sizes-3141": by_sizes([3, 1, 4, 1, 5, 9, 2, 6]),
    **{f"random-{seed}": by_random(seed) for seed in (1, 2, 3, 4)},
}


@pytest.mark.parametrize("chunking", sorted(CHUNKINGS))
@pytest.mark.parametrize("case", [c for c in OK_CASES if "restore" in c], ids=lambda c: c["name"])
def test_stream_restore_equals_whole_restore(case: Dict[str, Any], chunking: str) -> None:
    mapping = Redactor(case["config"]).redact(case["input"]).mapping
    for form in (mapping, dict(mapping)):
        restorer = StreamRestorer(form)
        for pair in case["restore"]:
            chunks = CHUNKINGS[chunking](pair["text"])
            out = "".join(restorer.push(chunk) for chunk in chunks) + restorer.flush()
            assert out == pair["expect"]


@pytest.mark.parametrize("chunking", sorted(CHUNKINGS))
@pytest.mark.parametrize("case", OK_CASES, ids=lambda c: c["name"])
def test_stream_equals_whole_text(case: Dict[str, Any], chunking: str) -> None:
    stream = StreamRedactor(Redactor(case["config"]))
    chunks = CHUNKINGS[chunking](case["input"])
    assert "".join(chunks) == case["input"]
    out = "".join(stream.push(chunk) for chunk in chunks) + stream.flush()
    assert out == case["expect"]["text"]
    assert canonical(stream.findings) == expected_findings(case)
    assert stream.counts == case["expect"]["counts"]
    assert stream.mapping == (case["expect"]["mapping"] or {})
