"""Statistics of the conversations for the console, and their plots (matplotlib, PNG)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.handoff.summary import EXTERNAL_PREFIX
from bot.nlp.signals import intent_of
from bot.office_hours import TIMEZONE

TOP = 10


@dataclass
class Stats:
    days: list[dt.date] = field(default_factory=list)
    conversations_per_day: list[int] = field(default_factory=list)
    handoffs_per_day: list[int] = field(default_factory=list)
    conversations: int = 0
    handed_off: int = 0
    user_turns: int = 0
    fallbacks: int = 0
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    misunderstood: list[tuple[str, int]] = field(default_factory=list)

    @property
    def handoff_rate(self) -> float:
        return self.handed_off / self.conversations if self.conversations else 0.0

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.user_turns if self.user_turns else 0.0


def compute(
    events: Iterable[tuple[str, dict[str, Any]]],
    handed_off: set[str],
    today: dt.date,
    days: int = 30,
) -> Stats:
    """Numbers over the person's messages of the last `days` days (Amsterdam time)."""
    first_seen: dict[str, dt.date] = {}
    intents: Counter[str] = Counter()
    misunderstood: Counter[str] = Counter()
    stats = Stats()
    for sender, event in events:
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        if text.startswith(EXTERNAL_PREFIX):
            continue
        day = dt.datetime.fromtimestamp(event.get("timestamp") or 0, TIMEZONE).date()
        first_seen.setdefault(sender, day)
        intent = intent_of(event)
        stats.user_turns += 1
        if intent:
            intents[intent] += 1
        if intent == "nlu_fallback":
            stats.fallbacks += 1
            key = " ".join(text.lower().split())[:80]
            if key:
                misunderstood[key] += 1
    start = today - dt.timedelta(days=days - 1)
    per_day: dict[dt.date, int] = defaultdict(int)
    handoffs_per_day: dict[dt.date, int] = defaultdict(int)
    for sender, day in first_seen.items():
        per_day[day] += 1
        if sender in handed_off:
            handoffs_per_day[day] += 1
    stats.days = [start + dt.timedelta(days=i) for i in range(days)]
    stats.conversations_per_day = [per_day.get(d, 0) for d in stats.days]
    stats.handoffs_per_day = [handoffs_per_day.get(d, 0) for d in stats.days]
    stats.conversations = len(first_seen)
    stats.handed_off = sum(1 for s in first_seen if s in handed_off)
    stats.top_intents = intents.most_common(TOP)
    stats.misunderstood = misunderstood.most_common(TOP)
    return stats


def _figure(width: float = 7.5, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_per_day(stats: Stats) -> bytes:
    fig = _figure()
    ax = fig.subplots()
    labels = [d.strftime("%d-%m") for d in stats.days]
    ax.bar(labels, stats.conversations_per_day, color="#2a6f97", label="gesprekken")
    ax.bar(labels, stats.handoffs_per_day, color="#e07a1f", label="naar adviseur")
    ax.set_ylabel("aantal")
    ax.set_title("Gesprekken per dag")
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.legend(loc="upper left", fontsize=8)
    return _png(fig)


def _plain(label: str) -> str:
    """A person's words as plain text: matplotlib would read text between two `$` as a formula
    (and fail on a bad one)."""
    return label.replace("$", r"\$")


def plot_counts(pairs: Sequence[tuple[str, int]], title: str) -> bytes:
    fig = _figure(height=max(2.0, 0.35 * len(pairs) + 1))
    ax = fig.subplots()
    labels = [_plain(label if len(label) <= 40 else label[:39] + "…") for label, _ in pairs][::-1]
    values = [count for _, count in pairs][::-1]
    ax.barh(labels or ["(geen)"], values or [0], color="#2a6f97")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


def plot_rates(stats: Stats) -> bytes:
    fig = _figure(width=5, height=2.6)
    ax = fig.subplots()
    names = ["naar adviseur\n(per gesprek)", "niet begrepen\n(per bericht)"]
    values = [stats.handoff_rate * 100, stats.fallback_rate * 100]
    bars = ax.bar(names, values, color=["#e07a1f", "#9b2226"])
    ax.bar_label(bars, labels=[f"{v:.0f}%" for v in values])
    ax.set_ylim(0, max(100, *values))
    ax.set_ylabel("%")
    ax.set_title("Handoff en fallback")
    return _png(fig)
