"""Reply time over the REST channel of a running Overstap, per turn of one long conversation.

Usage: start the stack (`make run`), then
    .venv/bin/python bench/rest_reply.py --url http://127.0.0.1:5005 --turns 200
Writes bench/results/rest_reply-<date>.json with the time of every turn and p50/p95 for the
first and last ten turns, so growth with conversation length is visible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import time
import uuid
from pathlib import Path

import requests

# A profile conversation, then questions that keep it going without ending it.
OPENING = [
    "hallo", "/start_profile", '/inform{"work_situation": "employed"}', "ik werk in de zorg",
    "mbo 4", "ik ben 45", "Zwolle", '/inform{"goal": "switch"}',
]  # fmt: skip
LOOP = ["laat meer zien", "wie betaalt mijn opleiding", "ik zoek een cursus heftruck", "meer"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--label", default="", help="added to the file name, e.g. before-window")
    args = parser.parse_args()
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    times: list[float] = []
    session = requests.Session()
    for turn in range(args.turns):
        message = OPENING[turn] if turn < len(OPENING) else LOOP[turn % len(LOOP)]
        started = time.perf_counter()
        response = session.post(
            f"{args.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
        if (turn + 1) % 25 == 0:
            print(f"turn {turn + 1}: {times[-1]:.0f} ms", flush=True)
    first, last = times[:10], times[-10:]
    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "turns": args.turns,
        "ms_per_turn": [round(t, 1) for t in times],
        "label": args.label,
        "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
        "first10": {"p50": statistics.median(first), "p95": percentile(first, 95)},
        "last10": {"p50": statistics.median(last), "p95": percentile(last, 95)},
        # the median of the five turns around turn 10 and the last turn, against noise
        "turn10_ms": statistics.median(times[7:12]),
        f"turn{args.turns}_ms": statistics.median(times[-5:]),
        "p50_per_25_turns": [
            round(statistics.median(times[i : i + 25]), 1) for i in range(0, len(times), 25)
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    path = args.out / f"rest_reply-{dt.date.today().isoformat()}{suffix}.json"
    path.write_text(json.dumps(result, indent=2))
    print(
        f"first 10 turns p50 {result['first10']['p50']:.0f} ms, last 10 p50 "
        f"{result['last10']['p50']:.0f} ms; around turn 10 {result['turn10_ms']:.0f} ms, "
        f"around turn {args.turns} {result[f'turn{args.turns}_ms']:.0f} ms"
    )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
