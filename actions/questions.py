"""Questions about rules, money and work: answers from data/topics/topics.yml, never a course list.

Each answer is the facts that fit the person (their work situation, named in the question or
known from the profile), where they come from and when they were checked, what to ask and whom,
and buttons for a next step. Doubts about work go to a person: a loopbaanadviseur, or the
call-back outside office hours. A hard topic (a legal question) still gets its offer of a person,
after the facts.
"""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import StoreUnavailable, call_store, render
from bot.catalog.models import Scheme
from bot.catalog.topics import Topic, default_topics, situation_in
from bot.nlp.questions import default_router

CAREER_INTENT = "express_career_doubt"
# A topic intent further down the ranking counts for a hard topic's facts from this confidence.
RANKED_TOPIC_CONFIDENCE = 0.3
MAX_FUND_BUTTONS = 2
MAX_BUTTON_TITLE = 20
FUNDS_TOPIC = "learning_budget"


def dutch_date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def entity_value(tracker: Tracker, name: str) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def person_situation(tracker: Tracker) -> str | None:
    """The work situation the question is about: named in it, else the one in the profile."""
    named = situation_in(latest_text(tracker)) or entity_value(tracker, "work_situation")
    return named or tracker.get_slot("work_situation")


def person_sector(tracker: Tracker) -> str | None:
    return entity_value(tracker, "sector") or tracker.get_slot("sector")


def short_name(scheme: Scheme) -> str:
    name = scheme.name.split(" (")[0]
    return name if len(name) <= MAX_BUTTON_TITLE else name[: MAX_BUTTON_TITLE - 1] + "…"


def sector_funds(schemes: list[Scheme], sector: str | None, today: dt.date) -> list[Scheme]:
    """The sector's own training funds in the catalog (not ended), for a question about a cao."""
    if not sector:
        return []
    return [
        s
        for s in schemes
        if s.type == "fonds"
        and sector in ((s.conditions or {}).get("sectors") or [])
        and not s.is_ended(today)
    ]


async def utter_topic(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    topic: Topic,
    with_buttons: bool = True,
) -> None:
    """The facts for this person with their sources, then what to ask and whom."""
    situation = person_situation(tracker)
    facts = topic.facts_for(situation, latest_text(tracker))
    notes = "".join(
        "\n" + render(domain, "utter_topic_note", note=fact.note) for fact in facts if fact.note
    )
    dispatcher.utter_message(
        response="utter_topic_answer",
        title=topic.title,
        facts="\n".join(fact.text for fact in facts),
        notes=notes,
        sources=", ".join(topic.sources_for(facts)),
        checked=dutch_date(topic.last_verified),
    )
    buttons = [b.as_dict() for b in topic.buttons] if with_buttons else []
    if topic.id == FUNDS_TOPIC:
        buttons = await utter_sector_funds(dispatcher, tracker, with_buttons) + buttons
    ask = topic.ask_for(situation)
    if ask:
        dispatcher.utter_message(response="utter_topic_next", ask=ask, buttons=buttons)
    elif buttons:
        dispatcher.utter_message(response="utter_topic_next_default", buttons=buttons)


async def utter_sector_funds(
    dispatcher: CollectingDispatcher, tracker: Tracker, with_buttons: bool
) -> list[dict]:
    """Names the training funds of the person's sector; returns buttons to read about them."""
    sector = person_sector(tracker)
    if not sector:
        return []
    try:
        schemes = await call_store(common.catalog().schemes)
    except StoreUnavailable:
        return []  # the general answer stands on its own; the funds are an extra
    funds = sector_funds(schemes, sector, dt.date.today())
    if not funds:
        return []
    dispatcher.utter_message(
        response="utter_topic_sector_funds", funds=", ".join(short_name(f) for f in funds)
    )
    if not with_buttons:
        return []
    return [
        {"title": short_name(f), "payload": f'/ask_scheme{{"scheme": "{f.id}"}}'}
        for f in funds[:MAX_FUND_BUTTONS]
    ]


def topic_for_hard_topic(tracker: Tracker) -> Topic | None:
    """The question a hard topic also asks ("moet ik het studiekostenbeding terugbetalen?")."""
    topics = default_topics()
    rule = default_router().topic_intent(latest_text(tracker))
    if rule is not None and rule.intent in topics:
        return topics[rule.intent]
    for item in ((tracker.latest_message or {}).get("intent_ranking") or [])[1:]:
        name = item.get("name")
        if name in topics and (item.get("confidence") or 0) >= RANKED_TOPIC_CONFIDENCE:
            return topics[name]
    return None


class ActionAnswerTopic(Action):
    """The answer to a question about rules, money or work; inside the profile questions the
    answer comes without buttons, and the questions go on."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        topic = default_topics().get(str(intent))
        if topic is None:
            dispatcher.utter_message(response="utter_rephrase_hint")
            return []
        in_form = bool((tracker.active_loop or {}).get("name"))
        await utter_topic(dispatcher, tracker, domain, topic, with_buttons=not in_form)
        return []


class ActionAnswerHardTopic(Action):
    """Debt, illness, a conflict or a legal question: a person helps best. When the message is
    also a question we can answer (study costs), the facts come first."""

    def name(self) -> str:
        return "action_answer_hard_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = topic_for_hard_topic(tracker)
        if topic is not None and topic.intent != CAREER_INTENT:
            await utter_topic(dispatcher, tracker, domain, topic, with_buttons=False)
        dispatcher.utter_message(response="utter_hard_topic")
        return []


class ActionOfferCareerHelp(Action):
    """Doubt about talents, direction, motivation, stress or coaching: say what a
    loopbaanadviseur does and offer one; outside office hours, offer the call-back."""

    def name(self) -> str:
        return "action_offer_career_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = default_topics().get(CAREER_INTENT)
        if topic is not None:
            await utter_topic(dispatcher, tracker, domain, topic, with_buttons=False)
        hours = common.settings().hours
        if hours.is_open():
            dispatcher.utter_message(response="utter_career_offer_open")
        else:
            dispatcher.utter_message(
                response="utter_career_offer_closed", office_hours=hours.describe()
            )
        return []
