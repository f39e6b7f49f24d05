"""`pip install .` gives an `overstap` command that runs from the installed package's own files.

The wheel is built from a copy of the project and installed into a fresh virtualenv without its
dependencies; the fresh venv borrows the installed dependencies of the project's venv through a
.pth file (downloading Rasa and TensorFlow again would take many minutes). `pip check` then
proves that what pyproject.toml declares is satisfied, and the commands run from a folder that
is not the project, so nothing comes from the clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("bot", "actions"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "--disable-pip-version-check", "-w", str(wheels), "."],
        source,
    )  # fmt: skip
    [wheel] = wheels.glob("overstap-*.whl")
    base_python = (
        Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    )
    venv = tmp / "venv"
    run([str(base_python), "-m", "venv", "--without-pip", str(venv)], tmp)
    python = venv / "bin" / "python"
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp
        ).strip()
    )
    # The dependencies (pip among them), not the project: a plain path is added, its .pth files
    # (among them the editable install of this clone) are not run.
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--disable-pip-version-check", str(wheel)],
        tmp,
    )  # fmt: skip
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        "OVERSTAP_VAR_DIR": str(elsewhere / "var"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    return venv, env


def test_the_installed_dependencies_satisfy_the_declared_ones(installed) -> None:
    venv, env = installed
    out = run([str(venv / "bin" / "python"), "-m", "pip", "check"], venv, env)
    assert "No broken requirements found" in out


def test_the_command_runs_from_the_installed_package(installed) -> None:
    venv, env = installed
    elsewhere = Path(env["OVERSTAP_VAR_DIR"]).parent
    overstap = str(venv / "bin" / "overstap")
    assert "catalog" in run([overstap, "--help"], elsewhere, env)
    shown = run([overstap, "settings"], elsewhere, env)
    assert f"OVERSTAP_VAR_DIR={elsewhere / 'var'}" in shown
    # The migrations come with the package: the database is made and matches the models.
    assert "precies" in run([overstap, "db", "check"], elsewhere, env)
    where = run(
        [str(venv / "bin" / "python"), "-c",
         "import bot, bot.web.app as app; print(bot.__file__); "
         "print(app.HERE / 'templates' / 'console' / 'login.html')"],
        elsewhere, env,
    ).split()  # fmt: skip
    assert str(venv) in where[0] and Path(where[1]).is_file()
