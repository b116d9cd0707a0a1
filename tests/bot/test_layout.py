"""The house as issue 12 left it: a few modules of bot/'s own, every subpackage saying what it
is for (import-linter, in `.ci/run`, holds the layers themselves)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT

PACKAGES = [p.parent for top in ("bot", "adapters") for p in (ROOT / top).rglob("__init__.py")]


def test_bot_has_at_most_eight_modules_of_its_own() -> None:
    modules = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(modules) <= 8, modules


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_what_it_is_for(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{package.relative_to(ROOT)}/__init__.py needs a docstring"
    assert len(tree.body) == 1, "a package's __init__ is its docstring only: imports stay lazy"
