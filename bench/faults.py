"""Faults under load against `overstap run-prod` with two Rasa instances.

    .venv/bin/python -m bench.faults            # all four, one after the other
    .venv/bin/python -m bench.faults --only kill-rasa,redis

For each fault a fresh stack runs a steady REST load (C conversations, T s think time) for
D seconds; at D/3 the fault is injected:

- kill-rasa:    `kill -9` of one Rasa instance (the supervisor starts it again, as a cluster
                would; HAProxy takes it out after two failed checks and back when healthy);
- redis:        Redis stopped and started again (a Redis of the run's own on port 6390, so other
                work on this machine is not disturbed);
- rabbitmq:     `rabbitmqctl stop_app`, 5 s, `start_app` (the machine's RabbitMQ, always left
                running);
- actions:      the action server stopped with SIGKILL and started again by the supervisor.

Written to bench/results/faults-<date>.json and .md: errors before, during (10 s from the
fault) and after, reply times, the longest reply, and the check that every answered message is
stored once and in order, that the outbox is empty and that the console's tables got every event.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from bench.load import RESULTS, ROOT, Stack, check_events, percentile, processes, uptime
from bot.channels.texts import texts

# The replies that ask a person to send their message again (bot/channels/texts.yml).
RETRY_TEXTS = frozenset({texts().action_failed, texts().unavailable})

REDIS_PORT = 6390


def start_redis() -> None:
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(REDIS_PORT),
         "--save", "", "--appendonly", "no"],  # fmt: skip
        check=True, capture_output=True,
    )  # fmt: skip
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True).returncode == 0:  # fmt: skip
            return
        time.sleep(0.1)


def stop_redis() -> None:
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)


def inject(fault: str, stack: Stack) -> str:
    procs = processes(stack.var_dir)
    if fault == "kill-rasa":
        name = sorted(n for n in procs if n.startswith("rasa-"))[0]
        os.kill(procs[name], signal.SIGKILL)
        return f"kill -9 {name} (pid {procs[name]})"
    if fault == "redis":
        stop_redis()
        time.sleep(3)
        start_redis()
        return "Redis stopped for 3 s and started again"
    if fault == "rabbitmq":
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True)
        time.sleep(5)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True)
        return "RabbitMQ stop_app, 5 s, start_app"
    if fault == "actions":
        os.kill(procs["actions"], signal.SIGKILL)
        return f"action server killed (pid {procs['actions']}), restarted by the supervisor"
    raise ValueError(fault)


async def run_fault(fault: str, stack: Stack, conversations: int, think_s: float,
                    seconds: float) -> dict:  # fmt: skip
    import aiohttp

    from bench.load import Rest

    events: list[tuple[float, float | None]] = []  # (time, ms or None for an error)
    retried: list[float] = []  # times of replies that asked the person to send it again
    sent: dict[str, list[str]] = {}
    failed: dict[str, int] = {}
    script = ["hallo", "/start_profile", "ik werk in de zorg", "mbo 4", "ik ben 45", "Zwolle",
              "wie betaalt mijn opleiding", "ik zoek een cursus heftruck", "meer"]  # fmt: skip
    start = time.monotonic()
    until = start + seconds
    fault_at = start + seconds / 3
    note = ""

    async def person(i: int, http) -> None:
        talk = Rest(stack.url, http, f"fault-{fault}-{i}-{os.urandom(4).hex()}")
        answered = sent.setdefault(talk.sender, [])
        await asyncio.sleep(think_s * i / conversations)
        turn = 0
        while time.monotonic() < until:
            text = script[turn % len(script)]
            turn += 1
            try:
                ms = await talk.say(text)
            except Exception:  # noqa: BLE001 - counted
                failed[talk.sender] = failed.get(talk.sender, 0) + 1
                events.append((time.monotonic() - start, None))
            else:
                if RETRY_TEXTS & set(talk.last_texts):
                    # Not taken (Redis away) or the turn given up (action server away): the
                    # person is asked to send it again, and the message is not stored.
                    failed[talk.sender] = failed.get(talk.sender, 0) + 1
                    retried.append(time.monotonic() - start)
                else:
                    answered.append(text)
                    events.append((time.monotonic() - start, ms))
            await asyncio.sleep(think_s)

    async def injector() -> None:
        nonlocal note
        await asyncio.sleep(fault_at - time.monotonic())
        note = await asyncio.to_thread(inject, fault, stack)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        await asyncio.gather(injector(), *(person(i, http) for i in range(conversations)))
    await asyncio.sleep(15)  # outbox relay and consumer catch up
    t0 = fault_at - start
    windows = {"before": (0, t0), "during": (t0, t0 + 10), "after": (t0 + 10, seconds + 60)}
    summary = {}
    for name, (a, b) in windows.items():
        ok = [ms for t, ms in events if a <= t < b and ms is not None]
        bad = sum(1 for t, ms in events if a <= t < b and ms is None)
        again = sum(1 for t in retried if a <= t < b)
        summary[name] = {"replies": len(ok), "errors": bad, "try_again": again, "p50_ms": round(percentile(ok, 50), 1),
                         "p95_ms": round(percentile(ok, 95), 1),
                         "max_ms": round(max(ok), 1) if ok else None}  # fmt: skip
    check = await asyncio.to_thread(check_events, stack.database, sent, failed)
    check["turns_without_action_events"] = lost_action_turns(stack)
    return {"fault": fault, "what": note, "uptime_before": uptime(), "windows": summary,
            "events_check": check, "stream": await asyncio.to_thread(stream_check, stack, sent)}  # fmt: skip


def lost_action_turns(stack: Stack) -> int:
    """Turns where Rasa answered without a custom action's part (it could not reach the action
    server): answered 200, but the person got less than the whole reply."""
    marker = "Encountered an exception while running action"
    return sum(
        log.read_text(errors="replace").count(marker)
        for log in (stack.var_dir / "log").glob("rasa-*.log")
    )


def stream_check(stack: Stack, sent: dict[str, list[str]]) -> dict:
    """Outbox empty, and the console's table has every shown event of these conversations."""
    engine = sa.create_engine(stack.database, future=True)
    senders = list(sent)
    with engine.connect() as conn:
        waiting = conn.execute(sa.text("SELECT count(*) FROM event_outbox")).scalar()
        stored = conn.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = ANY(:s) AND type_name IN "
                    "('user','bot','pause','resume','session_started')"), {"s": senders},
        ).scalar()  # fmt: skip
        shown = conn.execute(
            sa.text("SELECT count(*) FROM live_events WHERE sender_id = ANY(:s)"), {"s": senders}
        ).scalar()
    engine.dispose()
    return {"outbox_waiting": waiting, "events_to_show": stored, "in_console_table": shown}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="kill-rasa,redis,rabbitmq,actions")
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    results = []
    start_redis()
    try:
        for fault in args.only.split(","):
            stack = Stack(f"fault-{fault}", ROOT, "run-prod", 2, 5705,
                          extra_env={"OVERSTAP_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
                                     "OVERSTAP_EVENT_QUEUE": f"bench_fault_{fault.replace('-', '_')}"})  # fmt: skip
            print(f"==> {fault}: starting run-prod", flush=True)
            stack.start()
            try:
                result = asyncio.run(
                    run_fault(fault, stack, args.conversations, args.think, args.seconds)
                )
            finally:
                stack.stop()
                subprocess.run(["rabbitmqctl", "-q", "start_app"], capture_output=True)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        stop_redis()
    write(results, args)
    return 0


