"""Course search: results for the profile and any free-text topic, a few at a time."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common, course_text
from actions.common import (
    call_store,
    profile_from,
    render,
    render_reason,
    settings,
)
from bot.catalog.eligibility import Reason
from bot.catalog.models import nlqf_rank
from bot.catalog.search import CourseHit
from bot.catalog.subject import has_subject
from bot.errors import StoreUnavailable

TOPIC_INTENTS = {"search_courses"}
# Up to NLQF 3 (mbo 3) a person is pointed to mbo and short courses too.
MBO_MAX_RANK = nlqf_rank("3")


def reason_text(domain: DomainDict, reasons: list[Reason], limit: int = 2) -> str:
    """One or two reasons as short sentences; the first follows 'Waarom:' in lower case."""
    parts = [t for t in (render_reason(domain, r.code, r.values) for r in reasons[:limit]) if t]
    if not parts:
        parts.append(render(domain, "utter_reason_general"))
    return " ".join([parts[0]] + [p[:1].upper() + p[1:] for p in parts[1:]])


def euro(amount: float) -> str:
    """Dutch number format without cents: 1450 -> '1.450'."""
    return f"{amount:,.0f}".replace(",", ".")


def course_values(domain: DomainDict, hit: CourseHit) -> dict[str, str]:
    """The values of utter_course_result: name, school, place, the facts, the link."""
    course = hit.course
    if hit.place:
        where = hit.place
    elif course.online:
        where = render(domain, "utter_where_online")
    else:
        where = render(domain, "utter_where_unknown")
    return {
        "title": course.title,
        "provider": course.provider,
        "where": where,
        "facts": course_text.facts(domain, course, dt.date.today(), euro),
        "reason": reason_text(domain, hit.reasons),
        "link": course_text.link(domain, course),
        "url": course.url or "",
    }


class ActionSearchCourses(Action):
    def name(self) -> str:
        return "action_search_courses"

    @staticmethod
    async def note_missing_mbo(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Before mbo courses are imported, someone at mbo level hears where to look."""
        rank = profile_from(tracker).level_rank
        if rank is None or rank > MBO_MAX_RANK:
            return
        try:
            loaded = await call_store(common.catalog().loaded_sources)
        except StoreUnavailable:
            return
        if "duo-mbo" not in loaded:
            dispatcher.utter_message(response="utter_no_mbo_yet")

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        per_page = settings().results_per_page
        topic = tracker.get_slot("search_topic")
        offset = 0
        if intent in TOPIC_INTENTS:
            topic = tracker.latest_message.get("text")
        elif intent == "ask_more":
            offset = int(tracker.get_slot("results_offset") or 0) + per_page
        try:
            result = await call_store(
                common.catalog().search, profile_from(tracker), topic, offset, per_page
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if intent in TOPIC_INTENTS and result.hits and not has_subject(result):
            # Only stray words matched ("baas", "betalen"): ask what to learn, show nothing,
            # and wait for the answer instead of the usual next-step buttons.
            dispatcher.utter_message(response="utter_ask_subject")
            return [
                SlotSet("search_topic", None),
                SlotSet("results_offset", 0),
                FollowupAction("action_listen"),
            ]
        if not result.hits:
            dispatcher.utter_message(
                response="utter_no_results" if offset == 0 else "utter_no_more_results"
            )
            return [SlotSet("search_topic", topic), SlotSet("results_offset", offset)]
        if offset == 0:
            await self.note_missing_mbo(dispatcher, tracker)
            dispatcher.utter_message(response="utter_results_intro", count=len(result.hits))
        else:
            dispatcher.utter_message(response="utter_results_more_intro", count=len(result.hits))
        for hit in result.hits:
            dispatcher.utter_message(response="utter_course_result", **course_values(domain, hit))
        return [
            SlotSet("search_topic", topic),
            SlotSet("results_offset", offset),
            SlotSet("last_results", [h.course.id for h in result.hits]),
        ]
