"""A test stack's parts that more than the fixtures need: its environment and what a test reads
of a running stack. The fixtures that start one are in conftest.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests
from whatsapp_fakes import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    PSEUDONYM_KEY,
    VERIFY_TOKEN,
    FakeGraph,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "overstap.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    rasa_url: str
    web_url: str
    site_url: str  # another origin that may embed the widget (in OVERSTAP_ALLOWED_ORIGINS)
    var_dir: Path
    process: subprocess.Popen
    output: Path
    whatsapp_graph: FakeGraph | None = None
    env: dict[str, str] | None = None

    @property
    def rasa_token(self) -> str:
        return (self.var_dir / "rasa_token").read_text().strip()

    def create_advisor(self, name: str, role: str = "adviseur", display_name: str = "") -> str:
        """An advisor account in the stack's database; returns the password."""
        password = f"wachtwoord-{name}-123"
        env = dict(self.env or os.environ, OVERSTAP_ADVISOR_PASSWORD=password)
        args = ["advisor", "create", name, "--role", role]
        if display_name:
            args += ["--display-name", display_name]
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return password

    @property
    def whatsapp_url(self) -> str:
        return f"{self.rasa_url}/webhooks/whatsapp/webhook"

    def append_events(self, conversation_id: str, events: list[dict]) -> None:
        """Append events through Rasa's HTTP API and send bot messages to the person's
        channel, as the advisor console will."""
        response = requests.post(
            f"{self.rasa_url}/conversations/{conversation_id}/tracker/events",
            params={
                "include_events": "NONE",
                "output_channel": "latest",
                "execute_side_effects": "true",
                "token": self.rasa_token,
            },
            json=events,
            timeout=30,
        )
        response.raise_for_status()

    def say(self, sender: str, message: str) -> list[dict]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def stack_environment(
    var_dir: Path,
    ports: dict[str, int],
    site_port: int,
    whatsapp_graph: FakeGraph,
    office_hours: str,
) -> dict[str, str]:
    """The environment of a test stack: its own ports and var/ (SQLite databases in it),
    WhatsApp pointed at the fake Graph API, advisers at work in `office_hours`."""
    env = dict(os.environ)
    env.update({f"OVERSTAP_{name}_PORT": str(port) for name, port in ports.items()})
    env["OVERSTAP_ALLOWED_ORIGINS"] = (
        f"http://localhost:{ports['WEB']},http://127.0.0.1:{ports['WEB']},"
        f"http://127.0.0.1:{site_port}"
    )
    env["OVERSTAP_VAR_DIR"] = str(var_dir)
    env.pop("OVERSTAP_DATABASE_URL", None)
    env.pop("OVERSTAP_TRACKER_URL", None)
    env.update(
        {
            "OVERSTAP_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
            "OVERSTAP_WHATSAPP_APP_SECRET": APP_SECRET,
            "OVERSTAP_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "OVERSTAP_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "OVERSTAP_WHATSAPP_GRAPH_URL": whatsapp_graph.base_url,
            "OVERSTAP_PSEUDONYM_KEY": PSEUDONYM_KEY,  # tests can work out pseudonyms
            "OVERSTAP_OFFICE_HOURS": office_hours,
            "OVERSTAP_OFFICE_HOLIDAYS": "nee",  # the same answers when CI runs on a holiday
            # Every test's conversations come from 127.0.0.1 (one address, many people), and a
            # script types faster than a person: the limits have tests of their own.
            "OVERSTAP_RATE_ADDRESS_PER_MINUTE": "100000",
            "OVERSTAP_RATE_CONVERSATION_PER_MINUTE": "10000",
        }
    )
    return env
