"""Load benchmark: many concurrent conversations over REST and socket.io, then a check of every
conversation's events in PostgreSQL.

    .venv/bin/python -m bench.load side-by-side            # the whole comparison, one command
    .venv/bin/python -m bench.load steady --url http://127.0.0.1:5005 --conversations 150
    .venv/bin/python -m bench.load saturate --url http://127.0.0.1:5005

`side-by-side` starts, one after the other, today's main (a checkout at BASE_TREE, default
var/bench/main-base, made with `git worktree add` from BENCH_BASE_REF, default main, when it is
missing) and this tree with `overstap run` (one Rasa process, trackers in PostgreSQL),
then this tree with `overstap run-prod` with 1 and with 2 Rasa instances, drives each with the
same load, stops it, and writes bench/results/load-<date>.json and .md: reply time p50/p95/p99,
messages per second at saturation, errors, CPU-seconds per message (per process and for the Rasa
processes), RSS per process, the machine's load (`uptime`) before each run, and the event check.

Loads:
- saturate: C conversations without think time for D seconds over REST (closed loop);
- steady: N conversations with T seconds (+-50%) think time, over REST or socket.io;
- quick: a person sends a second message 50 ms after the first; the second's reply time.
The event check: each conversation's person messages in the tracker store are exactly the ones
that were answered, in the order they were sent, none twice.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BASE_TREE = Path(os.environ.get("BENCH_BASE_TREE", ROOT / "var" / "bench" / "main-base"))
BASE_REF = os.environ.get("BENCH_BASE_REF", "main")
PG = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SCRIPT = [
    "hallo", "/start_profile", '/inform{"work_situation": "employed"}', "ik werk in de zorg",
    "mbo 4", "ik ben 45", "Zwolle", '/inform{"goal": "switch"}', "laat meer zien",
    "wie betaalt mijn opleiding", "ik zoek een cursus heftruck", "meer",
]  # fmt: skip
TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class Tally:
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> answered messages
    failed: dict[str, int] = field(default_factory=dict)  # sender -> failed messages
    started: float = 0.0
    ended: float = 0.0

    def summary(self) -> dict:
        span = max(self.ended - self.started, 1e-9)
        return {
            "messages": len(self.times_ms),
            "errors": self.errors,
            "seconds": round(span, 1),
            "msg_per_s": round(len(self.times_ms) / span, 2),
            "p50_ms": round(percentile(self.times_ms, 50), 1),
            "p95_ms": round(percentile(self.times_ms, 95), 1),
            "p99_ms": round(percentile(self.times_ms, 99), 1),
        }


# -- the two transports ------------------------------------------------------------------------


class Rest:
    def __init__(self, url: str, http: aiohttp.ClientSession, sender: str):
        self.url, self.http, self.sender = url, http, sender
        self.last_texts: list[str] = []  # the texts of the last reply

    async def open(self) -> None:
        return None

    async def say(self, text: str) -> float:
        started = time.perf_counter()
        async with self.http.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": text}
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            body = await response.json(content_type=None)
        self.last_texts = [m.get("text", "") for m in body if isinstance(m, dict)]
        return (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        return None


class SocketIO:
    """The widget's protocol: session_request, session_confirm, user_uttered, bot_uttered.
    The reply time is until the first bot message of the turn."""

    def __init__(self, url: str, origin: str):
        import socketio

        self.url, self.origin = url, origin
        self.key = uuid.uuid4().hex[:24]
        self.client = socketio.AsyncClient(reconnection=True)
        self.replies: asyncio.Queue = asyncio.Queue()
        self.sender = ""

    async def open(self) -> None:
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on(
            "session_confirm", lambda token: confirmed.done() or confirmed.set_result(token)
        )
        self.client.on("bot_uttered", lambda message: self.replies.put_nowait(time.perf_counter()))
        await self.client.connect(
            f"{self.url}?k={self.key}", headers={"Origin": self.origin},
            transports=["polling"], socketio_path="/socket.io", wait_timeout=20,
        )  # fmt: skip
        await self.client.emit("session_request", {"session_id": None})
        token = await asyncio.wait_for(confirmed, 20)
        self.sender = str(token).split(".")[0]

    async def say(self, text: str) -> float:
        while not self.replies.empty():
            self.replies.get_nowait()
        started = time.perf_counter()
        await self.client.emit("user_uttered", {"message": text})
        first = await asyncio.wait_for(self.replies.get(), 30)
        await asyncio.sleep(0.3)  # the turn's other messages
        return (first - started) * 1000

    async def close(self) -> None:
        await self.client.disconnect()


# -- loads ---------------------------------------------------------------------------------------


async def conversation(
    make, tally: Tally, think_s: float, until: float, rng: random.Random, delay_s: float
) -> None:
    await asyncio.sleep(delay_s)
    talk = make()
    try:
        await talk.open()
    except Exception:  # noqa: BLE001 - counted
        tally.errors += 1
        return
    answered = tally.sent.setdefault(talk.sender, [])
    turn = 0
    while time.monotonic() < until:
        text = SCRIPT[turn % len(SCRIPT)]
        turn += 1
        try:
            tally.times_ms.append(await talk.say(text))
            answered.append(text)
        except Exception:  # noqa: BLE001 - counted
            tally.errors += 1
            tally.failed[talk.sender] = tally.failed.get(talk.sender, 0) + 1
        if think_s:
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
    await talk.close()


async def drive(url: str, transport: str, conversations: int, think_s: float, seconds: float,
                origin: str) -> Tally:  # fmt: skip
    tally = Tally()
    rng = random.Random(7)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:

        def make():
            if transport == "socketio":
                return SocketIO(url, origin)
            return Rest(url, http, f"load-{uuid.uuid4().hex[:12]}")

        tally.started = time.monotonic()
        until = tally.started + seconds
        spread = think_s or 0.0
        await asyncio.gather(
            *(
                conversation(make, tally, think_s, until, rng, spread * i / conversations)
                for i in range(conversations)
            )
        )
        tally.ended = time.monotonic()
    return tally


async def quick_second(url: str, people: int = 40) -> dict:
    """A second message 50 ms after the first; the reply time of the second."""
    times: list[float] = []
    errors = 0
    senders: dict[str, list[str]] = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        for _ in range(people):
            talk = Rest(url, http, f"quick-{uuid.uuid4().hex[:12]}")
            await talk.say("hallo")
            first = asyncio.create_task(talk.say("ik zoek een opleiding"))
            await asyncio.sleep(0.05)
            try:
                times.append(await talk.say("ik werk in de zorg"))
                await first
                senders[talk.sender] = ["hallo", "ik zoek een opleiding", "ik werk in de zorg"]
            except Exception:  # noqa: BLE001 - counted
                errors += 1
            await asyncio.sleep(0.3)
    return {
        "people": people,
        "errors": errors,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "senders": senders,
    }


# -- checking the stored events --------------------------------------------------------------------


def check_events(tracker_url: str, sent: dict[str, list[str]], failed: dict[str, int]) -> dict:
    """Each conversation's stored person messages against what was answered: every answered
    message stored once, in the order sent; a failed message may or may not be stored."""
    import sqlalchemy as sa

    engine = sa.create_engine(tracker_url, future=True)
    bad: list[str] = []
    missing = extra = 0
    try:
        with engine.connect() as conn:
            for sender, answered in sent.items():
                stored = [
                    json.loads(row.data).get("text")
                    for row in conn.execute(
                        sa.text(
                            "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                            "ORDER BY id"
                        ),
                        {"s": sender},
                    )
                ]
                position = 0
                for text in stored:
                    if position < len(answered) and text == answered[position]:
                        position += 1
                lost = len(answered) - position
                surplus = len(stored) - len(answered) - failed.get(sender, 0)
                missing += lost
                extra += max(surplus, 0)
                if lost or surplus > 0:
                    bad.append(sender)
    finally:
        engine.dispose()
    return {"conversations": len(sent), "messages": sum(map(len, sent.values())),
            "bad": len(bad), "missing_or_reordered": missing, "duplicated": extra,
            "bad_examples": bad[:5]}  # fmt: skip


# -- processes: CPU and memory -------------------------------------------------------------------


def processes(var_dir: Path) -> dict[str, int]:
    """name -> pid of every process started with OVERSTAP_VAR_DIR=var_dir."""
    found = {}
    marker = f"OVERSTAP_VAR_DIR={var_dir}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [c.decode(errors="replace") for c in cmd if c]
        text = " ".join(words)
        if "bot.rasa_cli" in text:
            name = "rasa-" + words[words.index("--port") + 1]
        elif "rasa_sdk" in text:
            name = "actions"
        elif "haproxy" in text:
            name = "haproxy"
        elif words[-1:] == ["web"]:
            name = "web"
        elif words[-1:] == ["worker"]:
            name = "worker"
        else:
            continue
        name = name if name not in found else f"{name}-{entry.name}"
        found[name] = int(entry.name)
    return found


SERVICES = {"beam.smp": "rabbitmq", "postgres": "postgresql", "redis-server": "redis"}


def service_cpu() -> dict[int, tuple[str, float]]:
    """pid -> (service, CPU seconds so far) of the machine's RabbitMQ, PostgreSQL and Redis
    processes (shared with any other user of them on this machine)."""
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name in SERVICES:
            found[int(entry.name)] = (SERVICES[name], cpu_seconds(int(entry.name)))
    return found


def service_delta(before: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds per service since `before`; a process that ended in between is left out
    (PostgreSQL ends a backend when its connection closes), one that started counts whole."""
    total: dict[str, float] = {}
    for pid, (label, now) in service_cpu().items():
        then = before.get(pid, (label, 0.0))[1]
        total[label] = round(total.get(label, 0.0) + now - then, 2)
    return total


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


