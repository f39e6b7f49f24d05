"""pyproject.toml declares what requirements.txt pins, at the versions constraints.txt resolved."""

from __future__ import annotations

import re
from pathlib import Path

import tomli
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = "# test and lint tools"


def pyproject() -> dict:
    return tomli.loads((ROOT / "pyproject.toml").read_text())


def requirements() -> tuple[list[str], list[str]]:
    """(run-time requirements, test tools) of requirements.txt, without comments."""
    runtime: list[str] = []
    tools: list[str] = []
    target = runtime
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.startswith(TEST_TOOLS):
            target = tools
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            target.append(requirement)
    return runtime, tools


def normalized(requirements: list[str]) -> dict[str, str]:
    found = {}
    for text in requirements:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        found[name] = f"{sorted(requirement.extras)}{requirement.specifier}"
    return found


def test_pyproject_declares_the_pins_of_requirements_txt() -> None:
    runtime, tools = requirements()
    project = pyproject()["project"]
    assert normalized(project["dependencies"]) == normalized(runtime)
    assert normalized(project["optional-dependencies"]["test"]) == normalized(tools)


def test_every_pin_is_the_version_constraints_txt_resolved() -> None:
    resolved = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep:
            resolved[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    runtime, tools = requirements()
    for text in runtime + tools:
        requirement = Requirement(text)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in resolved, f"{name} is missing from constraints.txt"
        assert requirement.specifier.contains(resolved[name]), (name, resolved[name])


def test_package_data_covers_every_file_the_package_reads() -> None:
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["bot"]
    package = ROOT / "bot"
    covered = {path for pattern in patterns for path in package.glob(pattern)}
    needed = [
        path
        for path in package.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and (path.suffix != ".py" or "migrations" in path.parts)
    ]
    assert needed and [p.relative_to(ROOT) for p in needed if p not in covered] == []
