"""The console's statistics: the numbers from tracker events, and the plots drawn from them."""

from __future__ import annotations

import datetime as dt

from bot.console import stats
from bot.office_hours import TIMEZONE

TODAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int = 12) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TIMEZONE).timestamp()


def user(text: str, intent: str, day: dt.date) -> dict:
    return {
        "event": "user", "text": text, "timestamp": at(day),
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
    }  # fmt: skip


def sample() -> list[tuple[str, dict]]:
    yesterday = TODAY - dt.timedelta(days=1)
    return [
        ("a", user("hallo", "greet", yesterday)),
        ("a", user("asdf qwerty", "nlu_fallback", yesterday)),
        ("a", {"event": "bot", "text": "Sorry.", "timestamp": at(yesterday)}),
        ("a", user("ik wil een mens", "request_human", yesterday)),
        ("b", user("hallo", "greet", TODAY)),
        ("b", user("Asdf   QWERTY", "nlu_fallback", TODAY)),
        ("c", user(r"kost dat $\onbekend$ per maand?", "nlu_fallback", TODAY)),
        ("old", user("hallo", "greet", TODAY - dt.timedelta(days=40))),
    ]


def test_numbers_per_day_rates_intents_and_misunderstood_messages() -> None:
    result = stats.compute(sample(), handed_off={"a"}, today=TODAY, days=30)
    assert len(result.days) == 30 and result.days[-1] == TODAY
    assert result.conversations_per_day[-1] == 2 and result.conversations_per_day[-2] == 1
    assert result.handoffs_per_day[-2] == 1 and result.handoffs_per_day[-1] == 0
    # "old" began before the period: counted in no day, but its turn still counts
    assert result.conversations == 4 and result.handed_off == 1
    assert result.fallbacks == 3 and result.user_turns == 7
    assert round(result.fallback_rate, 3) == round(3 / 7, 3)
    assert result.top_intents[0] == ("greet", 3) and ("nlu_fallback", 3) in result.top_intents
    # the same words, typed differently, are one misunderstood message
    assert result.misunderstood[0] == ("asdf qwerty", 2)


def test_every_plot_is_a_png_even_with_formula_signs_in_a_message() -> None:
    result = stats.compute(sample(), handed_off={"a"}, today=TODAY, days=30)
    for png in (
        stats.plot_per_day(result),
        stats.plot_rates(result),
        stats.plot_counts(result.top_intents, "Meest gebruikte intents"),
        stats.plot_counts(result.misunderstood, "Vaakst niet begrepen"),
        stats.plot_counts([], "Leeg"),
    ):
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