async def measured(var_dir: Path, label: str, coro) -> dict:
    procs = processes(var_dir)
    before = {n: cpu_seconds(p) for n, p in procs.items()}
    services_before = service_cpu()
    load = uptime()
    result = await coro
    tally = result if isinstance(result, Tally) else None
    cpu = {n: round(cpu_seconds(p) - before[n], 2) for n, p in procs.items()}
    services = service_delta(services_before)
    summary = tally.summary() if tally else {k: v for k, v in result.items() if k != "senders"}
    messages = summary.get("messages") or 0
    rasa_cpu = sum(v for n, v in cpu.items() if n.startswith("rasa-"))
    summary.update(
        label=label,
        uptime_before=load,
        cpu_s=cpu,
        rasa_cpu_s_per_message=round(rasa_cpu / messages, 4) if messages else None,
        all_cpu_s_per_message=round(sum(cpu.values()) / messages, 4) if messages else None,
        rss_mb={n: rss_mb(p) for n, p in procs.items()},
        services_cpu_s=services,
        services_cpu_s_per_message=round(sum(services.values()) / messages, 4)
        if messages
        else None,
    )
    print(
        json.dumps({k: v for k, v in summary.items() if k not in {"cpu_s", "rss_mb"}}), flush=True
    )
    return summary


