"""Dutch labels for the console's pages. The words come from the vocabularies beside their
models (bot/handoff/models.py, bot/handoff/summary.py, bot/console/transcripts.py,
bot/console/audit.py) and from the console's texts.yml; this module only looks them up and
formats times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.console.audit import ACTIONS
from bot.console.transcripts import Turn
from bot.handoff.models import (
    ACTIVE,
    CHANNEL_LABELS,
    WAITING,
    Channel,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
    HandoffTopic,
)
from bot.handoff.summary import PROFILE_LABELS
from bot.office_hours import TIMEZONE
from bot.web.console.texts import text

CHANNELS = {channel.value: label for channel, label in CHANNEL_LABELS.items()}
WORK_SLOTS = ("current_occupation", "work_viewed")


def reason(code: str | None) -> str:
    try:
        return HandoffReason(code).label
    except ValueError:
        return code or "–"


def topic(code: str | None) -> str:
    try:
        return HandoffTopic(code).label
    except ValueError:
        return code or ""


def channel(code: str | None) -> str:
    try:
        return Channel(code).label
    except ValueError:
        return code or text("channel_unknown")


def status(request: HandoffRequest) -> str:
    try:
        label = HandoffStatus(request.status).label
    except ValueError:
        return request.status
    return label.format(name=request.claimed_by_name or "?")


def is_waiting(request: HandoffRequest) -> bool:
    return request.status in WAITING


def is_active(request: HandoffRequest) -> bool:
    """Waiting, or with an adviser: the live page can still show it."""
    return request.status in ACTIVE


def when(value: dt.datetime | None) -> str:
    """A naive UTC time from the database, in Amsterdam time."""
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")


def waiting(value: dt.datetime, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    minutes = max(0, int((now - value).total_seconds() // 60))
    if minutes < 1:
        return text("waiting_new")
    if minutes < 60:
        return text("waiting_minutes", minutes=minutes)
    return text("waiting_hours", hours=minutes // 60, minutes=minutes % 60)


def profile(summary: dict[str, Any]) -> list[tuple[str, str]]:
    from bot.nlp.lexicon import default_lexicon

    lexicon = default_lexicon()
    values = summary.get("profile") or {}
    pairs = []
    for key, (label, kind) in PROFILE_LABELS.items():
        value = values.get(key)
        if value in (None, "", "unknown"):
            continue
        shown = lexicon.label(kind, str(value), default=str(value)) if kind else str(value)
        pairs.append((label, shown))
    return pairs + work(summary.get("work") or {})


def work(found: dict[str, Any]) -> list[tuple[str, str]]:
    """The ESCO occupation and the other work looked at (bot.careers.data.work_summary)."""
    pairs = []
    if found.get("occupation"):
        pairs.append((text("work_occupation"), str(found["occupation"])))
    if found.get("viewed"):
        pairs.append((text("work_viewed"), ", ".join(str(v) for v in found["viewed"])))
    return pairs


def work_in(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The same two lines for a transcript, from the last values of the slots in its events."""
    from bot.careers.data import work_summary

    slots: dict[str, Any] = {}
    for event in events:
        if event.get("event") == "slot" and event.get("name") in WORK_SLOTS:
            slots[event["name"]] = event.get("value")
        elif event.get("event") in {"reset_slots", "restart"}:
            slots.clear()
    return work(work_summary(slots))


def who(turn: Turn) -> str:
    return turn.who


def action(code: str) -> str:
    return ACTIONS.get(code, code)
