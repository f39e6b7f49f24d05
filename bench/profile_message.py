"""Where the CPU time of one message goes: Rasa's agent in this process, under cProfile with a
CPU-time clock (so waiting for PostgreSQL or the action server does not count, and a busy
machine changes the figures less than wall time).

    .venv/bin/python -m bench.profile_message --messages 120            # with bot/perf.py
    .venv/bin/python -m bench.profile_message --messages 120 --plain    # Rasa as it comes
    .venv/bin/python -m bench.profile_message --no-profile --skip states_cache   # CPU only

Logging is set up as `rasa run` sets it up (level from LOG_LEVEL, default INFO), so Rasa's debug
lines cost here what they cost in the server, not the printing of every one of them.

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


# The same parts timed without cProfile (`--no-profile`), by CPU time around one method each;
# "of which" parts are inside the part above them.
PARTS = {
    "NLU (parse_message)": ("rasa.core.processor", "MessageProcessor", "parse_message"),
    "policies (predict_next_action)": (
        "rasa.core.processor", "MessageProcessor", "predict_next_with_tracker_if_should"
    ),
    "  of which states (states_for_tracker_history)": (
        "rasa.shared.core.domain", "Domain", "states_for_tracker_history"
    ),
    "  of which rule matching (_get_possible_keys)": (
        "rasa.core.policies.rule_policy", "RulePolicy", "_get_possible_keys"
    ),
    "tracker store: load": ("rasa.core.processor", "MessageProcessor", "get_tracker"),
    "tracker store: save": ("rasa.core.processor", "MessageProcessor", "save_tracker"),
    "running actions (_run_action)": ("rasa.core.processor", "MessageProcessor", "_run_action"),
    "  of which tracker copies (tracker.copy)": (
        "rasa.shared.core.trackers", "DialogueStateTracker", "copy"
    ),
    "  of which action server calls (EndpointConfig.request)": (
        "rasa.utils.endpoints", "EndpointConfig", "request"
    ),
}  # fmt: skip
GC = "garbage collection (anywhere)"


class PartTimer:
    """CPU time spent inside each part's method (outermost call only, so recursion counts once)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys([*PARTS, GC], 0.0)
        self.depth = dict.fromkeys([*PARTS, GC], 0)
        self._gc_started = 0.0

    def _collecting(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.process_time()
        else:
            self.seconds[GC] += time.process_time() - self._gc_started

    def install(self) -> None:
        """Wraps each part's method; again after `perf.switch` put an unwrapped one back."""
        import gc
        import importlib
        import inspect

        if self._collecting not in gc.callbacks:
            gc.callbacks.append(self._collecting)
        for label, (module, owner, name) in PARTS.items():
            cls = getattr(importlib.import_module(module), owner)
            original = getattr(cls, name)
            if getattr(original, "_timed", False):
                continue
            wrapper = self._async if inspect.iscoroutinefunction(original) else self._sync
            timed = wrapper(label, original)
            timed._timed = True
            setattr(cls, name, timed)

    def _enter(self, label: str) -> float:
        self.depth[label] += 1
        return time.process_time()

    def _leave(self, label: str, started: float) -> None:
        self.depth[label] -= 1
        if not self.depth[label]:
            self.seconds[label] += time.process_time() - started

    def _sync(self, label, original):
        def timed(*args, **kwargs):
            started = self._enter(label)
            try:
                return original(*args, **kwargs)
            finally:
                self._leave(label, started)

        return timed

    def _async(self, label, original):
        async def timed(*args, **kwargs):
            started = self._enter(label)
            try:
                return await original(*args, **kwargs)
            finally:
                self._leave(label, started)

        return timed


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
    parser.add_argument(
        "--skip", default="", help="comma-separated patches of bot/perf.py to leave out"
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="CPU time only, without cProfile; no file"
    )
    parser.add_argument(
        "--compare",
        default="",
        help="comma-separated patches of bot/perf.py: CPU per message without and with them, "
        "in alternating rounds in this one process; writes profile-<date>-compare.json",
    )
    parser.add_argument("--rounds", type=int, default=6, help="rounds per side of --compare")
    parser.add_argument("--port", type=int, default=5795)
    args = parser.parse_args(argv)
    if not args.plain:
        from bot.perf import apply_all
        from bot.rasa_cli import patch_action_validation

        patch_action_validation()  # first, so that --compare without reply_check is today's

        apply_all(skip=[name for name in args.skip.split(",") if name])
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


async def compare(agent, args: argparse.Namespace) -> int:
    """Rounds of `--messages` messages, without and with the patches in `--compare`, in the
    order off-on, on-off, off-on, ... so that a change in the machine's load during the
    run weighs on both sides alike. CPU time of this process only."""
    import json
    import statistics

    from bot import perf

    names = [name for name in args.compare.split(",") if name]
    for name in names:
        if name in perf.OPTIONAL:  # applied for the comparison only
            perf.OPTIONAL[name]()
    unknown = set(names) - set(perf.REPLACED)
    if unknown:
        raise SystemExit(f"not switchable: {sorted(unknown)}")
    timer = PartTimer()
    timer.install()
    rounds: dict[str, list[float]] = {"without": [], "with": []}
    parts: dict[str, dict[str, float]] = {
        side: dict.fromkeys(timer.seconds, 0.0) for side in rounds
    }
    for n in range(args.rounds):
        for on in (False, True) if n % 2 == 0 else (True, False):
            side = "with" if on else "without"
            perf.switch(names, on)
            timer.install()
            before = dict(timer.seconds)
            cpu = time.process_time()
            await talk(agent, args.messages, args.conversations)
            rounds[side].append((time.process_time() - cpu) / args.messages * 1000)
            for part, seconds in timer.seconds.items():
                parts[side][part] += seconds - before[part]
    perf.switch(names, True)
    total = args.messages * args.rounds
    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "patches compared": names,
        "messages per round": args.messages,
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "cpu ms per message, each round": rounds,
        "median": {side: round(statistics.median(v), 2) for side, v in rounds.items()},
        "parts, cpu ms per message": {
            side: {part: round(sec / total * 1000, 2) for part, sec in p.items()}
            for side, p in parts.items()
        },
    }
    result["ratio with/without"] = round(result["median"]["with"] / result["median"]["without"], 3)
    print(json.dumps(result, indent=1))
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    path = ROOT / "bench" / "results" / f"profile-{stamp}-compare.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"==> wrote {path}")
    return 0


def configure_logging() -> None:
    """Logging as `rasa run` sets it up: without it structlog prints every debug line."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(None, None, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(None)


async def profile(args: argparse.Namespace, database: str) -> int:
    from rasa.core.agent import load_agent

    from bot.rasa_cli import patch_action_validation, patch_model_loading
    from bot.run import tracker_store_config

    configure_logging()
    patch_model_loading()
    if args.plain:
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
    label = "Rasa as it comes" if args.plain else "with bot/perf.py"
    if args.skip:
        label += f" without {args.skip}"
    if args.compare:
        return await compare(agent, args)
    if args.no_profile:
        timer = PartTimer()
        timer.install()
        cpu = time.process_time()
        await talk(agent, args.messages, args.conversations)
        cpu = time.process_time() - cpu
        print(f"{label}: CPU per message: {cpu / args.messages * 1000:.2f} ms")
        for part, seconds in timer.seconds.items():
            print(f"  {part:56s} {seconds / args.messages * 1000:7.2f}")
        return 0
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
        f"profile of {args.messages} messages ({label})",
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