# -- stacks for side-by-side -----------------------------------------------------------------------


@dataclass
class Stack:
    name: str
    tree: Path
    command: str  # run or run-prod
    instances: int
    rasa_port: int
    process: subprocess.Popen | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def var_dir(self) -> Path:
        return Path(tempfile.gettempdir()) / "overstap-bench" / self.name / "var"

    @property
    def database(self) -> str:
        return f"{PG}/bench_{self.name.replace('-', '_')}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.rasa_port + 3000}"

    def start(self) -> None:
        import sqlalchemy as sa

        admin = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        name = self.database.rsplit("/", 1)[1]
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        subprocess.run(["rm", "-rf", str(self.var_dir)], check=True)
        self.var_dir.mkdir(parents=True)
        env = dict(os.environ)
        env.update(
            OVERSTAP_VAR_DIR=str(self.var_dir),
            OVERSTAP_DATABASE_URL=self.database,
            OVERSTAP_TRACKER_URL=self.database,
            OVERSTAP_RASA_PORT=str(self.rasa_port),
            OVERSTAP_ACTIONS_PORT=str(self.rasa_port + 50),
            OVERSTAP_WEB_PORT=str(self.rasa_port + 3000),
            OVERSTAP_RASA_INSTANCES=str(self.instances),
            OVERSTAP_OFFICE_HOLIDAYS="nee",
            # The load comes from one address, scripted faster than people type: no limits.
            OVERSTAP_RATE_ADDRESS_PER_MINUTE="100000",
            OVERSTAP_RATE_CONVERSATION_PER_MINUTE="10000",
            OVERSTAP_MODELS_DIR=str(self.tree / "models"),
            # Older trees passed a generated token as `-t TOKEN`, which fails for one that
            # starts with "-": a fixed one lets any tree start.
            OVERSTAP_RASA_TOKEN="bench" + uuid.uuid5(uuid.NAMESPACE_URL, self.name).hex,
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(self.extra_env)
        log = open(self.var_dir.parent / "stack.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(self.tree / ".venv" / "bin" / "python"), "-m", "bot", self.command],
            cwd=self.tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            text = (self.var_dir.parent / "stack.log").read_text(errors="replace")
            if "Stoppen: Ctrl-C" in text:
                return
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} did not start:\n{text[-2000:]}")
            time.sleep(1)
        raise SystemExit(f"{self.name} did not start in 300 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


async def warm(url: str) -> None:
    await drive(url, "rest", 4, 0, 8, "")


async def _measure_tally(stack: Stack, label: str, run, result: dict) -> Tally:
    holder: dict = {}

    async def keep():
        holder["t"] = await run
        return holder["t"]

    result[label] = await measured(stack.var_dir, label, keep())
    return holder["t"]


def ensure_base_tree() -> None:
    """A checkout of BENCH_BASE_REF to compare with, made once (git worktree) when missing."""
    if BASE_TREE.exists():
        return
    print(f"==> making {BASE_TREE} from {BASE_REF} (git worktree)", flush=True)
    BASE_TREE.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(BASE_TREE), BASE_REF],
        check=True,
    )


