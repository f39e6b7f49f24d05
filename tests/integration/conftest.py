"""The whole stack as `make run` starts it (`python -m bot run` with its own ports and var/), and
Debian's chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from stacks import MODEL, PROJECT_ROOT, Stack, free_port, stack_environment
from whatsapp_fakes import FakeGraph

from bot.office_hours import DAYS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def whatsapp_graph() -> Iterator[FakeGraph]:
    """The fake Graph API the stack's WhatsApp channel sends its replies to."""
    with FakeGraph() as graph:
        yield graph


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