def write(results: list[dict], args: argparse.Namespace) -> None:
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    RESULTS.mkdir(parents=True, exist_ok=True)
    body = {"date": stamp, "conversations": args.conversations, "think_s": args.think,
            "seconds": args.seconds, "results": results}  # fmt: skip
    (RESULTS / f"faults-{stamp}.json").write_text(json.dumps(body, indent=2))
    lines = [f"# Faults under load {stamp}", "",
             f"run-prod, 2 Rasa instances; {args.conversations} REST conversations, {args.think} s think time, {args.seconds} s; fault at one third.", "",
             "Replies/errors/try again: answered, failed (no HTTP 200), and answered with the Dutch \"try again\" (the message was not taken: not stored, by design).", "",
             "| fault | before: replies/errors/try again | during 10 s: replies/errors/try again, max ms | after: replies/errors/try again, p95 ms | events check | outbox, console table | uptime |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        w = r["windows"]
        c = r["events_check"]
        s = r["stream"]
        lines.append(
            f"| {r['fault']}: {r['what']} | {w['before']['replies']}/{w['before']['errors']}/{w['before'].get('try_again', 0)} | "
            f"{w['during']['replies']}/{w['during']['errors']}/{w['during'].get('try_again', 0)}, {w['during']['max_ms']} | "
            f"{w['after']['replies']}/{w['after']['errors']}/{w['after'].get('try_again', 0)}, {w['after']['p95_ms']} | "
            f"{c['messages']} answered, {c['missing_or_reordered']} missing, {c['duplicated']} twice, "
            f"{c.get('turns_without_action_events', '?')} without an action's part | "
            f"{s['outbox_waiting']} waiting, {s['in_console_table']}/{s['events_to_show']} | "
            f"{r['uptime_before'].split('load average:')[-1].strip()} |"
        )
    (RESULTS / f"faults-{stamp}.md").write_text("\n".join(lines) + "\n")
    print(f"==> wrote {RESULTS}/faults-{stamp}.json and .md", flush=True)


if __name__ == "__main__":
    sys.exit(main())
