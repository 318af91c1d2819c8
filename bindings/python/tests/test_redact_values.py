"""The redactor's values (Finding, Redacted, Mapping): exact reprs that never show a found
value, equality, hashing, immutability, dict-like reading, module names, pickling."""

from __future__ import annotations

import collections.abc
import copy
import pickle
from typing import Any, Tuple

import pytest

import genie_core
from genie_core import Finding, InvalidArgumentError, Mapping, Redacted, Redactor, StreamRedactor

PLACEHOLDERS = {"operators": {"default": {"type": "placeholder"}}}
TEXT = "Mail jane.doe@example.com, cc bob@example.org and jane.doe@example.com; IP 203.0.113.7."
VALUES = ("jane.doe@example.com", "bob@example.org", "203.0.113.7")


def redacted(config: Any = PLACEHOLDERS, text: str = TEXT) -> Redacted:
    return Redactor(config).redact(text)


def test_finding_repr_eq_hash() -> None:
    a, b = redacted().findings[:2], redacted().findings[:2]
    assert repr(a[0]) == "Finding(type='EMAIL', start=5, end=25, operator='placeholder')"
    assert a == b and hash(a[0]) == hash(b[0]) and len({*a, *b}) == 2
    assert a[0] != a[1] and a[0] != ("EMAIL", 5, 25, "placeholder")
    found = Redactor().find(TEXT)[0]
    assert repr(found) == "Finding(type='EMAIL', start=5, end=25, operator=None)"
    assert found != a[0], "find applies no operator"
    assert TEXT[found.start:found.end] == "jane.doe@example.com"


def test_redacted_repr_shows_no_value() -> None:
    out = redacted()
    assert repr(out) == (
        "Redacted(text='Mail [EMAIL_1], cc [EMAIL_2] and [EMAIL_1]; IP [IP_ADDRESS_1].', "
        "findings=[Finding(type='EMAIL', start=5, end=25, operator='placeholder'), "
        "Finding(type='EMAIL', start=30, end=45, operator='placeholder'), "
        "Finding(type='EMAIL', start=50, end=70, operator='placeholder'), "
        "Finding(type='IP_ADDRESS', start=75, end=86, operator='placeholder')], "
        "mapping=Mapping({'[EMAIL_1]': ..., '[EMAIL_2]': ..., '[IP_ADDRESS_1]': ...}), "
        "counts={'EMAIL': 3, 'IP_ADDRESS': 1})"
    )
    for shown in (repr(out), str(out), repr(out.mapping), str(out.mapping), repr(out.findings)):
        for value in VALUES:
            assert value not in shown
    assert repr(redacted(None).mapping) == "Mapping({})"


def test_redacted_equality() -> None:
    assert redacted() == redacted()
    assert redacted() != redacted(None)
    assert redacted() != redacted(text=TEXT + " ")
    assert redacted() != TEXT
    with pytest.raises(TypeError):
        hash(redacted())


def test_redacted_fields_are_fresh_copies() -> None:
    out = redacted()
    out.findings.clear()
    out.counts["EMAIL"] = 99
    assert len(out.findings) == 4 and out.counts == {"EMAIL": 3, "IP_ADDRESS": 1}
    assert out.mapping is out.mapping, "the mapping is immutable, so it is shared"


def test_mapping_reads_like_a_dict() -> None:
    m = redacted().mapping
    expected = {"[EMAIL_1]": VALUES[0], "[EMAIL_2]": VALUES[1], "[IP_ADDRESS_1]": VALUES[2]}
    assert isinstance(m, collections.abc.Mapping)
    assert len(m) == 3 and list(m) == sorted(expected) and dict(m) == expected
    assert m["[EMAIL_2]"] == VALUES[1]
    assert "[EMAIL_1]" in m and "[EMAIL_9]" not in m and 1 not in m and None not in m
    assert m.keys() == list(expected) and m.values() == list(expected.values())
    assert m.items() == list(expected.items())
    assert m.get("[EMAIL_1]") == VALUES[0]
    assert m.get("[EMAIL_9]") is None and m.get("[EMAIL_9]", "-") == "-" and m.get(3, 0) == 0
    for missing in ("[EMAIL_9]", 7, None, b"[EMAIL_1]"):
        with pytest.raises(KeyError):
            m[missing]  # type: ignore[index]
    assert m == expected and expected == m and m != {**expected, "[X_1]": "x"}
    assert m != {k: v.upper() for k, v in expected.items()} and m != list(expected)
    assert m == redacted().mapping and m != redacted(text="jane@example.com").mapping
    with pytest.raises(TypeError):
        hash(m)


@pytest.mark.parametrize("make", [
    lambda: redacted().findings[0],
    redacted,
    lambda: redacted().mapping,
], ids=["Finding", "Redacted", "Mapping"])
def test_values_are_frozen(make: Any) -> None:
    obj = make()
    for name in ("type", "start", "text", "findings", "mapping", "counts", "other"):
        with pytest.raises(AttributeError):
            setattr(obj, name, "changed")
    with pytest.raises(TypeError):
        obj["[EMAIL_1]"] = "x"


def test_classes_live_in_genie_core() -> None:
    for name in ("Redactor", "StreamRedactor", "Finding", "Redacted", "Mapping"):
        cls = getattr(genie_core, name)
        assert cls.__module__ == "genie_core" and cls.__qualname__ == name
    for cls in (Finding, Redacted, Mapping):
        with pytest.raises(TypeError):
            cls()


def test_values_pickle_and_copy() -> None:
    out = redacted()
    stream = StreamRedactor(Redactor(PLACEHOLDERS))
    stream.push(TEXT)
    stream.flush()
    values = [out, out.mapping, *out.findings, *Redactor().find(TEXT), redacted(None),
              redacted(None).mapping, stream.mapping, *stream.findings]
    custom = Redactor({"custom": [{"type": "ACME_ID", "regex": "ACME-\\d{4}"}]}).find("id ACME-1234")
    values.extend(custom)
    assert [f.type for f in custom] == ["ACME_ID"]
    for value in values:
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            again = pickle.loads(pickle.dumps(value, protocol))
            assert type(again) is type(value) and again == value and repr(again) == repr(value)
        assert copy.copy(value) == value and copy.deepcopy(value) == value
    again = pickle.loads(pickle.dumps(out))
    assert dict(again.mapping) == dict(out.mapping) and again.counts == out.counts
    assert Redactor().restore("to [EMAIL_2]", again.mapping) == "to bob@example.org"


@pytest.mark.parametrize("state", [
    ("Finding", ("EMAIL", 5, 2, None)),
    ("Finding", ("email", 0, 1, None)),
    ("Finding", ("EMAIL", -1, 1, None)),
    ("Finding", ("EMAIL", 0, 1, "scramble")),
    ("Finding", ("EMAIL", 0)),
    ("Mapping", ((("[EMAIL_1]", 3),),)),
    ("Mapping", ("x",)),
    ("Redacted", ("t", (), None, {})),
    ("Redacted", ("t", ("not a finding",), None, {})),
])
def test_unpickling_bad_state_is_invalid_argument(state: Tuple[str, Tuple[object, ...]]) -> None:
    from genie_core._genie_core import _unpickle

    with pytest.raises(InvalidArgumentError):
        _unpickle(*state)
