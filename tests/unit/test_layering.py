"""The imports of bot/ and actions/ point down the layering in README.md and never go round.

The imports are read from the source (ast), every one of them: at the top of a module, inside
a function, under `if TYPE_CHECKING`. A lazy import still makes the importing code depend on
the imported code, so it counts.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Top to bottom. A module may import its own layer and the layers below, never one above.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("commands", frozenset({"bot", "bot.__main__", "bot.cli", "bot.prod", "bot.run", "bot.setup", "bot.rasa_cli", "bot.worker", "bot.perf"})),
    ("apps", frozenset({"bot.web", "actions"})),
    ("console and channels", frozenset({"bot.console", "bot.channels", "bot.events", "bot.tracker_store"})),
    ("handoff and whatsapp", frozenset({"bot.handoff", "bot.whatsapp"})),
    ("catalog, careers and nlp", frozenset({"bot.catalog", "bot.careers", "bot.nlp"})),
    (
        "foundation",
        frozenset({"bot.db", "bot.settings", "bot.errors", "bot.office_hours", "bot.rasa_api", "bot.rasa_compat", "bot.lock_store"}),
    ),
)  # fmt: skip
# Alembic loads migrations by file path; nothing imports them. env.py imports every package's
# models so that autogenerate sees every table: the one place in bot/db that looks up.
NOT_IMPORTED = ("bot.db.migrations",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in ("bot", "actions"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = module_name(path)
            if not name.startswith(NOT_IMPORTED):
                found[name] = path
    return found


def imported_modules(module: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The project modules this file imports: `from a import b` is a.b when that is a module."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                parts = parts[: len(parts) - node.level + (1 if is_package else 0)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in modules else base)
    return {name for name in found if name in modules and name != module}


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def placed(module: str) -> tuple[int, str] | None:
    """(layer index, 0 = top; the package or module of LAYERS that holds it, most specific)."""
    best: tuple[int, int, str] | None = None
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if module == member or module.startswith(member + "."):
                depth = member.count(".") + 1
                if best is None or depth > best[0]:
                    best = (depth, index, member)
    return None if best is None else (best[1], best[2])


def layer_of(module: str) -> int | None:
    place = placed(module)
    return None if place is None else place[0]


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The same imports between the packages (and top-level modules) that LAYERS names."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        here = placed(module)
        if here is None:
            continue
        edges = packages.setdefault(here[1], set())
        for target in targets:
            there = placed(target)
            if there is not None and there[1] != here[1]:
                edges.add(there[1])
    return packages


def upward_imports(graph: Mapping[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        here = layer_of(module)
        for target in sorted(targets):
            there = layer_of(target)
            if here is not None and there is not None and there < here:
                problems.append(
                    f"{module} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]}), "
                    "a layer above it"
                )
    return problems


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(project_modules())


def test_every_module_has_a_layer(graph) -> None:
    assert [m for m in graph if layer_of(m) is None] == []


def test_no_import_points_up_the_layering(graph) -> None:
    assert upward_imports(graph) == []


def test_no_import_cycles(graph) -> None:
    assert cycles(graph) == []


def test_no_import_cycles_between_packages(graph) -> None:
    # Within one layer a package may use another, but never both ways (catalog <-> nlp).
    assert cycles(package_graph(graph)) == []


def test_the_graph_sees_lazy_and_relative_imports(graph) -> None:
    # bot.cli imports the web app inside a function; bot/__main__.py imports bot.cli.
    assert "bot.web.app" in graph["bot.cli"]
    assert "bot.cli" in graph["bot.__main__"]
    assert "bot.catalog.index" in graph["bot.catalog"]


def test_the_checks_find_a_cycle_and_an_upward_import() -> None:
    fake = {
        "bot.catalog.store": {"bot.handoff.store"},  # catalog below handoff: upward
        "bot.handoff.store": {"bot.catalog.store"},
        "bot.db.engine": {"bot.settings"},
        "bot.settings": set(),
    }
    assert cycles(fake) == [["bot.catalog.store", "bot.handoff.store"]]
    assert cycles(package_graph(fake)) == [["bot.catalog", "bot.handoff"]]
    same_layer = {"bot.nlp.signals": {"bot.catalog.models"}, "bot.catalog.search": {"bot.nlp.x"}}
    assert cycles(package_graph(same_layer)) == [["bot.catalog", "bot.nlp"]]
    assert upward_imports(same_layer) == []
    assert upward_imports(fake) == [
        "bot.catalog.store (catalog, careers and nlp) imports bot.handoff.store (handoff and whatsapp), "
        "a layer above it"
    ]
