"""No function in bot/ or actions/ is longer than 80 lines (issue 12): a longer one does too
much to read in one go. Read from the source (ast): a function's lines run from its `def` to its
last statement, its docstring and nested functions included, its decorators not."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 80
# Alembic migrations are a record of what already ran on existing databases: a revision is not
# rewritten after it shipped, and its upgrade() is one list of tables, read top to bottom.
EXEMPT = ("bot/db/migrations/",)
# A function allowed past the limit for now, with its length, so it cannot grow (none today).
ALLOWED: dict[str, int] = {}


def long_functions(root: Path = ROOT) -> dict[str, int]:
    """'path:qualified name' -> lines, for every function over MAX_LINES."""
    found: dict[str, int] = {}
    for package in ("bot", "actions"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(EXEMPT):
                continue
            found.update(in_module(relative, ast.parse(path.read_text(), filename=relative)))
    return found


def in_module(relative: str, tree: ast.AST, prefix: str = "") -> dict[str, int]:
    found: dict[str, int] = {}
    for node in ast.iter_child_nodes(tree):
        name = prefix
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{node.name}"
            lines = node.end_lineno - node.lineno + 1
            if not isinstance(node, ast.ClassDef) and lines > MAX_LINES:
                found[f"{relative}:{name}"] = lines
            name += "."
        found.update(in_module(relative, node, name))
    return found


def test_no_function_is_longer_than_80_lines() -> None:
    found = long_functions()
    too_long = {name: lines for name, lines in found.items() if name not in ALLOWED}
    assert too_long == {}, f"split these (at most {MAX_LINES} lines): {too_long}"


def test_the_allowed_functions_are_not_growing() -> None:
    found = long_functions()
    grown = {n: found[n] for n in ALLOWED if found.get(n, 0) > ALLOWED[n]}
    assert grown == {}, f"these grew past their allowance: {grown}"


def test_the_walk_finds_methods_and_nested_functions() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    source = f"class A:\n    def m(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n"
    source += f"def outer():\n    def inner():\n    {body.replace(chr(10), chr(10) + '    ')}\n"
    source += "    return inner\n"
    found = in_module("x.py", ast.parse(source))
    assert found == {
        "x.py:A.m": MAX_LINES + 1,
        "x.py:outer": MAX_LINES + 3,
        "x.py:outer.inner": MAX_LINES + 1,
    }
