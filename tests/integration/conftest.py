"""The whole stack as `make run` starts it (`python -m bot run` with its own ports and var/), and
Debian's chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from whatsapp_fakes import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    PSEUDONYM_KEY,
    VERIFY_TOKEN,
    FakeGraph,
)

from bot.office_hours import DAYS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "overstap.tar.gz"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


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


@pytest.fixture(scope="session")
def whatsapp_graph() -> Iterator[FakeGraph]:
    """The fake Graph API the stack's WhatsApp channel sends its replies to."""
    with FakeGraph() as graph:
        yield graph


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


@contextlib.contextmanager
def running_stack(
    tmp_path_factory: pytest.TempPathFactory, whatsapp_graph: FakeGraph, office_hours: str
) -> Iterator[Stack]:
    """`python -m bot run` on free ports with its own var/, stopped with SIGTERM afterwards."""
    if not MODEL.exists():
        pytest.fail("No trained model in models/; run `make test` (it trains first).")
    var_dir = tmp_path_factory.mktemp("stack") / "var"
    ports = {name: free_port() for name in ("RASA", "ACTIONS", "WEB")}
    site_port = free_port()
    env = stack_environment(var_dir, ports, site_port, whatsapp_graph, office_hours)
    output = var_dir.parent / "run-output.txt"
    with open(output, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 240
    while "Overstap draait" not in output.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("overstap run did not start:\n" + output.read_text(errors="replace"))
        time.sleep(0.5)
    stack = Stack(
        rasa_url=f"http://127.0.0.1:{ports['RASA']}",
        web_url=f"http://localhost:{ports['WEB']}",
        site_url=f"http://127.0.0.1:{site_port}",
        var_dir=var_dir,
        process=process,
        output=output,
        whatsapp_graph=whatsapp_graph,
        env=env,
    )
    yield stack
    # Stopping is part of what `make run` promises: SIGTERM ends every child process.
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=30)
    assert code == 0, output.read_text(errors="replace")
    for port in ports.values():
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after stop"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, whatsapp_graph: FakeGraph) -> Iterator[Stack]:
    # Advisers are always at work here; `closed_stack` is the stack outside office hours.
    with running_stack(tmp_path_factory, whatsapp_graph, "ma-zo 00:00-23:59") as running:
        yield running


@pytest.fixture(scope="module")
def fresh_stack(
    tmp_path_factory: pytest.TempPathFactory, whatsapp_graph: FakeGraph
) -> Iterator[Stack]:
    """A stack of one module's own: its logs and databases hold only that module's traffic
    (other tests write raw events and contact details straight into the shared stack)."""
    with running_stack(tmp_path_factory, whatsapp_graph, "ma-zo 00:00-23:59") as running:
        yield running


def closed_office_hours(now: dt.datetime | None = None) -> str:
    """Office hours on one day that is not today (in the Netherlands), so closed right now."""
    today = (now or dt.datetime.now(ZoneInfo("Europe/Amsterdam"))).weekday()
    return f"{DAYS[(today + 3) % 7]} 09:00-17:00"


@pytest.fixture(scope="module")
def closed_stack(
    tmp_path_factory: pytest.TempPathFactory, whatsapp_graph: FakeGraph
) -> Iterator[Stack]:
    """A second stack whose advisers are not at work now: for the after-hours path only."""
    with running_stack(tmp_path_factory, whatsapp_graph, closed_office_hours()) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API keeps an event loop running in this
    # thread while it is open, and later tests that call asyncio.run() would fail.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
