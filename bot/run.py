"""`overstap run`: starts the action server, the Rasa server and the web app, and stops them all.

Each child runs in its own process group with its output in var/log/<name>.log; the console
shows only progress, the URLs, and the tail of a log when a child fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import requests
import yaml

from bot.office_hours import texts as office_hours_texts
from bot.settings import PROJECT_ROOT, Settings, write_private
from bot.setup import model_path, prepare_database

START_TIMEOUT_S = 180
# Stopping: each child gets SIGTERM (Sanic and uvicorn close their connections), then SIGKILL
# after STOP_GRACE_S. Both together stay well within the 15 s a terminal's Ctrl-C may take.
STOP_GRACE_S = 8.0
PR_SET_PDEATHSIG = 1
# Works from the project folder without activating the virtualenv first.
ADVISOR_CREATE = ".venv/bin/overstap advisor create <naam> --role beheerder"


@dataclass
class Child:
    name: str
    cmd: list[str]
    health_url: str
    log_path: Path
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)


TRACKER_STORE = "bot.tracker_store.WindowedSQLTrackerStore"


def tracker_store_config(url: str) -> dict:
    """Tracker store settings for a sqlite:/// or postgresql:// URL: Rasa's SQL store with a
    bounded window (bot/tracker_store.py)."""
    if url.startswith("sqlite:///"):
        return {"type": TRACKER_STORE, "dialect": "sqlite", "db": url.removeprefix("sqlite:///")}
    parsed = urlparse(url)
    config = {
        "type": TRACKER_STORE,
        "dialect": "postgresql",
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "db": (parsed.path or "/postgres").lstrip("/"),
        "username": parsed.username or "postgres",
    }
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return config


def lock_store_config(url: str) -> dict:
    """The lock store for a redis:// (or rediss://, with TLS) URL, with its password. Rasa's own
    Redis lock store is not atomic (#9213): two instances could take one conversation."""
    parsed = urlparse(url)
    config: dict = {
        "type": "bot.lock_store.AtomicRedisLockStore",
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int((parsed.path or "/0").lstrip("/") or 0),
        "key_prefix": "overstap",
    }
    if parsed.username:
        config["username"] = unquote(parsed.username)
    if parsed.password:
        config["password"] = unquote(parsed.password)
    if parsed.scheme == "rediss":
        config["use_ssl"] = True
    return config


def event_broker_config(settings: Settings) -> dict:
    """RabbitMQ as Rasa's event broker, with publisher confirms (bot/events/broker.py)."""
    parsed = urlparse(settings.rabbitmq_url)
    config = {
        "type": "bot.events.broker.ConfirmedPikaBroker",
        "url": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5672,
        "username": unquote(parsed.username or "guest"),
        "password": unquote(parsed.password or "guest"),
        "queues": [settings.event_queue],
        # An exchange of its own: Rasa's default one would mix the events of every deployment
        # on the same RabbitMQ.
        "exchange_name": settings.event_queue,
    }
    vhost = (parsed.path or "/").lstrip("/")
    if vhost:  # Rasa takes a vhost only inside an amqp:// URL
        config["url"] = f"amqp://{parsed.hostname}:{config['port']}/{vhost}"
    return config


def write_endpoints(settings: Settings) -> Path:
    """var/endpoints.yml for Rasa. It can hold the database and Redis passwords: mode 0600."""
    endpoints: dict = {
        "action_endpoint": {"url": settings.actions_url},
        "tracker_store": {
            **tracker_store_config(settings.tracker_url),
            "window_turns": settings.tracker_window_turns,
        },
    }
    if settings.redis_url:
        endpoints["lock_store"] = lock_store_config(settings.redis_url)
    if settings.rabbitmq_url:
        endpoints["event_broker"] = event_broker_config(settings)
    path = settings.var_dir / "endpoints.yml"
    return write_private(path, yaml.safe_dump(endpoints, sort_keys=False))


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.env_for_children())
    # Rasa's SQL tracker store opens a pool of 50+100 connections unless told otherwise.
    env.setdefault("SQL_POOL_SIZE", str(settings.sql_pool_size))
    env.setdefault("SQL_MAX_OVERFLOW", str(settings.sql_max_overflow))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def die_with_parent() -> None:
    """In a child before exec: SIGTERM when the supervisor dies, even by SIGKILL (Linux), so a
    killed `overstap run` leaves no Rasa or web app holding its ports."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def popen_child(child: Child, env: dict[str, str]) -> subprocess.Popen:
    """A child in a process group of its own (a terminal's Ctrl-C reaches only the supervisor,
    which stops the children in order), with its output in its log."""
    with open(child.log_path, "ab") as log:
        return subprocess.Popen(
            child.cmd, cwd=PROJECT_ROOT, env={**env, **child.env}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent,
        )  # fmt: skip


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def children(settings: Settings) -> list[Child]:
    bindir = Path(sys.executable).parent
    logs = settings.var_dir / "log"
    logs.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(settings)
    origins = list(settings.allowed_origins)
    rasa_cmd = [
        str(bindir / "python"), "-m", "bot.rasa_cli", "run",
        "--model", str(model_path(settings)),
        "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
        "--enable-api",
        f"--auth-token={settings.rasa_token}",  # a token may start with "-"
        "--cors", *origins,
    ]  # fmt: skip
    return [
        Child(
            "actions",
            [
                str(bindir / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],  # fmt: skip
            f"http://{settings.host}:{settings.actions_port}/health",
            logs / "actions.log",
            env=actions_env(settings),
        ),
        Child("rasa", rasa_cmd, f"{settings.rasa_url}/", logs / "rasa.log", env=rasa_env()),
        Child(
            "web",
            [str(bindir / "python"), "-m", "bot", "web"],
            f"http://{settings.host}:{settings.web_port}/health",
            logs / "web.log",
        ),
    ]


def actions_env(settings: Settings) -> dict[str, str]:
    """rasa_sdk listens on 0.0.0.0 unless SANIC_HOST says otherwise: only Rasa needs it."""
    return {"SANIC_HOST": settings.host}


def rasa_env(behind_proxy: bool = False) -> dict[str, str]:
    """Sanic refuses a body larger than this before reading it (the channels set lower limits
    per route, bot/channels/limits.py). Behind HAProxy (run-prod) the client's address is the
    last one in X-Forwarded-For, which HAProxy adds: the limits per address need it."""
    from bot.channels.limits import SERVER_MAX_BODY_BYTES

    env = {"SANIC_REQUEST_MAX_SIZE": str(SERVER_MAX_BODY_BYTES)}
    if behind_proxy:
        env["SANIC_PROXIES_COUNT"] = "1"
    return env


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def port_in_use(host: str, port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class Supervisor:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.children = children(settings)
        self.stopping = False

    def environment(self) -> dict[str, str]:
        return child_env(self.settings)

    def start(self) -> None:
        env = self.environment()
        for child in self.children:
            port = urlparse(child.health_url).port if child.health_url else None
            if port and port_in_use(self.settings.host, port):
                raise SystemExit(
                    f"Poort {port} is al in gebruik ({child.name}). Stop het andere programma "
                    f"of kies een andere poort met OVERSTAP_{child.name.upper()}_PORT."
                )
            child.process = popen_child(child, env)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        pending = list(self.children)
        started = time.monotonic()
        print("==> starting: " + ", ".join(c.name for c in pending), flush=True)
        while pending:
            for child in list(pending):
                if child.process and child.process.poll() is not None:
                    self.fail(child, "stopte tijdens het starten")
                try:  # a child without a health URL (the worker) is up once it runs
                    ok = not child.health_url or (
                        requests.get(child.health_url, timeout=1).status_code == 200
                    )
                except requests.RequestException:
                    ok = False
                if ok:
                    pending.remove(child)
                    print(f"    {child.name} is up ({time.monotonic() - started:.0f}s)", flush=True)
            if time.monotonic() > deadline:
                self.fail(pending[0], f"was na {START_TIMEOUT_S}s nog niet bereikbaar")
            if pending:
                time.sleep(0.5)

    def fail(self, child: Child, what: str) -> None:
        print(f"\n{child.name} {what}. Laatste regels van {child.log_path}:\n", file=sys.stderr)
        print(tail(child.log_path), file=sys.stderr)
        self.stop()
        raise SystemExit(1)

    def stop(self) -> None:
        """SIGTERM to every child's process group, SIGKILL to what is left after STOP_GRACE_S.

        Runs once, and to the end: signals that arrive meanwhile (make sends its own SIGTERM
        after the terminal's) are ignored, so no child is left running with parent 1.
        """
        if self.stopping:
            return
        self.stopping = True
        ignore_stop_signals()
        started = [c.process for c in self.children if c.process is not None]
        for process in started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for process in started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        while time.monotonic() < deadline and any(group_alive(p.pid) for p in started):
            time.sleep(0.1)  # a group's other members (Sanic's workers) end after its leader
        for process in started:
            if group_alive(process.pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def watch(self) -> int:
        while True:
            for child in self.children:
                if child.process and child.process.poll() is not None:
                    print(
                        f"\n{child.name} is gestopt (code {child.process.returncode}).",
                        file=sys.stderr,
                    )
                    print(tail(child.log_path), file=sys.stderr)
                    self.stop()
                    return 1
            time.sleep(1)


def ignore_stop_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # not in the main thread
            signal.signal(signum, signal.SIG_IGN)


def stop_on_signals() -> None:
    """Ctrl-C, SIGTERM or a closed terminal end the run through `finally: supervisor.stop()`.

    Only the first signal does: a terminal's Ctrl-C reaches make and this process, and make
    then sends SIGTERM again. Before, that second signal interrupted the stop half-way.
    """
    received: list[int] = []

    def on_signal(signum, _frame) -> None:
        if received:
            return
        received.append(signum)
        print("\n==> stopping all processes", flush=True)
        raise SystemExit(0)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)


def supervise(supervisor: Supervisor, banner: Callable[[], str]) -> int:
    """Start the children, print the banner once they answer, watch them, stop them all."""
    stop_on_signals()
    try:
        supervisor.start()
        supervisor.wait_healthy()
        print(banner(), flush=True)
        return supervisor.watch()
    finally:
        supervisor.stop()


def office_hours_line(settings: Settings) -> str:
    """The office hours and whether they are open now: outside them nobody can take a chat
    in the console and the bot offers a call-back, which puzzles whoever tries it at night."""
    hours = settings.hours
    source = (
        f"{hours.source}, {office_hours_texts()['holidays']}" if hours.holidays else hours.source
    )
    if hours.is_open():
        return f"{source} (nu open)"
    today = hours.holiday_on()
    why = f"vandaag is het {today}; " if today else ""
    return f"{source} (nu dicht: {why}de bot biedt terugbellen aan; zie OVERSTAP_OFFICE_HOURS)"


def run(settings: Settings) -> int:
    settings = settings.with_secrets()
    problem = database_problem(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if not model_path(settings).exists():
        print(
            "Er is nog geen getraind model. Draai eerst: make run (of overstap setup).",
            file=sys.stderr,
        )
        return 1
    prepare_database(settings)  # cheap when current; makes `overstap run` work on a new var/

    def banner() -> str:
        return (
            "\nOverstap draait.\n"
            f"  Chatpagina:     {settings.public_web_url}/\n"
            f"  Adviseurs:      {settings.public_web_url}/adviseur\n"
            "                  Account maken (in een tweede terminal, in deze map):\n"
            f"                  {ADVISOR_CREATE}\n"
            f"  Kantooruren:    {office_hours_line(settings)}\n"
            f"  Rasa (REST):    {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  Action server:  http://{settings.host}:{settings.actions_port}/health\n"
            f"  Logs:           {settings.var_dir / 'log'}\n"
            "Stoppen: Ctrl-C\n"
        )

    return supervise(Supervisor(settings), banner)


PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


def database_problem(settings: Settings, timeout_s: float = 3.0) -> str:
    """One Dutch line when a PostgreSQL database in the settings cannot be used, else "".

    Without it a stopped PostgreSQL ended `make run` in a SQLAlchemy traceback.
    """
    import sqlalchemy as sa

    for name, url in (
        ("OVERSTAP_DATABASE_URL", settings.database_url),
        ("OVERSTAP_TRACKER_URL", settings.tracker_url),
    ):
        if not url.startswith("postgresql"):
            continue
        target = sa.engine.make_url(url)
        where = f"{target.host or '127.0.0.1'}:{target.port or 5432}"
        engine = sa.create_engine(url, connect_args={"connect_timeout": max(1, int(timeout_s))})
        try:
            with engine.connect():
                pass
        except sa.exc.OperationalError as exc:
            reason = str(exc.orig).lower()
            if "does not exist" in reason:
                return (
                    f"De database {target.database!r} bestaat niet op {where} ({name}); "
                    f"maak hem met: createdb -h {target.host or '127.0.0.1'} "
                    f"-U {target.username or 'postgres'} {target.database}"
                )
            return f"PostgreSQL op {where} is niet bereikbaar ({name}); start het met: {PG_START}"
        finally:
            engine.dispose()
    return ""
