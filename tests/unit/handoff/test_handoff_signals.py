"""Rule-based handoff signals, office hours and contact capture: pure functions, no stack."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.errors import ConfigError
from bot.handoff import contact
from bot.nlp.redact import is_contact_answer
from bot.nlp.signals import detect, is_garbled
from bot.office_hours import TIMEZONE, OfficeHours


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Ik heb veel schulden", "topic", "debt"),
        ("de deurwaarder belt steeds", "topic", "debt"),
        ("ik sta rood en kan de huur niet betalen", "topic", "debt"),
        ("Ik zit thuis met een burn-out", "topic", "illness"),
        ("ik ben overspannen", "topic", "illness"),
        ("ik heb ruzie met mijn baas", "topic", "employer_conflict"),
        ("ik word gepest op het werk", "topic", "employer_conflict"),
        ("moet ik het studiekostenbeding betalen?", "topic", "legal"),
        ("Wat is een vaststellingsovereenkomst", "topic", "legal"),
        ("ik snap het niet", "reading", "not_understood"),
        ("dit is te moeilijk", "reading", "not_understood"),
        ("kun je het voorlezen?", "reading", "voice"),
        ("mag ik een spraakbericht sturen", "reading", "voice"),
    ],
)
def test_signals_are_found(text: str, kind: str, value: str) -> None:
    signal = detect(text)
    assert signal is not None and (signal.kind, signal.value) == (kind, value)


@pytest.mark.parametrize(
    "text",
    [
        "ik werk als verpleegkundige in het ziekenhuis",
        "ik zit ziek thuis",  # a work situation the profile form handles itself
        "ik zit in de ziektewet",
        "ik snap niet waarom ik het niet kan krijgen",  # a why-not question
        "hoe zit het met mijn studieschuld",
        "/request_human",
        '/inform{"goal": "schulden"}',
        "",
    ],
)
def test_no_signal(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("sdfgh", True),
        ("kk jj", True),
        ("???", True),
        ("ok", False),
        ("ja", False),
        ("45", False),
        ("Eindhoven", False),
        ("ik wil vrachtwagenchauffeur worden", False),
        ("/start_profile", False),
    ],
)
def test_garbled(text: str, garbled: bool) -> None:
    assert is_garbled(text) is garbled


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Amsterdam in the week of Monday 23 November 2026."""
    return dt.datetime(2026, 11, 23 + day, hour, minute, tzinfo=TIMEZONE)


def test_office_hours_weekdays_nine_to_five() -> None:
    hours = OfficeHours.parse("ma-vr 09:00-17:00")
    assert hours.is_open(at(0, 9))
    assert hours.is_open(at(4, 16, 59))
    assert not hours.is_open(at(0, 8, 59))
    assert not hours.is_open(at(0, 17))
    assert not hours.is_open(at(5, 12))  # Saturday
    # Amsterdam time, whatever the zone of the moment given
    assert hours.is_open(at(0, 9).astimezone(dt.timezone.utc))
    assert hours.describe() == "van maandag tot en met vrijdag, van 9:00 tot 17:00 uur"


def test_office_hours_with_blocks() -> None:
    hours = OfficeHours.parse("ma,wo 09:00-12:30; za 10:00-14:00")
    assert hours.is_open(at(2, 12)) and not hours.is_open(at(1, 10))
    assert hours.is_open(at(5, 13))
    assert hours.describe().startswith(
        "op maandag en woensdag, van 9:00 tot 12:30 uur en op zaterdag"
    )


def test_closed_on_dutch_public_holidays_but_not_on_good_friday() -> None:
    hours = OfficeHours.parse("ma-vr 09:00-17:00", holidays=True)
    noon = dt.time(12)

    def on(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, noon, TIMEZONE)

    for day, name in [
        (dt.date(2026, 4, 6), "Tweede paasdag"),
        (dt.date(2026, 4, 27), "Koningsdag"),
        (dt.date(2026, 5, 14), "Hemelvaartsdag"),
        (dt.date(2026, 5, 25), "Tweede Pinksterdag"),
        (dt.date(2026, 12, 25), "Eerste Kerstdag"),
        (dt.date(2027, 1, 1), "Nieuwjaarsdag"),
    ]:
        assert not hours.is_open(on(day)), day
        assert hours.holiday_on(on(day)) == name
    assert hours.is_open(on(dt.date(2026, 4, 3)))  # Goede Vrijdag: a working day
    assert hours.is_open(on(dt.date(2026, 12, 7)))  # an ordinary Monday
    assert hours.describe().endswith(", niet op feestdagen")
    plain = OfficeHours.parse("ma-vr 09:00-17:00")
    assert (
        plain.is_open(on(dt.date(2026, 12, 25)))
        and plain.holiday_on(on(dt.date(2026, 12, 25))) is None
    )


