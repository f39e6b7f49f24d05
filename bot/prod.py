"""`overstap run-prod`: the production shape on one machine.

OVERSTAP_RASA_INSTANCES Rasa instances (one Sanic worker each, on ports after the public one)
behind HAProxy on the public Rasa port, the action server with ACTION_SERVER_SANIC_WORKERS
workers, the web app and the worker (`overstap worker`). PostgreSQL holds trackers and the
application data, Redis the lock store and socket.io between instances, RabbitMQ is Rasa's
event broker. Those three services must run already; this checks them and says how to start
one that is missing. Defaults, unless set: PostgreSQL database `overstap` on 127.0.0.1 (made when
missing), Redis and RabbitMQ (guest/guest) on 127.0.0.1 at their usual ports.

HAProxy routes by conversation (README, "Production shape"): the socket.io query parameter `k`
(the widget's conversation or a key it keeps per tab), the id in `/conversations/<id>/...` and
the `sender` of a REST message are hashed onto the instances (consistent hashing), so one
conversation goes to one instance while it is up. It checks every instance every 2 s (`/status`, which answers only once the model is
loaded; 10 s to answer) and takes one out after three failed checks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlparse

from bot.run import (
    Child,
    Supervisor,
    actions_env,
    child_env,
    model_path,
    office_hours_line,
    popen_child,
    rasa_env,
    supervise,
    write_endpoints,
)
from bot.settings import PROJECT_ROOT, Settings

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/overstap"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
DEFAULT_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
INSTANCE_PORT_OFFSET = 100  # instance i listens on OVERSTAP_RASA_PORT + 100 + i
HAPROXY = "/usr/sbin/haproxy"

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    "RabbitMQ": "rabbitmq-server -detached",
}


def prod_environ(environ: dict[str, str]) -> dict[str, str]:
    """The environment with the production defaults filled in where nothing is set."""
    env = dict(environ)
    env.setdefault("OVERSTAP_DATABASE_URL", DEFAULT_POSTGRES)
    env.setdefault("OVERSTAP_TRACKER_URL", env["OVERSTAP_DATABASE_URL"])
    env.setdefault("OVERSTAP_REDIS_URL", DEFAULT_REDIS)
    env.setdefault("OVERSTAP_RABBITMQ_URL", DEFAULT_RABBITMQ)
    env.setdefault("OVERSTAP_WEB_WORKER", "nee")  # `overstap worker` runs the time-outs
    return env


def instance_ports(settings: Settings) -> list[int]:
    base = settings.rasa_port + INSTANCE_PORT_OFFSET
    return [base + i for i in range(1, settings.rasa_instances + 1)]


READY_PATH = "/overstap-ready"


def haproxy_config(settings: Settings, log_path: Path) -> str:
    instances = len(instance_ports(settings))
    servers = "\n".join(
        f"    server rasa{i} {settings.host}:{port} check"
        for i, port in enumerate(instance_ports(settings), start=1)
    )
    return f"""# Written by `overstap run-prod` (bot/prod.py); changes are overwritten.
global
    maxconn 4000
    log stderr format short local0 notice
    stats socket {settings.var_dir / "haproxy.sock"} mode 600 level user

defaults
    mode http
    log global
    option dontlognull
    timeout connect 2s
    timeout client 75s
    timeout server 75s
    timeout tunnel 1h
    timeout http-request 10s
    retries 2
    option redispatch 1

frontend rasa
    bind {settings.host}:{settings.rasa_port}
    option http-buffer-request
    # The client's address for the limits per address (Sanic reads the last one).
    option forwardfor
    # Ready (200) only while every instance passes its check: start-up waits for all of them,
    # so the first conversations are spread over every instance, not hashed onto the first.
    monitor-uri {READY_PATH}
    monitor fail if {{ nbsrv(rasa_instances) lt {instances} }}
    # The conversation a request belongs to: the widget's key, the HTTP API's path, REST's sender.
    http-request set-var(txn.conv) url_param(k) if {{ path_beg /socket.io/ }}
    http-request set-var(txn.conv) path,field(3,/) if {{ path_beg /conversations/ }}
    http-request set-var(txn.conv) req.body,json_query('$.sender') if {{ path /webhooks/rest/webhook }}
    default_backend rasa_instances