def side_by_side(args: argparse.Namespace) -> int:
    plan = {
        "sat_conversations": args.sat_conversations, "sat_seconds": args.sat_seconds,
        "steady_conversations": args.conversations, "think_s": args.think,
        "steady_seconds": args.seconds, "quick_people": args.quick,
    }  # fmt: skip
    stacks = [
        (Stack("main-run", BASE_TREE, "run", 1, 5605), {}),
        (Stack("prod-run", ROOT, "run", 1, 5615), {}),
        (Stack("prod-1", ROOT, "run-prod", 1, 5625), {}),
        (Stack("prod-2", ROOT, "run-prod", 2, 5635), {"steady": True}),
    ]
    if args.only:
        stacks = [(s, extra) for s, extra in stacks if s.name in args.only.split(",")]
    if any(stack.tree == BASE_TREE for stack, _ in stacks):
        ensure_base_tree()
    results = []
    for stack, extra in stacks:
        print(f"==> {stack.name}: starting ({stack.tree}, {stack.command})", flush=True)
        stack.start()
        try:
            # Saturation first, with CPU measured over the same run.
            results.append(asyncio.run(_bench_measured(stack, {**plan, **extra})))
        finally:
            stack.stop()
    write(results, plan, args.label)
    return 0


async def _bench_measured(stack: Stack, plan: dict) -> dict:
    tree = os.path.relpath(stack.tree, ROOT)  # no path of this machine in the results
    result: dict = {"stack": stack.name, "tree": tree, "command": stack.command,
                    "instances": stack.instances}  # fmt: skip
    await warm(stack.url)
    sent: dict[str, list[str]] = {}
    failed: dict[str, int] = {}

    async def saturate() -> Tally:
        tally = await drive(
            stack.url, "rest", plan["sat_conversations"], 0, plan["sat_seconds"], ""
        )
        sent.update(tally.sent)
        failed.update(tally.failed)
        return tally

    result["saturate_rest"] = await measured(stack.var_dir, "saturate", saturate())
    if plan.get("steady"):
        for transport in ("rest", "socketio"):
            run = drive(stack.url, transport, plan["steady_conversations"], plan["think_s"],
                        plan["steady_seconds"], stack.web_url)  # fmt: skip
            tally = await _measure_tally(stack, f"steady-{transport}", run, result)
            sent.update(tally.sent)
            failed.update(tally.failed)
        quick = await quick_second(stack.url, plan["quick_people"])
        sent.update(quick.pop("senders"))
        result["quick_second"] = quick
        print(json.dumps({"quick_second": quick}), flush=True)
    result["events_check"] = await asyncio.to_thread(check_events, stack.database, sent, failed)
    print(json.dumps({"events_check": result["events_check"]}), flush=True)
    return result