@pytest.mark.parametrize(
    "raw", ["", "maandag 9-17", "ma-vr 17:00-09:00", "vr-ma 09:00-17:00", "ma-vr 25:00-26:00"]
)
def test_bad_office_hours_fail_loudly(raw: str) -> None:
    with pytest.raises(ConfigError):
        OfficeHours.parse(raw)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("0612345678", "0612345678"),
        ("06-12 34 56 78", "0612345678"),
        ("mijn nummer is +31 6 12345678", "+31612345678"),
        ("Jan.Jansen@Example.nl", "jan.jansen@example.nl"),
        ("bel me na vijf uur op 0612345678", None),  # more than an answer
        ("0612345678 of a@b.nl", None),
        ("ik ben lasser", None),
    ],
)
def test_contact_capture(text: str, found: str | None) -> None:
    assert contact.capture(text) == found


def test_sealed_contact_opens_only_with_the_same_key() -> None:
    token = contact.seal("0612345678", "key one")
    assert "0612345678" not in token
    assert contact.unseal(token, "key one") == "0612345678"
    assert contact.unseal(token, "key two") is None
    assert contact.unseal("not a token", "key one") is None
    assert contact.unseal(None, "key one") is None


@pytest.mark.parametrize(
    ("redacted", "answer"),
    [
        ("[telefoon]", True),
        ("mijn nummer is [telefoon]", True),
        ("mail: [e-mail]", True),
        ("bel me op [telefoon] na vijf uur", False),
        ("[bsn]", False),
        ("hallo", False),
    ],
)
def test_a_redacted_contact_alone_is_an_answer(redacted: str, answer: bool) -> None:
    assert is_contact_answer(redacted) is answer


def test_office_hours_and_wait_are_settings_that_fail_loudly(tmp_path) -> None:
    from bot.settings import Settings

    base = {"OVERSTAP_VAR_DIR": str(tmp_path)}
    settings = Settings.from_env(base)
    assert settings.office_hours == "ma-vr 09:00-17:00" and settings.handoff_wait_minutes == 10
    assert settings.env_for_children()["OVERSTAP_OFFICE_HOURS"] == "ma-vr 09:00-17:00"
    with pytest.raises(ConfigError, match="OVERSTAP_OFFICE_HOURS"):
        Settings.from_env({**base, "OVERSTAP_OFFICE_HOURS": "altijd"})
    assert (
        settings.hours.holidays and settings.env_for_children()["OVERSTAP_OFFICE_HOLIDAYS"] == "ja"
    )
    assert not Settings.from_env({**base, "OVERSTAP_OFFICE_HOLIDAYS": "nee"}).hours.holidays
    with pytest.raises(ConfigError, match="OVERSTAP_OFFICE_HOLIDAYS"):
        Settings.from_env({**base, "OVERSTAP_OFFICE_HOLIDAYS": "soms"})
    with pytest.raises(ConfigError, match="OVERSTAP_HANDOFF_WAIT_MINUTES"):
        Settings.from_env({**base, "OVERSTAP_HANDOFF_WAIT_MINUTES": "0"})


def test_the_rule_replaces_a_stray_topic_span_of_the_model() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.handoff_signals import HandoffSignals

    stray = {"entity": "hard_topic", "value": "met", "start": 12, "end": 15}
    place = {"entity": "place", "value": "Zwolle", "start": 30, "end": 36}
    message = Message(
        data={
            "text": "ik zit thuis met een burn-out in Zwolle",
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "entities": [stray, place],
        }
    )
    HandoffSignals({}).process([message])
    assert message.get("intent")["name"] == "mention_hard_topic"
    topics = [e for e in message.get("entities") if e["entity"] == "hard_topic"]
    assert [e["value"] for e in topics] == ["illness"]
    assert place in message.get("entities")


def test_the_summary_topic_is_one_of_the_known_topics() -> None:
    from bot.handoff import summary

    event = {
        "event": "user",
        "text": "ik zit thuis met een burn-out",
        "parse_data": {
            "intent": {"name": "mention_hard_topic"},
            "entities": [
                {"entity": "hard_topic", "value": "met"},
                {"entity": "hard_topic", "value": "illness"},
            ],
        },
    }
    assert summary.topic([event]) == "illness"
    event["parse_data"]["entities"] = [{"entity": "hard_topic", "value": "met"}]
    assert summary.topic([event]) == "other"
