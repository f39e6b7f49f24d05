"""The answers to questions about rules, money and work, with a real Tracker and the seed schemes."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common as common
from actions.questions import ActionAnswerHardTopic, ActionAnswerTopic, ActionOfferCareerHelp
from actions.search import ActionSearchCourses
from bot.office_hours import DAYS
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def load_domain() -> dict:
    domain: dict = {"responses": {}}
    for path in [ROOT / "domain.yml"]:
        domain["responses"].update(yaml.safe_load(path.read_text()).get("responses") or {})
    return domain


DOMAIN = load_domain()


@pytest.fixture(autouse=True)
def use_catalog(monkeypatch, catalog):
    monkeypatch.setattr(common, "catalog", lambda: catalog)


def tracker(text: str, intent: str, slots=None, ranking=None, entities=None, loop=None) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}],
    }
    return Tracker(
        sender_id="unit", slots=slots or {}, latest_message=message, events=[], paused=False,
        followup_action=None, active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )  # fmt: skip


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def names(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


def test_a_tax_question_gets_facts_sources_certainty_and_whom_to_ask() -> None:
    messages, _ = run(
        ActionAnswerTopic(), tracker("kan ik als zzp'er mijn cursus aftrekken", "ask_tax")
    )
    assert names(messages) == ["utter_topic_answer", "utter_topic_next"]
    answer = messages[0]
    assert "gestopt op 1 januari 2022" in answer["facts"] and "zzp'er" in answer["facts"]
    assert "Let op:" in answer["notes"] and "Belastingdienst" in answer["notes"]  # SECONDARY
    assert answer["sources"].startswith("https://") and answer["checked"] == "07-12-2026"
    assert "Belastingdienst" in messages[1]["ask"]
    assert {"title": "Praat met adviseur", "payload": "/request_human"} in messages[1]["buttons"]


def test_the_benefit_named_in_the_question_wins_over_the_profile() -> None:
    t = tracker(
        "mag ik studeren met bijstand?", "ask_study_on_benefit", slots={"work_situation": "ww"}
    )
    messages, _ = run(ActionAnswerTopic(), t)
    assert "bijstand" in messages[0]["facts"] and "WW-uitkering" not in messages[0]["facts"]
    assert "klantmanager" in messages[1]["ask"]


def test_with_an_unknown_benefit_both_sides_and_whom_to_ask() -> None:
    messages, _ = run(
        ActionAnswerTopic(), tracker("mag ik studeren met een uitkering", "ask_study_on_benefit")
    )
    assert "WW-uitkering" in messages[0]["facts"] and "bijstand" in messages[0]["facts"]
    assert "UWV" in messages[1]["ask"] and "gemeente" in messages[1]["ask"]


def test_a_cao_question_names_the_fund_of_the_persons_sector() -> None:
    t = tracker(
        "heb ik een leerbudget in mijn cao", "ask_learning_budget", slots={"sector": "metaal"}
    )
    messages, _ = run(ActionAnswerTopic(), t)
    assert names(messages) == ["utter_topic_answer", "utter_topic_sector_funds", "utter_topic_next"]
    assert "OOM" in messages[1]["funds"]
    assert {"title": "OOM", "payload": '/ask_scheme{"scheme": "oom"}'} in messages[2]["buttons"]
    assert "cao" in messages[2]["ask"]


def test_inside_the_profile_questions_the_answer_has_no_buttons() -> None:
    t = tracker("wat is het nlqf", "ask_nlqf", loop="profile_form")
    messages, _ = run(ActionAnswerTopic(), t)
    assert all(not m.get("buttons") for m in messages)
    assert "niveau" in messages[0]["facts"]


def test_a_legal_hard_topic_gets_the_facts_then_the_offer_of_a_person() -> None:
    t = tracker(
        "moet ik het studiekostenbeding terugbetalen",
        "mention_hard_topic",
        ranking=[{"name": "mention_hard_topic", "confidence": 1.0}],
    )
    messages, _ = run(ActionAnswerHardTopic(), t)
    assert names(messages) == ["utter_topic_answer", "utter_topic_next", "utter_hard_topic"]
    assert "studiekostenbeding" in messages[0]["facts"] and "Juridisch Loket" in messages[1]["ask"]


def test_debt_gets_only_the_offer_of_a_person() -> None:
    messages, _ = run(ActionAnswerHardTopic(), tracker("ik heb schulden", "mention_hard_topic"))
    assert names(messages) == ["utter_hard_topic"]


def other_day() -> str:
    return DAYS[(dt.datetime.now().weekday() + 3) % 7]


@pytest.mark.parametrize(
    ("hours", "offer"),
    [("ma-zo 00:00-23:59", "utter_career_offer_open"), (None, "utter_career_offer_closed")],
)
def test_career_doubt_says_what_an_adviser_does_and_offers_one(monkeypatch, hours, offer) -> None:
    settings = Settings.from_env(
        {
            "OVERSTAP_OFFICE_HOURS": hours or f"{other_day()} 09:00-17:00",
            "OVERSTAP_OFFICE_HOLIDAYS": "nee",
        }
    )
    monkeypatch.setattr(common, "settings", lambda: settings)
    messages, _ = run(
        ActionOfferCareerHelp(), tracker("ik heb veel stress op mijn werk", "express_career_doubt")
    )
    assert names(messages) == ["utter_topic_answer", offer]
    assert "loopbaanadviseur" in messages[0]["facts"] and "huisarts" in messages[0]["facts"]
    if offer == "utter_career_offer_closed":
        assert messages[1]["office_hours"]


def test_a_search_on_a_stray_word_asks_what_to_learn() -> None:
    t = tracker("Moet mijn baas mijn cursus betalen?", "search_courses")
    messages, events = run(ActionSearchCourses(), t)
    assert names(messages) == ["utter_ask_subject"]
    assert any(e["event"] == "followup" and e["name"] == "action_listen" for e in events)