def write(results: list[dict], plan: dict, label: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    name = f"load-{stamp}{'-' + label if label else ''}"
    body = {"date": stamp, "nproc": os.cpu_count(), "plan": plan, "uptime_end": uptime(),
            "results": results}  # fmt: skip
    by = {r["stack"]: r for r in results}
    derived = {}
    if "main-run" in by and "prod-run" in by:
        a = by["main-run"]["saturate_rest"]["rasa_cpu_s_per_message"]
        b = by["prod-run"]["saturate_rest"]["rasa_cpu_s_per_message"]
        derived["cpu_per_message_ratio_prod_run_vs_main"] = round(b / a, 3) if a and b else None
    if "prod-1" in by and "prod-2" in by:
        a = by["prod-1"]["saturate_rest"]["msg_per_s"]
        b = by["prod-2"]["saturate_rest"]["msg_per_s"]
        derived["throughput_2_vs_1"] = round(b / a, 3) if a else None
    body["derived"] = derived
    (RESULTS / f"{name}.json").write_text(json.dumps(body, indent=2, ensure_ascii=False))
    lines = [
        f"# Load benchmark {stamp}",
        "",
        f"Machine: {os.cpu_count()} cores; end: {body['uptime_end']}",
        "",
    ]
    lines.append(
        "| stack | load | msg/s | p50 ms | p95 ms | p99 ms | errors | Rasa CPU-s/msg "
        "| all CPU-s/msg | services CPU-s/msg | uptime before |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for key in ("saturate_rest", "steady-rest", "steady-socketio"):
            if key in r:
                m = r[key]
                lines.append(
                    f"| {r['stack']} | {key} | {m['msg_per_s']} | {m['p50_ms']} | {m['p95_ms']} | "
                    f"{m['p99_ms']} | {m['errors']} | {m['rasa_cpu_s_per_message']} | "
                    f"{m['all_cpu_s_per_message']} | {m['services_cpu_s_per_message']} | "
                    f"{m['uptime_before'].split('load average:')[-1].strip()} |"
                )
    for r in results:
        if "quick_second" in r:
            q = r["quick_second"]
            lines.append(
                f"\nSecond quick message ({r['stack']}): p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms, errors {q['errors']}"
            )
        lines.append(f"\nEvents in PostgreSQL ({r['stack']}): {r['events_check']}")
        rss = r["saturate_rest"]["rss_mb"]
        lines.append(f"RSS MB ({r['stack']}): {rss}")
    lines.append(f"\nDerived: {derived}")
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print(f"==> wrote {RESULTS / name}.json and .md", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("side-by-side", help="main and this tree, 1 and 2 instances (starts each)")
    p.add_argument("--conversations", type=int, default=150)
    p.add_argument("--think", type=float, default=5.0)
    p.add_argument("--seconds", type=float, default=60.0)
    # Enough conversations that hashing by conversation spreads them over the instances.
    p.add_argument("--sat-conversations", type=int, default=24)
    p.add_argument("--sat-seconds", type=float, default=40.0)
    p.add_argument("--quick", type=int, default=40)
    p.add_argument(
        "--only", default="", help="comma-separated stacks: main-run,prod-run,prod-1,prod-2"
    )
    p.add_argument("--label", default="")
    for name in ("steady", "saturate"):
        q = sub.add_parser(name, help=f"{name} load against a running stack")
        q.add_argument("--url", default="http://127.0.0.1:5005")
        q.add_argument("--origin", default="http://localhost:8000")
        q.add_argument("--transport", choices=["rest", "socketio"], default="rest")
        q.add_argument("--conversations", type=int, default=150 if name == "steady" else 12)
        q.add_argument("--think", type=float, default=5.0 if name == "steady" else 0.0)
        q.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.command == "side-by-side":
        return side_by_side(args)
    tally = asyncio.run(drive(args.url, args.transport, args.conversations, args.think,
                              args.seconds, args.origin))  # fmt: skip
    print(json.dumps(tally.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
