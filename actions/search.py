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
from bot.catalog.search import CourseFilters, CourseHit, SearchResult
from bot.catalog.subject import has_subject
from bot.errors import StoreUnavailable

TOPIC_INTENTS = {"search_courses"}
# Up to NLQF 3 (mbo 3) a person usually cannot enter hbo or wo (they ask for at least mbo 4 or
# havo): the search leaves them out, unless the person pressed "Toch hbo tonen"
# (`/ask_more{"course_scope": "ho"}`), which the slot course_scope remembers.
MBO_MAX_RANK = nlqf_rank("3")
SCOPE_SLOT, SCOPE_HO = "course_scope", "ho"
# The DUO sources with mbo programmes and short courses (bot/catalog/duo/mbo.py, nfo.py).
SHORT_SOURCES = frozenset({"duo-mbo", "duo-nfo"})


def pressed_show_ho(tracker: Tracker) -> bool:
    """This message is the button "Toch hbo tonen"."""
    return any(
        e.get("entity") == SCOPE_SLOT and e.get("value") == SCOPE_HO
        for e in tracker.latest_message.get("entities") or []
    )


def shown_worthy(result: SearchResult, intent: str | None) -> bool:
    """Hits worth a list: any, and for a typed topic, one that matched the subject."""
    return bool(result.hits) and (intent not in TOPIC_INTENTS or has_subject(result))


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
    def wants_ho(tracker: Tracker) -> bool:
        """The person pressed "Toch hbo tonen" now, or earlier in this conversation."""
        return tracker.get_slot(SCOPE_SLOT) == SCOPE_HO or pressed_show_ho(tracker)

    @staticmethod
    async def mbo_missing() -> bool:
        """No mbo programmes and no short courses in the catalog (before an update has run)."""
        try:
            loaded = await call_store(common.catalog().loaded_sources)
        except StoreUnavailable:
            return False
        return not loaded & SHORT_SOURCES

    async def note_missing_mbo(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Someone at mbo level who chose to see hbo anyway hears again where mbo is."""
        rank = profile_from(tracker).level_rank
        if rank is not None and rank <= MBO_MAX_RANK and await self.mbo_missing():
            dispatcher.utter_message(response="utter_no_mbo_yet")

    def fit_filters(self, tracker: Tracker) -> CourseFilters | None:
        """Up to mbo 3, only what the person can enter: mbo and short courses, not hbo or wo,
        unless they asked to see those anyway."""
        rank = profile_from(tracker).level_rank
        if rank is None or rank > MBO_MAX_RANK or self.wants_ho(tracker):
            return None
        return CourseFilters(higher_education=False)

    async def no_fit(
        self, dispatcher: CollectingDispatcher, result: SearchResult, intent: str | None
    ) -> bool:
        """Only hbo or wo matched: say so and point to the real routes instead of the list."""
        if not shown_worthy(result, intent):
            return False
        missing = await self.mbo_missing()
        dispatcher.utter_message(response="utter_only_ho" if missing else "utter_no_level_fit")
        return True

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        per_page = settings().results_per_page
        topic = tracker.get_slot("search_topic")
        offset = 0
        if intent in TOPIC_INTENTS:
            topic = tracker.latest_message.get("text")
        elif intent == "ask_more" and not pressed_show_ho(tracker):
            offset = int(tracker.get_slot("results_offset") or 0) + per_page
        remembered = [SlotSet(SCOPE_SLOT, SCOPE_HO)] if pressed_show_ho(tracker) else []
        profile = profile_from(tracker)
        fit = self.fit_filters(tracker)
        search = common.catalog().search
        try:
            result = await call_store(search, profile, topic, offset, per_page, fit)
            if fit is not None and offset == 0 and not shown_worthy(result, intent):
                wider = await call_store(search, profile, topic, 0, per_page)
                if await self.no_fit(dispatcher, wider, intent):
                    return [SlotSet("search_topic", topic), SlotSet("results_offset", 0)]
                result = result if result.hits else wider
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
            return [*remembered, SlotSet("search_topic", topic), SlotSet("results_offset", offset)]
        if offset == 0:
            if fit is None:
                await self.note_missing_mbo(dispatcher, tracker)
            dispatcher.utter_message(response="utter_results_intro", count=len(result.hits))
        else:
            dispatcher.utter_message(response="utter_results_more_intro", count=len(result.hits))
        for hit in result.hits:
            dispatcher.utter_message(response="utter_course_result", **course_values(domain, hit))
        return [
            *remembered,
            SlotSet("search_topic", topic),
            SlotSet("results_offset", offset),
            SlotSet("last_results", [h.course.id for h in result.hits]),
        ]
