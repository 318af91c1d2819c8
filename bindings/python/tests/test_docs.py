"""The examples in the package docstring run and give what they show."""

from __future__ import annotations

import doctest

import genie_core


def test_package_docstring_examples() -> None:
    result = doctest.testmod(genie_core, raise_on_error=False, report=True)
    assert result.attempted >= 3
    assert result.failed == 0
