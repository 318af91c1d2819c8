"""Keeps the type stub and the package surface true to the runtime objects.

``_genie_core.pyi`` is parsed with ``ast`` and compared with the native module through
``inspect``: every public runtime name is in the stub and vice versa; for each class the
properties, methods, ``__init__`` signature and ``__eq__``/``__hash__`` match. Every public
name has a docstring.
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import pytest

import genie_core
from genie_core import _errors, _genie_core

PACKAGE = Path(genie_core.__file__).parent
STUB = ast.parse((PACKAGE / "_genie_core.pyi").read_text(encoding="utf-8"))

Func = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# (name, kind, has_default) per parameter, `self` excluded.
Params = List[Tuple[str, str, bool]]


def _public(name: str) -> bool:
    return not name.startswith("_") or name == "__version__"


def _stub_params(fn: Func, drop_self: bool) -> Params:
    a = fn.args
    out: Params = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append((arg.arg, kind, default is not None))
    if a.vararg:
        out.append((a.vararg.arg, "VAR_POSITIONAL", False))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append((arg.arg, "KEYWORD_ONLY", default is not None))
    if a.kwarg:
        out.append((a.kwarg.arg, "VAR_KEYWORD", False))
    return out[1:] if drop_self else out


def _runtime_params(sig: inspect.Signature, drop_self: bool) -> Params:
    params = list(sig.parameters.values())
    if drop_self:
        params = params[1:]
    return [(p.name, p.kind.name, p.default is not inspect.Parameter.empty) for p in params]


def _stub_top_level() -> Dict[str, ast.AST]:
    names: Dict[str, ast.AST] = {}
    for node in STUB.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return {k: v for k, v in names.items() if _public(k)}


def _stub_classes() -> Dict[str, ast.ClassDef]:
    return {k: v for k, v in _stub_top_level().items() if isinstance(v, ast.ClassDef)}


def _is_property(fn: Func) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list)


def test_stub_and_runtime_have_the_same_names() -> None:
    runtime = {n for n in dir(_genie_core) if _public(n)}
    assert set(_stub_top_level()) == runtime


def test_stub_functions_match() -> None:
    for name, node in _stub_top_level().items():
        if isinstance(node, ast.FunctionDef):
            runtime = getattr(_genie_core, name)
            assert _stub_params(node, False) == _runtime_params(inspect.signature(runtime), False)


@pytest.mark.parametrize("name", sorted(_stub_classes()))
def test_stub_class_matches(name: str) -> None:
    node = _stub_classes()[name]
    cls = getattr(_genie_core, name)
    stub_props, stub_methods = set(), {}
    stub_hash: Optional[str] = None
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            if _is_property(item):
                stub_props.add(item.name)
            else:
                stub_methods[item.name] = item
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            assert item.target.id == "__hash__", f"unexpected class attribute {item.target.id}"
            stub_hash = "none"
    if "__hash__" in stub_methods:
        stub_hash = "defined"

    members = vars(cls)
    runtime_props = {k for k, v in members.items() if _public(k) and inspect.isdatadescriptor(v)}
    runtime_methods = {k for k, v in members.items() if _public(k) and inspect.ismethoddescriptor(v)
                       and not inspect.isdatadescriptor(v)}
    assert stub_props == runtime_props
    assert {m for m in stub_methods if _public(m)} == runtime_methods

    for method in runtime_methods:
        assert _stub_params(stub_methods[method], True) == _runtime_params(
            inspect.signature(getattr(cls, method)), True), f"{name}.{method}"

    if "__init__" not in stub_methods:
        with pytest.raises(TypeError, match="cannot create|No constructor"):
            cls()
    elif sys.version_info >= (3, 10):  # 3.9's limited API gives classes no __text_signature__
        assert _stub_params(stub_methods["__init__"], True) == _runtime_params(
            inspect.signature(cls), False), f"{name}.__init__"

    assert ("__eq__" in stub_methods) == (members.get("__eq__") is not None)
    runtime_hash = members.get("__hash__", "inherited")
    expected = {"inherited": None, None: "none"}.get(runtime_hash, "defined")  # type: ignore[call-overload]
    assert stub_hash == expected, f"{name}.__hash__"


def test_every_public_name_has_a_docstring() -> None:
    for name in genie_core.__all__:
        if name == "__version__":
            continue
        obj = getattr(genie_core, name)
        assert (obj.__doc__ or "").strip(), f"{name} has no docstring"
        if inspect.isclass(obj) and obj.__module__ == "genie_core":
            for attr, member in vars(obj).items():
                if _public(attr) and (inspect.isdatadescriptor(member) or inspect.ismethoddescriptor(member)):
                    assert (member.__doc__ or "").strip(), f"{name}.{attr} has no docstring"


def test_package_all_is_exact() -> None:
    assert len(genie_core.__all__) == len(set(genie_core.__all__))
    exported = {n for n in vars(genie_core) if _public(n) and not inspect.ismodule(getattr(genie_core, n))}
    assert set(genie_core.__all__) == exported
    native = {n for n in dir(_genie_core) if _public(n)}
    errors = {n for n, v in vars(_errors).items() if inspect.isclass(v) and issubclass(v, Exception)}
    assert set(genie_core.__all__) == native | errors
    assert genie_core.__version__ == _genie_core.__version__
    assert (PACKAGE / "py.typed").exists()
