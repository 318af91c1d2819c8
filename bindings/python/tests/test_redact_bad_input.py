"""The redactor's Python surface under bad input: wrong argument types, lone surrogates, bad
configs in every accepted form, and the hash key taken from the environment. Always a typed
error that says what to fix, and nothing changed by a refused call."""

from __future__ import annotations

import decimal
import json
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

import genie_core
from genie_core import (
    InvalidArgumentError,
    InvalidConfigError,
    InvalidUtf8Error,
    Redactor,
    StreamRedactor,
    StreamRestorer,
)

TEXT = "Mail jane.doe@example.com now"
BAD_TEXTS = [(b"Mail x", "bytes"), (bytearray(b"x"), "bytearray"), (None, "NoneType"),
             (7, "int"), (["a"], "list"), (object(), "object")]


@pytest.mark.parametrize("bad, type_name", BAD_TEXTS, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("call", [
    lambda r, bad: r.find(bad),
    lambda r, bad: r.redact(bad),
    lambda r, bad: r.restore(bad, {}),
    lambda r, bad: StreamRedactor(r).push(bad),
    lambda r, bad: StreamRestorer({}).push(bad),
], ids=["find", "redact", "restore", "push", "restorer-push"])
def test_wrong_text_type_is_invalid_argument(call: Callable[[Redactor, Any], Any], bad: Any,
                                             type_name: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call(Redactor(), bad)
    message = str(info.value)
    assert f"expected str, got {type_name}" in message
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    if type_name in ("bytes", "bytearray"):
        assert "decode" in message


@pytest.mark.parametrize("bad", [None, [("[EMAIL_1]", "x")], "[EMAIL_1]", 3, {"[EMAIL_1]": 3},
                                 {3: "x"}, {"[EMAIL_1]": b"x"}, {"[EMAIL_1]": "\ud800"}])
def test_wrong_mapping_is_invalid_argument(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="^INVALID_ARGUMENT: mapping: "):
        Redactor().restore("[EMAIL_1]", bad)
    with pytest.raises(InvalidArgumentError, match="^INVALID_ARGUMENT: mapping: "):
        StreamRestorer(bad)


@pytest.mark.parametrize("bad", [None, "general", {}, 3, Redactor])
def test_stream_redactor_needs_a_redactor(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="redactor: expected a genie_core.Redactor"):
        StreamRedactor(bad)


@pytest.mark.parametrize("text, position", [("\ud800", 0), ("ok \udcff", 3), ("é\udfff😀", 1),
                                            ("a" * 100_000 + "\ud83d", 100_000)])
def test_lone_surrogate_is_invalid_utf8(text: str, position: int) -> None:
    redactor = Redactor()
    for call in (redactor.find, redactor.redact, lambda t: redactor.restore(t, {}),
                 StreamRedactor(redactor).push, StreamRestorer({}).push):
        with pytest.raises(InvalidUtf8Error) as info:
            call(text)
        message = info.value.message
        assert message.startswith(("text: not valid Unicode", "chunk: not valid Unicode"))
        assert f"position {position}" in message and "surrogate" in message
        assert isinstance(info.value, ValueError)


def test_a_refused_chunk_leaves_the_stream_usable() -> None:
    stream = StreamRedactor(Redactor())
    out = stream.push("Mail jane.doe@ex")
    for bad in (b"ample.com", None, "\ud800"):
        with pytest.raises((InvalidArgumentError, InvalidUtf8Error)):
            stream.push(bad)  # type: ignore[arg-type]
    out += stream.push("ample.com now") + stream.flush()
    assert out == "Mail <EMAIL> now"
    assert [(f.type, f.start, f.end) for f in stream.findings] == [("EMAIL", 5, 25)]


def test_a_refused_chunk_leaves_the_restorer_usable() -> None:
    restorer = StreamRestorer({"[EMAIL_1]": "jane@example.com"})
    out = restorer.push("to [EMA")
    assert out == "to "
    for bad in (b"IL_1]", None, "\ud800"):
        with pytest.raises((InvalidArgumentError, InvalidUtf8Error)):
            restorer.push(bad)  # type: ignore[arg-type]
    out += restorer.push("IL_1] now [") + restorer.flush()
    assert out == "to jane@example.com now ["
    # Flushed, it restores the next answer with the same mapping.
    assert restorer.push("[EMAIL_1]") + restorer.flush() == "jane@example.com"


def test_a_stream_goes_on_after_flush() -> None:
    stream = StreamRedactor(Redactor())
    first = stream.push("é jane@example.com") + stream.flush()
    second = stream.push(" bob@example.org") + stream.flush()
    assert (first, second) == ("é <EMAIL>", " <EMAIL>")
    whole = "é jane@example.com bob@example.org"
    assert [whole[f.start:f.end] for f in stream.findings] == ["jane@example.com", "bob@example.org"]
    assert stream.counts == {"EMAIL": 2}


@pytest.mark.parametrize("bad, type_name", [(b"{}", "bytes"), (3, "int"), (["EMAIL"], "list"),
                                            (1.5, "float"), (object(), "object")],
                         ids=lambda v: type(v).__name__)
def test_wrong_config_type_is_invalid_argument(bad: Any, type_name: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        Redactor(bad)
    assert str(info.value) == (
        "INVALID_ARGUMENT: config: expected None, a dict, a JSON str, a file path (str or "
        f"os.PathLike), got {type_name}")


class DictSubclass(dict):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize("config, message", [
    ({"operators": {"EMAIL": {"type": "mask", "keep_last": decimal.Decimal(4)}}},
     "operators.EMAIL.keep_last: expected a dict, list, tuple, str, int, float, bool or None, got Decimal"),
    ({"allowlist": {"values": ["ok", b"x"]}}, "allowlist.values[1]: expected a dict, list, tuple"),
    ({"entities": {"EMAIL"}}, "entities: expected a dict, list, tuple, str, int, float, bool or None, got set"),
    ({1: "general"}, "config: keys must be str, got int 1"),
    ({"operators": {("EMAIL",): {}}}, "operators: keys must be str, got tuple"),
    ({"dates": float("nan")}, "dates: nan is not a JSON number"),
    ({"dates": float("inf")}, "dates: inf is not a JSON number"),
    ({"custom": [{"type": "ACME_ID", "regex": "A\\d{4}", "context": [2**64]}]},
     "custom[0].context[0]: integer 18446744073709551616 is out of range"),
    ({"profile": "\ud800"}, "profile: not valid Unicode text (lone surrogate)"),
    ({"\udcff": 1}, "config: a key is not valid Unicode (lone surrogate)"),
    ({"profile": "finance"}, "profile: unknown variant `finance`"),
    ({"operators": {"EMAIL": {"type": "mask", "keep_last": -1}}}, "operators.EMAIL: "),
    ({"profil": "general"}, "profil: unknown field `profil`"),
    ({"operators": {"default": {"type": "hash"}}}, "hash_key_env: "),
    ({"phone_region": "ZZ"}, "phone_region: unknown region"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_dict_config_names_the_path(config: Dict[Any, Any], message: str) -> None:
    with pytest.raises(InvalidConfigError) as info:
        Redactor(config)
    assert info.value.message.startswith(message)


def test_a_dict_that_contains_itself_is_an_error_not_a_crash() -> None:
    config: Dict[str, Any] = {}
    config["allowlist"] = config
    with pytest.raises(InvalidConfigError) as info:
        Redactor(config)
    assert info.value.message.startswith("allowlist.allowlist.allowlist.")
    assert info.value.message.endswith(": nested deeper than 64 levels (does a dict or list "
                                       "contain itself?)")
    items: Any = []
    items.append(items)
    with pytest.raises(InvalidConfigError, match=r"entities\[0\]\[0\].*nested deeper"):
        Redactor({"entities": items})


def test_dict_config_accepts_python_values() -> None:
    config = DictSubclass(
        entities=("EMAIL", "PHONE"), dates=False, phone_region=None, hash_key_env=None,
        operators={"EMAIL": {"type": "mask", "keep_last": 4, "char": "•"}},
        allowlist={"values": [], "patterns": ("*@acme.com",)},
    )
    redactor = Redactor(config)
    out = redactor.redact("a support@acme.com b jane@example.com c 415 802 3391 d +1 415 802 3391")
    assert out.text == "a support@acme.com b ••••••••••••.com c 415 802 3391 d <PHONE>"
    assert json.loads(json.dumps(config)) == {**config, "entities": ["EMAIL", "PHONE"],
                                              "allowlist": {"values": [], "patterns": ["*@acme.com"]}}


def test_json_text_and_file_configs(tmp_path: Path) -> None:
    config = {"operators": {"default": {"type": "placeholder"}}, "entities": ["EMAIL"]}
    path = tmp_path / "redactor.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    expected = Redactor(config).redact(TEXT)
    assert expected.text == "Mail [EMAIL_1] now"
    for form in (json.dumps(config), f" \n\t{json.dumps(config, indent=2)}\n", str(path), path,
                 tmp_path / "." / "redactor.json"):
        assert Redactor(form).redact(TEXT) == expected, form
    assert Redactor(None).redact(TEXT).text == "Mail <EMAIL> now"
    assert Redactor().redact(TEXT) == Redactor(config=None).redact(TEXT)


def test_config_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    for form in (str(missing), missing):
        with pytest.raises(InvalidConfigError, match=f"^INVALID_CONFIG: {missing}: cannot read"):
            Redactor(form)
    broken = tmp_path / "broken.json"
    broken.write_text('{"profile": "finance"}', encoding="utf-8")
    with pytest.raises(InvalidConfigError) as info:
        Redactor(broken)
    assert info.value.message.startswith(f"{broken}: profile: unknown variant `finance`")
    with pytest.raises(InvalidConfigError, match="cannot read"):
        Redactor(str(tmp_path))
    with pytest.raises(InvalidConfigError) as info:
        Redactor('{"profile": "tech"')
    assert "EOF" in info.value.message


def test_a_file_name_that_is_not_valid_unicode(tmp_path: Path) -> None:
    name = tmp_path / "caf\udce9.json"  # the byte 0xE9, undecodable as UTF-8 (surrogateescape)
    try:
        name.write_text('{"entities": ["EMAIL"]}', encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system does not take undecodable names")
    assert Redactor(str(name)).redact("jane@example.com +1 415 802 3391").text == (
        "<EMAIL> +1 415 802 3391")


def test_hash_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {"hash_key_env": "GENIE_PY_TEST_KEY", "operators": {"EMAIL": {"type": "hash"}}}
    monkeypatch.delenv("GENIE_PY_TEST_KEY", raising=False)
    with pytest.raises(InvalidConfigError) as info:
        Redactor(config)
    assert info.value.message.startswith("hash_key_env: the environment variable \"GENIE_PY_TEST_KEY\"")
    monkeypatch.setenv("GENIE_PY_TEST_KEY", "fixture-hmac-key-not-a-secret")
    keyed = Redactor(config)
    assert keyed.redact("jane@example.com").text == "<EMAIL:b0b6393a>"
    monkeypatch.setenv("GENIE_PY_TEST_KEY", "another-key")
    assert keyed.redact("jane@example.com").text == "<EMAIL:b0b6393a>", "read when built"
    assert Redactor(config).redact("jane@example.com").text != "<EMAIL:b0b6393a>"
    for shown in (repr(keyed), str(info.value)):
        assert "another-key" not in shown and "fixture-hmac" not in shown


def test_fail_closed_is_documented() -> None:
    for doc in (Redactor.__doc__, Redactor.redact.__doc__, StreamRedactor.__doc__):
        assert doc and "RedactionFailedError" in doc and "no text" in " ".join(doc.split())
    assert "Fail closed" in (Redactor.__doc__ or "") and "Fail closed" in (StreamRedactor.__doc__ or "")
    assert genie_core.RedactionFailedError.status == 4000
