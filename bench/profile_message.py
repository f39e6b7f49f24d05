"""Where the CPU time of one message goes: Rasa's agent in this process, under cProfile with a
CPU-time clock (so waiting for PostgreSQL or the action server does not count, and a busy
machine changes the figures less than wall time).

    .venv/bin/python -m bench.profile_message --messages 120            # with bot/perf.py
    .venv/bin/python -m bench.profile_message --messages 120 --plain    # Rasa as it comes

Starts the action server, loads models/overstap.tar.gz with the windowed tracker store on a
PostgreSQL database of its own (and the other endpoints `overstap run` writes), sends the
load benchmark's script round-robin over a few conversations, and prints CPU ms per message and
the functions with the most CPU time, grouped into NLU, policies, tracker store, action call,
response and channel. Writes bench/results/profile-<date>[-plain].txt.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import io
import os
import pstats
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
GROUPS = {
    "NLU (parse_message)": "processor.py:\\d+\\(parse_message\\)",
    "policies (predict_next_action)": "\\(predict_next_with_tracker_if_should\\)",
    "tracker store: load": "processor.py:\\d+\\(get_tracker\\)",
    "tracker store: save": "processor.py:\\d+\\(save_tracker\\)",
    "action calls (RemoteAction.run)": "actions/action.py:.*\\(run\\)",
    "responses (nlg)": "nlg/response.py:\\d+\\(generate\\)",
}


def group_times(stats: pstats.Stats) -> dict[str, float]:
    import re

    found = {}
    for name, pattern in GROUPS.items():
        best = 0.0
        for (file, line, func), (_, _, _, cumulative, _) in stats.stats.items():
            label = f"{file}:{line}({func})"
            if re.search(pattern, label):
                best = max(best, cumulative)
        found[name] = best
    return found


async def talk(agent, messages: int, conversations: int) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bench.load import SCRIPT

    senders = [f"prof-{os.urandom(4).hex()}" for _ in range(conversations)]
    for n in range(messages):
        sender = senders[n % conversations]
        turn = n // conversations
        output = CollectingOutputChannel()
        await agent.handle_message(
            UserMessage(SCRIPT[turn % len(SCRIPT)], output, sender, input_channel="rest")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=120)
    parser.add_argument("--conversations", type=int, default=6)
    parser.add_argument("--plain", action="store_true", help="without bot/perf.py")
    parser.add_argument("--port", type=int, default=5795)
    args = parser.parse_args(argv)
    if not args.plain:
        from bot.perf import apply_all

        apply_all()
    import sqlalchemy as sa

    name = f"bench_profile_{os.getpid()}"
    admin = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    actions = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(args.port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        return asyncio.run(profile(args, f"{PG}/{name}"))
    finally:
        os.killpg(actions.pid, signal.SIGTERM)
        actions.wait()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def profile(args: argparse.Namespace, database: str) -> int:
    from rasa.core.agent import load_agent

    from bot.rasa_cli import patch_action_validation, patch_model_loading
    from bot.run import tracker_store_config

    patch_model_loading()
    patch_action_validation()
    for _ in range(60):  # the action server starts
        try:
            import requests

            if requests.get(f"http://127.0.0.1:{args.port}/health", timeout=1).ok:
                break
        except Exception:  # noqa: BLE001
            time.sleep(1)
    import tempfile

    import yaml
    from rasa.core.utils import AvailableEndpoints

    endpoints = {
        "action_endpoint": {"url": f"http://127.0.0.1:{args.port}/webhook"},
        "tracker_store": {**tracker_store_config(database), "window_turns": 12},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(endpoints, handle)
    agent = await load_agent(
        model_path=str(ROOT / "models" / "overstap.tar.gz"),
        endpoints=AvailableEndpoints.read_endpoints(handle.name),
    )
    os.unlink(handle.name)
    await talk(agent, args.conversations * 2, args.conversations)  # warm up
    profiler = cProfile.Profile(time.process_time)
    cpu = time.process_time()
    wall = time.perf_counter()
    profiler.enable()
    await talk(agent, args.messages, args.conversations)
    profiler.disable()
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    groups = group_times(stats)
    head = [
        f"profile of {args.messages} messages ({'Rasa as it comes' if args.plain else 'with bot/perf.py'})",
        f"CPU per message: {cpu / args.messages * 1000:.1f} ms (wall {wall / args.messages * 1000:.1f} ms)",
        f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}",
        "",
        "CPU ms per message by part (cumulative, parts overlap where one calls another):",
        *(f"  {k:40s} {v / args.messages * 1000:7.1f}" for k, v in groups.items()),
        "",
    ]
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(60)
    text = "\n".join(head) + out.getvalue()
    print("\n".join(head))
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    path = ROOT / "bench" / "results" / f"profile-{stamp}{'-plain' if args.plain else ''}.txt"
    path.write_text(text.replace(str(ROOT), "."))
    print(f"==> wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
