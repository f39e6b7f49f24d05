"""`overstap advisor create|list`: accounts from the command line, passwords never echoed."""

from __future__ import annotations

import subprocess
import sys


def overstap(tmp_path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {"OVERSTAP_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    if password is not None:
        env["OVERSTAP_ADVISOR_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_create_and_list_accounts(tmp_path) -> None:
    made = overstap(
        tmp_path, "advisor", "create", "anna", "--role", "beheerder", password="een lang wachtwoord"
    )
    assert made.returncode == 0, made.stderr
    assert "Account anna (beheerder) is gemaakt" in made.stdout
    assert "een lang wachtwoord" not in made.stdout + made.stderr
    again = overstap(tmp_path, "advisor", "create", "anna", password="een lang wachtwoord")
    assert again.returncode == 2 and "al een account" in again.stderr
    short = overstap(tmp_path, "advisor", "create", "bram", password="kort")
    assert short.returncode == 2 and "minstens 10 tekens" in short.stderr
    listed = overstap(tmp_path, "advisor", "list")
    assert listed.returncode == 0
    assert "anna" in listed.stdout and "beheerder" in listed.stdout and "bram" not in listed.stdout


def test_without_a_terminal_the_password_must_come_from_the_environment(tmp_path) -> None:
    result = overstap(tmp_path, "advisor", "create", "cor")
    assert result.returncode == 2
    assert "OVERSTAP_ADVISOR_PASSWORD" in result.stderr