backend rasa_instances
    balance hash var(txn.conv)
    hash-type consistent
    # /status answers 200 only once the instance has loaded its model (409 before): a
    # restarted instance gets no messages while it loads.
    option httpchk GET /status?token={quote(settings.rasa_token, safe='')}
    http-check expect status 200
    # A busy instance answers /status late, not never: a generous check timeout keeps it in
    # (a 1 s timeout took both instances out under load). A dead one refuses the connection
    # at once; requests meanwhile are sent to the other instance (retries, redispatch).
    timeout check 10s
    default-server inter 2s fastinter 500ms fall 3 rise 2 on-marked-down shutdown-sessions
{servers}
"""


def check_services(settings: Settings) -> list[str]:
    """A Dutch line per service that does not answer, with the command that starts it."""
    problems = []
    for name, url, port in (
        ("PostgreSQL", settings.database_url, 5432),
        ("Redis", settings.redis_url, 6379),
        ("RabbitMQ", settings.rabbitmq_url, 5672),
    ):
        parsed = urlparse(url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or port
        try:
            with socket.create_connection((host, port), timeout=1):
                pass
        except OSError:
            problems.append(
                f"{name} antwoordt niet op {host}:{port}. Start het, bijvoorbeeld: "
                f"{HOW_TO_START[name]}"
            )
    return problems


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist yet."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).scalar()
            if not found:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def prod_children(settings: Settings) -> list[Child]:
    python = str(Path(sys.executable).parent / "python")
    logs = settings.var_dir / "log"
    logs.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(settings)
    haproxy_cfg = settings.var_dir / "haproxy.cfg"
    haproxy_cfg.touch(mode=0o600)  # it holds the Rasa token (health check of /status)
    haproxy_cfg.chmod(0o600)
    haproxy_cfg.write_text(haproxy_config(settings, logs / "haproxy.log"))
    found: list[Child] = [
        Child(
            "actions",
            [
                python,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],
            f"http://{settings.host}:{settings.actions_port}/health",
            logs / "actions.log",
            env=actions_env(settings),
        )
    ]
    for i, port in enumerate(instance_ports(settings), start=1):
        cmd = [
            python, "-m", "bot.rasa_cli", "run",
            "--model", str(model_path(settings)),
            "--endpoints", str(endpoints),
            "--credentials", str(PROJECT_ROOT / "credentials.yml"),
            "--interface", settings.host,
            "--port", str(port),
            "--enable-api",
            f"--auth-token={settings.rasa_token}",  # a token may start with "-"
            "--cors", *settings.allowed_origins,
        ]  # fmt: skip
        found.append(
            Child(
                f"rasa-{i}",
                cmd,
                f"http://{settings.host}:{port}/",
                logs / f"rasa-{i}.log",
                env=rasa_env(behind_proxy=True),
            )
        )
    found += [
        Child(
            "haproxy",
            [HAPROXY, "-W", "-db", "-f", str(haproxy_cfg)],
            f"{settings.rasa_url}{READY_PATH}",
            logs / "haproxy.log",
        ),
        Child(
            "web",
            [python, "-m", "bot", "web"],
            f"http://{settings.host}:{settings.web_port}/health",
            logs / "web.log",
        ),
        Child("worker", [python, "-m", "bot", "worker"], "", logs / "worker.log"),
    ]
    return found


class ProdSupervisor(Supervisor):
    """Starts the children like `overstap run`, but a child that stops is started again (as a
    cluster would restart a pod); only one that stops over and over ends the whole run."""

    MAX_RESTARTS = 5
    RESTART_WINDOW_S = 120.0

    def __init__(self, settings: Settings):
        self.settings = settings
        self.children = prod_children(settings)
        self.stopping = False
        self.restarts: dict[str, list[float]] = {}

    def environment(self) -> dict[str, str]:
        env = child_env(self.settings)
        env["SANIC_WORKERS"] = "1"  # one Sanic worker per Rasa instance: instances scale out
        env.setdefault("ACTION_SERVER_SANIC_WORKERS", "2")
        return env

    def watch(self) -> int:
        import time

        env = self.environment()
        while True:
            for child in self.children:
                if self.stopping or child.process is None or child.process.poll() is None:
                    continue
                now = time.monotonic()
                recent = [
                    t for t in self.restarts.get(child.name, []) if now - t < self.RESTART_WINDOW_S
                ]
                if len(recent) >= self.MAX_RESTARTS:
                    print(f"\n{child.name} stopte steeds opnieuw; alles stopt.", file=sys.stderr)
                    self.stop()
                    return 1
                self.restarts[child.name] = [*recent, now]
                with contextlib.suppress(ProcessLookupError):  # its workers (Sanic forks)
                    os.killpg(child.process.pid, signal.SIGKILL)
                print(
                    f"{child.name} stopte (code {child.process.returncode}); opnieuw gestart.",
                    file=sys.stderr,
                    flush=True,
                )
                child.process = popen_child(child, env)
            time.sleep(0.5)


def run_prod(settings: Settings) -> int:
    from bot.setup import prepare_database

    settings = settings.with_secrets()
    problems = check_services(settings)
    if not os.path.exists(HAPROXY) and not shutil.which("haproxy"):
        problems.append(
            "HAProxy ontbreekt. Installeer het: apt-get install haproxy (of make run-prod)."
        )
    for url in {settings.database_url, settings.tracker_url}:
        if not url.startswith("postgresql"):
            problems.append(f"run-prod werkt met PostgreSQL; nu is het {url.split(':')[0]}.")
    if not model_path(settings).exists():
        problems.append("Er is nog geen getraind model. Draai eerst: make setup.")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    for url in {settings.database_url, settings.tracker_url}:
        ensure_database(url)
    prepare_database(settings)
    ports = ", ".join(str(p) for p in instance_ports(settings))

    def banner() -> str:
        return (
            "\nOverstap draait in productievorm.\n"
            f"  Chatpagina:     {settings.public_web_url}/\n"
            f"  Adviseurs:      {settings.public_web_url}/adviseur\n"
            f"  Kantooruren:    {office_hours_line(settings)}\n"
            f"  Rasa (HAProxy): {settings.rasa_url}/  ->  {settings.rasa_instances} instanties "
            f"op poort {ports}\n"
            f"  Diensten:       PostgreSQL, Redis, RabbitMQ (wachtrij {settings.event_queue})\n"
            f"  Logs:           {settings.var_dir / 'log'}\n"
            "Stoppen: Ctrl-C\n"
        )

    return supervise(ProdSupervisor(settings), banner)


def settings_for_prod() -> Settings:
    environ = prod_environ(dict(os.environ))
    os.environ.update({k: v for k, v in environ.items() if k.startswith("OVERSTAP_")})
    return replace(Settings.from_env(environ))
