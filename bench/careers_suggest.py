"""Work-to-work suggestions: time per occupation inside the action server, and the memory it adds.

Usage (no stack needed; it starts its own action server on a free port):
    .venv/bin/python bench/careers_suggest.py
    .venv/bin/python bench/careers_suggest.py --rounds 1 --http 300     # a quicker look

Three measurements:
1. memory: the resident size (RSS) of a fresh Python process with what the action server loads
   anyway (rasa_sdk, the actions' word lists), then after loading work-to-work
   (`default_careers()`: ESCO's occupations and skills, the recogniser, UWV's facts), then
   after suggestions for every occupation (caches filled);
2. in the action server's code: `ActionSuggestWork.run` (what runs for "wat kan ik nog meer?"
   once the occupation is known: ranking, reasons in words, demand facts, buttons) for every
   one of ESCO's 3,007 occupations, `--rounds` times;
3. over HTTP: a real action server (`python -m rasa_sdk --actions actions`), POST /webhook with
   `next_action: action_suggest_work` for `--http` occupations, the way Rasa calls it.
Writes bench/results/careers_suggest-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(max(values), 2),
    }


def load_domain() -> dict:
    import yaml

    domain: dict = {"responses": {}, "slots": {}, "forms": {}, "intents": [], "actions": []}
    for path in [ROOT / "domain.yml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("responses", "slots", "forms"):
            domain[key].update(data.get(key) or {})
        for key in ("intents", "actions"):
            domain[key] += data.get(key) or []
    return domain


def tracker_dict(occupation_id: str) -> dict:
    return {
        "sender_id": "bench",
        "slots": {"current_occupation": occupation_id, "work_offset": None},
        "latest_message": {"text": "/ask_other_work", "intent": {"name": "ask_other_work"}},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "occupation_form",
    }


def in_process(rounds: int) -> dict:
    """Memory and time in one process, as the action server holds and runs it."""
    import rasa_sdk  # noqa: F401 - what the action server has loaded anyway
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from bot.catalog.textsearch import analyzer
    from bot.nlp.lexicon import default_lexicon

    analyzer()
    default_lexicon()
    before = rss_mb()
    started = time.perf_counter()
    from actions.careers import ActionSuggestWork
    from bot.careers.service import default_careers

    careers = default_careers()
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    domain = load_domain()
    action = ActionSuggestWork()
    times: list[float] = []
    cpu: list[float] = []  # this thread's CPU time: what the run costs, whatever else runs
    shown = 0

    async def run_all() -> None:
        nonlocal shown
        for _ in range(rounds):
            for occupation in careers.data.occupations:
                tracker = Tracker.from_dict(tracker_dict(occupation.id))
                dispatcher = CollectingDispatcher()
                t0, c0 = time.perf_counter(), time.thread_time()
                events = await action.run(dispatcher, tracker, domain)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
                shown += any(e.get("name") == "work_options" and e.get("value") for e in events)

    asyncio.run(run_all())
    after = rss_mb()
    return {
        "rss_mb_before_careers": round(before, 1),
        "rss_mb_after_loading": round(loaded, 1),
        "rss_mb_after_all_suggestions": round(after, 1),
        "careers_adds_mb": round(after - before, 1),
        "load_seconds": round(load_s, 2),
        "occupations": len(careers.data.occupations),
        "with_suggestions": shown // max(1, rounds),
        "action_run": summary(times),
        "action_run_cpu": summary(cpu),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def over_http(count: int) -> dict:
    """A real action server: start it, time POST /webhook, read its memory, stop it."""
    import requests

    from bot.careers.data import default_data

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")
    server = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the action server did not start")
            time.sleep(0.5)
        started_rss = rss_mb(server.pid)
        domain = load_domain()
        occupations = default_data().occupations
        step = max(1, len(occupations) // count)
        session = requests.Session()
        times = []
        for occupation in occupations[::step][:count]:
            body = {
                "next_action": "action_suggest_work",
                "sender_id": "bench",
                "tracker": tracker_dict(occupation.id),
                "domain": domain,
                "version": "3.6.21",
            }
            t0 = time.perf_counter()
            response = session.post(f"http://127.0.0.1:{port}/webhook", json=body, timeout=30)
            times.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        return {
            "rss_mb_after_start": round(started_rss, 1),
            "rss_mb_after_requests": round(rss_mb(server.pid), 1),
            "webhook": summary(times),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def markdown(result: dict) -> str:
    p, h = result["in_process"], result.get("http") or {}
    lines = [
        f"# Work-to-work suggestions, {result['date']}",
        "",
        f"Machine: {result['machine']['cpus']} cores, load average {result['machine']['load_before']}"
        f" before, {result['machine']['load_after']} after.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| memory added by work to work (RSS) | {p['careers_adds_mb']} MB "
        f"({p['rss_mb_before_careers']} -> {p['rss_mb_after_all_suggestions']} MB) |",
        f"| load time at action server start | {p['load_seconds']} s |",
        f"| `ActionSuggestWork.run`, {p['action_run']['n']} runs, wall time | p50 {p['action_run']['p50_ms']} ms,"
        f" p95 {p['action_run']['p95_ms']} ms, p99 {p['action_run']['p99_ms']} ms,"
        f" max {p['action_run']['max_ms']} ms |",
        f"| the same, CPU time of the run | p50 {p['action_run_cpu']['p50_ms']} ms,"
        f" p95 {p['action_run_cpu']['p95_ms']} ms, p99 {p['action_run_cpu']['p99_ms']} ms,"
        f" max {p['action_run_cpu']['max_ms']} ms |",
        f"| occupations with suggestions | {p['with_suggestions']} of {p['occupations']} |",
    ]
    if h:
        w = h["webhook"]
        lines += [
            f"| action server POST /webhook, {w['n']} occupations | p50 {w['p50_ms']} ms,"
            f" p95 {w['p95_ms']} ms, max {w['max_ms']} ms |",
            f"| action server RSS | {h['rss_mb_after_start']} MB after start,"
            f" {h['rss_mb_after_requests']} MB after the requests |",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs over all 3,007 occupations")
    parser.add_argument("--http", type=int, default=1000, help="occupations over HTTP (0: skip)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "in_process": in_process(args.rounds),
    }
    if args.http:
        result["http"] = over_http(args.http)
    result["machine"]["load_before"] = round(load_before, 2)
    result["machine"]["load_after"] = round(os.getloadavg()[0], 2)
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"careers_suggest-{dt.date.today().isoformat()}"
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / f"{name}.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
