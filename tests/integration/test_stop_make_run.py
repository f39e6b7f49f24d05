"""Stopping `make run` the way a terminal does: SIGTERM to make's whole process group (what
Ctrl-C amounts to; make then sends its own SIGTERM to `overstap run` as well), with a browser's
socket.io connections, the console and messages in flight. Within 15 s no process of the stack
may be left, and every port must be free for the next `make run`.

Twice it was not so: "==> stopping all processes" was printed twice, make and `overstap run`
exited, and Rasa and the web app kept running with parent 1 on ports 5005 and 8000.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

pytestmark = pytest.mark.rasa

ROOT = Path(__file__).resolve().parents[2]
STOP_LIMIT_S = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_processes(var_dir: Path) -> list[int]:
    """Every live process whose environment names this stack's var/ (its children too)."""
    marker = f"OVERSTAP_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(") ", 1)[1][0]
                if state != "Z":
                    found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def open_half_request(port: int) -> socket.socket:
    """A connection in the middle of sending a request: a slow client on a bad network."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    return sock


def start_make_run(tmp_path: Path) -> tuple[subprocess.Popen, dict, dict[str, int], Path]:
    var_dir = tmp_path / "var"
    ports = {name: free_port() for name in ("RASA", "ACTIONS", "WEB")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSTAP_", "MAKE"))}
    env.update({f"OVERSTAP_{name}_PORT": str(port) for name, port in ports.items()})
    env["OVERSTAP_VAR_DIR"] = str(var_dir)
    env["OVERSTAP_ALLOWED_ORIGINS"] = f"http://localhost:{ports['WEB']}"
    env["OVERSTAP_PUBLIC_WEB_URL"] = f"http://localhost:{ports['WEB']}"
    env["OVERSTAP_PUBLIC_RASA_URL"] = f"http://127.0.0.1:{ports['RASA']}"
    output = tmp_path / "make-output.txt"
    with open(output, "wb") as out:
        process = subprocess.Popen(
            # -o: the virtualenv and node_modules are there (make test made them)
            ["make", "-s", "-o", ".venv/.deps-stamp", "-o", "node_modules/.stamp", "run"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 300
    while "Overstap draait" not in output.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("make run did not start:\n" + output.read_text(errors="replace"))
        time.sleep(0.5)
    return process, env, ports, output


def chat_socket(rasa_url: str, origin: str, transports: list[str]) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        rasa_url,
        headers={"Origin": origin},
        transports=transports,
        socketio_path="/socket.io",
        wait_timeout=15,
    )
    client.emit("session_request", {"session_id": None})
    return client


def test_sigterm_to_make_runs_group_stops_everything_within_15_s(tmp_path: Path) -> None:
    process, env, ports, output = start_make_run(tmp_path)
    var_dir = Path(env["OVERSTAP_VAR_DIR"])
    rasa_url = f"http://127.0.0.1:{ports['RASA']}"
    web_url = f"http://localhost:{ports['WEB']}"
    password = "wachtwoord-stop-123"
    subprocess.run(
        [sys.executable, "-m", "bot", "advisor", "create", "stopper", "--role", "adviseur"],
        cwd=ROOT, env={**env, "OVERSTAP_ADVISOR_PASSWORD": password}, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    # The action server listens on OVERSTAP_HOST (127.0.0.1) only, like the other processes.
    assert port_open(ports["ACTIONS"])
    outside = outside_address()
    if outside is not None:
        with socket.socket() as sock:
            assert sock.connect_ex((outside, ports["ACTIONS"])) != 0, "action server on 0.0.0.0"
    before = stack_processes(var_dir)
    assert len(before) >= 3  # make's shell child, overstap run, and its three children

    # Open connections: two chat sockets (the python client polls, as a browser does before it
    # upgrades), the console, slow clients in the middle of a request.
    sockets = [chat_socket(rasa_url, web_url, ["polling"]) for _ in range(2)]
    console = requests.Session()
    login = console.get(f"{web_url}/adviseur/login", timeout=30)
    assert login.status_code == 200
    half = [open_half_request(ports["RASA"]), open_half_request(ports["WEB"])]
    # Messages in flight: on both sockets and over REST, right before the signal.
    for client in sockets:
        client.emit("user_uttered", {"message": "ik wil een opleiding zoeken", "metadata": {}})

    def rest_message() -> None:
        with contextlib.suppress(requests.RequestException):  # cut off by the stop: fine
            requests.post(
                f"{rasa_url}/webhooks/rest/webhook",
                json={"sender": "stop-test", "message": "hallo"},
                timeout=30,
            )

    threading.Thread(target=rest_message, daemon=True).start()
    time.sleep(0.2)

    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)  # make, its shell and `overstap run` all get it
    process.wait(timeout=STOP_LIMIT_S)
    while stack_processes(var_dir) and time.monotonic() - started < STOP_LIMIT_S:
        time.sleep(0.2)
    took = time.monotonic() - started
    left = stack_processes(var_dir)
    for pid in left:  # never leave them to the next test
        os.kill(pid, signal.SIGKILL)
    for sock in half:
        sock.close()
    text = output.read_text(errors="replace")
    print(f"make run stopped in {took:.1f}s ({len(before)} processes)")
    assert not left, f"still running after {took:.1f}s: {left}\n{text}"
    assert took < STOP_LIMIT_S
    assert not [name for name, port in ports.items() if port_open(port)]
    assert text.count("==> stopping all processes") == 1, text
