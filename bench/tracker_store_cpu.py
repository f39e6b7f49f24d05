"""CPU time of the windowed tracker store's load and save, this tree against a git ref.

    .venv/bin/python -m bench.tracker_store_cpu --ref main --pairs 3

Per side a PostgreSQL database of its own, six conversations of 30 turns, then `--rounds`
messages round-robin: load the conversation, add a turn as Rasa's processor leaves it, save.
Sides alternate (ref, this tree, this tree, ref, ...), each in its own process, so a change in
the machine's load weighs on both. Prints CPU ms per load and per save; writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
ACTIONS = ["utter_greet", "action_search_courses", "action_explain_schemes"]
INTENTS = ["greet", "inform", "ask_scheme", "affirm", "deny", "ask_course_info"]


def turn(rng: random.Random, number: int) -> list:
    """One turn as a live conversation stores it: message, featurization, slots, form, reply."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        DefinePrevUserUtteredFeaturization,
        SlotSet,
        UserUttered,
    )

    intent = rng.choice(INTENTS)
    parse = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [],
        "intent_ranking": [{"name": i, "confidence": 0.1} for i in INTENTS],
    }
    events: list = [
        UserUttered(f"bericht {number}", parse["intent"], [], parse_data=parse),
        DefinePrevUserUtteredFeaturization(False),
    ]
    if rng.random() < 0.5:
        events.append(SlotSet("sector", rng.choice(["zorg", "techniek", "horeca"])))
    if number % 7 == 0:
        events += [ActionExecuted("profile_form"), ActiveLoop("profile_form")]
    elif number % 7 == 3:
        events += [ActionExecuted("profile_form"), ActiveLoop(None)]
    action = rng.choice(ACTIONS)
    buttons = [{"title": f"knop {n}", "payload": f'/inform{{"n": {n}}}'} for n in range(4)]
    return events + [
        ActionExecuted(action),
        BotUttered(f"antwoord {number}", {"buttons": buttons}, {"utter_action": action}),
        ActionExecuted("action_listen"),
    ]


def store_module(ref: str):
    if not ref:
        import bot.tracker_store as module

        return module
    source = subprocess.run(
        ["git", "show", f"{ref}:bot/tracker_store.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "tracker_store_ref.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("tracker_store_ref", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def measure(module, database: str, rounds: int) -> dict:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = module.WindowedSQLTrackerStore(
        domain=domain, dialect="postgresql", host="127.0.0.1", port=5432, db=database,
        username="postgres", window_turns=12,
    )  # fmt: skip
    rng = random.Random(3)
    senders = [f"bench-{n}" for n in range(6)]
    for sender in senders:
        tracker = DialogueStateTracker(sender, domain.slots)
        start = [ActionExecuted("action_session_start"), SessionStarted()]
        for event in [*start, ActionExecuted("action_listen")]:
            tracker.update(event)
        await store.save(tracker)
    for number in range(30):
        for sender in senders:
            tracker = await store.retrieve(sender)
            for event in turn(rng, number):
                tracker.update(event)
            await store.save(tracker)
    load = save = 0.0
    for n in range(rounds):
        started = time.process_time()
        tracker = await store.retrieve(senders[n % len(senders)])
        load += time.process_time() - started
        for event in turn(rng, 30 + n):
            tracker.update(event)
        started = time.process_time()
        await store.save(tracker)
        save += time.process_time() - started
    store.engine.dispose()
    return {"load_ms": load / rounds * 1000, "save_ms": save / rounds * 1000}


def one_side(ref: str, rounds: int) -> dict:
    import sqlalchemy as sa

    name = f"bench_store_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        return asyncio.run(measure(store_module(ref), name, rounds))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git ref of the other side")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--side", default=None, help=argparse.SUPPRESS)  # one side, as JSON
    args = parser.parse_args(argv)
    if args.side is not None:
        print(json.dumps(one_side(args.side, args.rounds)))
        return 0
    for n in range(args.pairs):
        for ref in (args.ref, "") if n % 2 == 0 else ("", args.ref):
            out = subprocess.run(
                [sys.executable, "-m", "bench.tracker_store_cpu", "--side", ref,
                 "--rounds", str(args.rounds)],
                cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            found = json.loads(out)
            label = args.ref if ref else "this tree"
            print(f"pair {n + 1} {label:10s} load {found['load_ms']:.2f} ms, "
                  f"save {found['save_ms']:.2f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
