"""The action server fails while a person is talking: what they see, and what is stored.

A running stack: Rasa with the trained model (`python -m bot.rasa_cli run`, as `overstap run`
starts it), the real action server, and between them a fault injector on its own port
(Rasa's action endpoint points at it). The injector passes calls on, or is down (its port
closed), answers 500, answers something that is not JSON, or is slower than
OVERSTAP_ACTION_TIMEOUT (7 s by default). Each fault hits the same step of the profile
questions; the person must get a Dutch apology with buttons within 10 s, and once the action
server is back, "Nog een keer" goes on where they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from bot.run import tracker_store_config
from bot.settings import Settings
from bot.setup import prepare_database

pytestmark = pytest.mark.rasa

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "overstap.tar.gz"
APOLOGY = "Sorry, er ging iets mis bij mij."
SLOW_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultInjector:
    """An HTTP hop between Rasa and the action server, with a switchable fault."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.mode = "pass"
        self.calls: list[str] = []
        self.connections: list[socket.socket] = []  # kept-alive ones too
        self.port = free_port()
        self.server: ThreadingHTTPServer | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        injector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                injector.connections.append(self.connection)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                mode = injector.mode
                injector.calls.append(mode)
                if mode == "500":
                    return self._answer(500, b'{"error": "boom"}')
                if mode == "garbage":
                    return self._answer(200, b"<html>not json</html>")
                if mode == "slow":
                    time.sleep(SLOW_S)
                    return self._answer(504, b"{}")
                answer = requests.post(
                    injector.target + self.path,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                )
                return self._answer(answer.status_code, answer.content)

            def _answer(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # Rasa gave up on a slow call
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def up(self) -> None:
        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        """The port is closed: Rasa's connection is refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.connections.clear()


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{url} did not come up:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.5)


class FaultStack:
    def __init__(self, rasa_url: str, var_dir: Path, injector: FaultInjector) -> None:
        self.rasa_url = rasa_url
        self.var_dir = var_dir
        self.injector = injector

    def say(self, sender: str, message: str) -> tuple[list[dict], float]:
        started = time.monotonic()
        answer = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        answer.raise_for_status()
        return answer.json(), time.monotonic() - started

    def bot_texts(self, sender: str) -> list[str]:
        db = sqlite3.connect(self.var_dir / "tracker.db")
        try:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
                (sender,),
            ).fetchall()
        finally:
            db.close()
        return [json.loads(r[0]).get("text") or "" for r in rows]

    def events(self, sender: str) -> list[str]:
        db = sqlite3.connect(self.var_dir / "tracker.db")
        try:
            rows = db.execute(
                "SELECT type_name, action_name, data FROM events WHERE sender_id = ? ORDER BY id",
                (sender,),
            ).fetchall()
        finally:
            db.close()
        return [
            f"{t}:{a}:{json.loads(d).get('name', '')}:{json.loads(d).get('value', '')}"
            for t, a, d in rows
        ]

    def slots(self, sender: str) -> dict[str, Any]:
        db = sqlite3.connect(self.var_dir / "tracker.db")
        try:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
                (sender,),
            ).fetchall()
        finally:
            db.close()
        slots: dict[str, Any] = {}
        for (data,) in rows:
            event = json.loads(data)
            slots[event["name"]] = event["value"]
        return slots


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    if not MODEL.exists():
        pytest.fail("No trained model in models/; run `make test` (it trains first).")
    var_dir = tmp_path_factory.mktemp("faults") / "var"
    var_dir.mkdir()
    env = {
        **os.environ,
        "OVERSTAP_VAR_DIR": str(var_dir),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{var_dir / 'overstap.db'}",
        "OVERSTAP_TRACKER_URL": f"sqlite:///{var_dir / 'tracker.db'}",
        "PYTHONPATH": str(ROOT),
        "SANIC_HOST": "127.0.0.1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    env.pop("OVERSTAP_ACTION_TIMEOUT", None)  # the default is what is tested
    settings = Settings.from_env(env)
    prepare_database(settings)
    actions_port, rasa_port = free_port(), free_port()
    injector = FaultInjector(f"http://127.0.0.1:{actions_port}")
    injector.up()
    endpoints = var_dir / "endpoints.yml"
    endpoints.write_text(
        yaml.safe_dump(
            {
                "action_endpoint": {"url": f"http://127.0.0.1:{injector.port}/webhook"},
                "tracker_store": tracker_store_config(settings.tracker_url),
            }
        )
    )
    py = sys.executable
    actions = start(
        [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
        env, var_dir / "actions.log",
    )  # fmt: skip
    rasa = start(
        [py, "-m", "bot.rasa_cli", "run", "--model", str(MODEL), "--endpoints", str(endpoints),
         "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1",
         "--port", str(rasa_port)],
        env, var_dir / "rasa.log",
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{actions_port}/health", actions, var_dir / "actions.log")
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, var_dir / "rasa.log")
        yield FaultStack(f"http://127.0.0.1:{rasa_port}", var_dir, injector)
    finally:
        stop(rasa)
        stop(actions)
        injector.down()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons", [])}


def set_fault(injector: FaultInjector, fault: str) -> None:
    if fault == "down":
        injector.down()
    else:
        injector.mode = fault


def clear_fault(injector: FaultInjector) -> None:
    injector.mode = "pass"
    if injector.server is None:
        injector.up()


@pytest.mark.parametrize("fault", ["down", "500", "garbage", "slow"])
def test_the_person_gets_an_apology_in_time_and_goes_on_after(
    fault_stack: FaultStack, fault: str
) -> None:
    me = f"fault-{fault}-{uuid.uuid4().hex[:8]}"
    first, _ = fault_stack.say(me, "/start_profile")
    assert "Wat doe je nu" in texts(first)

    set_fault(fault_stack.injector, fault)
    try:
        replies, took = fault_stack.say(me, "ik heb een ww uitkering")
    finally:
        clear_fault(fault_stack.injector)
    print(f"{fault}: the apology came after {took:.1f}s")
    assert took < 10, f"{fault}: the apology took {took:.1f}s"
    assert APOLOGY in texts(replies), replies
    assert texts(replies).count(APOLOGY) == 1  # one apology, not one per failed action
    choices = buttons(replies)
    assert choices["Nog een keer"] == "ik heb een ww uitkering"
    assert choices["Opnieuw beginnen"] == "/greet"

    again, _ = fault_stack.say(me, choices["Nog een keer"])
    assert "sector" in texts(again), again  # the form goes on where it was
    assert APOLOGY not in texts(again)
    next_step, _ = fault_stack.say(me, '/inform{"sector": "zorg"}')
    assert "diploma" in texts(next_step)

    # What is stored: the failed turn not at all (its message came again), then the
    # conversation as usual; the answer was checked by the action server once it was back.
    assert not any(APOLOGY in t for t in fault_stack.bot_texts(me))
    users = [e for e in fault_stack.events(me) if e.startswith("user:")]
    assert len(users) == 3  # /start_profile, the answer once, the sector
    assert fault_stack.slots(me).get("work_situation") == "ww"
    assert fault_stack.slots(me).get("sector") == "zorg"


def test_the_log_names_the_failure_without_the_persons_text(fault_stack: FaultStack) -> None:
    log = (fault_stack.var_dir / "rasa.log").read_text(errors="replace")
    assert "the person got an apology" in log
    assert "ww uitkering" not in log  # no line holds what the person wrote
    assert "Traceback" not in log  # an ended turn is not an error with a stack
