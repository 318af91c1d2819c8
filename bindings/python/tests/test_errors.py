"""The exception classes against the shared error table (tests/fixtures/errors.json)."""

from __future__ import annotations

import builtins
import pickle
from typing import Any, Dict

import pytest

import genie_core
from conftest import load_json
from genie_core import GenieError, InvalidArgumentError, LimitExceededError, SseParser
from genie_core._errors import _BY_CODE

TABLE = load_json("errors.json")["errors"]


def test_error_table_matches_the_fixture() -> None:
    assert genie_core.error_table() == [{"code": e["code"], "status": e["status"]} for e in TABLE]
    assert set(_BY_CODE) == {e["code"] for e in TABLE}


@pytest.mark.parametrize("entry", TABLE, ids=lambda e: e["code"])
def test_class_renders_its_entry(entry: Dict[str, Any]) -> None:
    cls = getattr(genie_core, entry["python_class"])
    assert entry["python_class"] in genie_core.__all__
    assert issubclass(cls, GenieError)
    assert cls.code == entry["code"]
    assert cls.status == entry["status"]
    assert _BY_CODE[entry["code"]] is cls
    for name in entry["python_builtins"]:
        assert issubclass(cls, getattr(builtins, name)), f"{cls.__name__} is not a {name}"
    assert cls.__doc__ and cls.__doc__.strip()
    err = cls("what to fix")
    assert (err.code, err.status, err.message) == (entry["code"], entry["status"], "what to fix")
    assert str(err) == f"{entry['code']}: what to fix"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls and again.message == "what to fix"


def test_native_errors_are_the_python_classes() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        SseParser().feed("text")  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, TypeError) and isinstance(err, ValueError)
    assert (err.code, err.status) == ("INVALID_ARGUMENT", 1000)
    assert str(err).startswith("INVALID_ARGUMENT: data: ")


def test_limit_exceeded_carries_the_events_of_the_failing_feed() -> None:
    parser = SseParser(max_line_bytes=4)
    with pytest.raises(LimitExceededError) as info:
        parser.feed(b"data\n\ndata: too long\n\nid:1\ndata\n\n")
    err = info.value
    assert [(e.data, e.id) for e in err.events] == [("", ""), ("", "1")]
    assert "max_line_bytes (4)" in err.message
    assert parser.feed(b"data\n\n")[0].id == "1", "the parser carries on after the error"
    assert LimitExceededError("x").events == []
