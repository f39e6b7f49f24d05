"""Stopping `overstap run`: a terminal's Ctrl-C or a SIGTERM to `make run`'s process group must
leave no process behind within 15 s.

Real processes: the supervisor of bot/run.py (`supervise`, as `overstap run` calls it) with
children that behave like the hard cases: one that ignores SIGTERM (a web server holding open
websockets), one that takes 3 s to stop, and one whose own child (a Sanic worker) stays in its
process group after the leader ends. The signal goes to the supervisor's whole process group
twice, as it did when make forwarded its own SIGTERM after the terminal's: before the fix the
second one broke off the stop half-way and left the children running with parent 1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.run import STOP_GRACE_S

ROOT = Path(__file__).resolve().parents[2]
STOP_LIMIT_S = 15.0

CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    port, mode, pids = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if mode == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    elif mode == "slow":
        signal.signal(signal.SIGTERM, lambda *_: (time.sleep(3), sys.exit(0)))
    elif mode == "worker":
        if os.fork() == 0:  # a worker in the same process group that ignores SIGTERM
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            with open(pids, "a") as f:
                f.write(f"fork {os.getpid()}\\n")
            while True:
                time.sleep(1)
    with open(pids, "a") as f:
        f.write(f"{mode} {os.getpid()}\\n")

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Health).serve_forever()
    """
)

DRIVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bot.run import Child, Supervisor, supervise
    from bot.settings import Settings

    child_script, var, pids = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    ports = [int(p) for p in sys.argv[4:]]

    class TestSupervisor(Supervisor):
        def __init__(self):
            self.settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(var)})
            self.stopping = False
            self.children = [
                Child(mode, [sys.executable, child_script, str(port), mode, pids],
                      f"http://127.0.0.1:{port}/", var / f"{mode}.log")
                for mode, port in zip(("ignore", "slow", "worker"), ports)
            ]

    sys.exit(supervise(TestSupervisor(), lambda: "Overstap draait (test)."))
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by init) holds nothing: count it as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(tmp_path: Path) -> tuple[subprocess.Popen, Path, list[int], Path]:
    (tmp_path / "var").mkdir()
    child, driver = tmp_path / "child.py", tmp_path / "driver.py"
    child.write_text(CHILD)
    driver.write_text(DRIVER)
    pids, output = tmp_path / "pids", tmp_path / "output.txt"
    ports = [free_port() for _ in range(3)]
    with open(output, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(driver), str(child), str(tmp_path / "var"), str(pids)]
            + [str(p) for p in ports],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},  # this tree's bot/, not an installed one
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while "Overstap draait" not in output.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the supervisor did not start:\n" + output.read_text())
        time.sleep(0.1)
    while len(pids.read_text().splitlines()) < 4:  # three children and the worker
        time.sleep(0.05)
    return process, output, ports, pids


def pids_of(path: Path) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[1]) for line in path.read_text().splitlines()}


def test_sigterm_twice_to_the_process_group_leaves_nothing_running(tmp_path: Path) -> None:
    process, output, ports, pids = start(tmp_path)
    children = list(pids_of(pids).values())
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGTERM)  # the terminal's signal to the whole group
    time.sleep(0.05)
    os.killpg(process.pid, signal.SIGTERM)  # make's own SIGTERM to its child
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)  # and an impatient Ctrl-C
    assert process.wait(timeout=STOP_LIMIT_S) == 0
    while any(alive(pid) for pid in children) and time.monotonic() - started < STOP_LIMIT_S:
        time.sleep(0.1)
    took = time.monotonic() - started
    assert not [pid for pid in children if alive(pid)], output.read_text()
    assert not [port for port in ports if port_open(port)]
    assert took < STOP_LIMIT_S
    assert took >= STOP_GRACE_S - 1  # the one that ignores SIGTERM was killed, not waited for
    assert output.read_text().count("==> stopping all processes") == 1


def test_a_killed_supervisor_takes_its_children_with_it(tmp_path: Path) -> None:
    """SIGKILL cannot be caught; the kernel sends each direct child SIGTERM
    (PR_SET_PDEATHSIG). A child that ignores SIGTERM, and a worker of its own, are beyond
    that: they are cleaned up here by the test."""
    process, _output, ports, pids = start(tmp_path)
    children = pids_of(pids)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
    deadline = time.monotonic() + STOP_LIMIT_S
    while time.monotonic() < deadline and (alive(children["slow"]) or alive(children["worker"])):
        time.sleep(0.1)
    stopped = {name: not alive(pid) for name, pid in children.items()}
    for pid in children.values():
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert stopped["slow"] and stopped["worker"]
    assert not port_open(ports[1]) and not port_open(ports[2])
