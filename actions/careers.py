"""Work to work: the person's occupation, other work that fits, and what it takes to get there.

"Wat kan ik nog meer?" finds the person's occupation (from their words, or the profile) or asks
for it (occupation_form), then shows other work that fits with the reason in words. Picking
one shows what is left to learn, courses from the catalog for it, and (by rule) the schemes
that can pay, EVC and an adviser. In the middle of the profile questions it is a digression:
the questions go on afterwards.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import (
    StoreUnavailable,
    call_store,
    dutch_date,
    profile_from,
    render,
    settings,
)
from actions.courses import ORDINALS
from actions.profile import clauses
from actions.search import ActionSearchCourses, course_values
from bot.careers.data import Occupation
from bot.careers.demand import Fact
from bot.careers.match import Suggestion
from bot.careers.recognise import MAX_CHOICES, Recognised
from bot.careers.service import Careers, default_careers
from bot.catalog.profile import UNKNOWN
from bot.nlp.lexicon import normalize

MAX_MISSES = 2  # "Dat werk ken ik niet" once; the second time the form gives up
MAX_LIST = 10  # rows in a WhatsApp list
WORK_SLOTS = ("work_options", "work_offset")


def careers() -> Careers:
    return default_careers()


def own_words(text: str | None) -> str:
    """The parts of a message about the person's own work: not a button payload, and not
    a clause that wishes for other work ("ik ben kok maar wil buschauffeur worden")."""
    if not text or text.startswith("/"):
        return ""
    return " ".join(part for part, wished in clauses(text) if not wished)


def choice_buttons(options: list[tuple[str, str]]) -> list[dict[str, str]]:
    """(title, payload) pairs as buttons, at most a WhatsApp list's ten. Titles stay whole:
    the widget shows them all, the WhatsApp channel shortens them to its limits itself
    (a list row keeps the whole name in its description)."""
    return [{"title": title, "payload": payload} for title, payload in options[:MAX_LIST]]


def published(domain: DomainDict, fact: Fact) -> str:
    """The fact's date as the bot writes dates ('18 december 2025'); a source that gives
    only the month, with the month ('september 2023')."""
    if fact.has_day:
        return dutch_date(domain, fact.published_on)
    return f"{render(domain, f'utter_month_{fact.month}')} {fact.year}"


def fact_text(domain: DomainDict, fact: Fact) -> str:
    return render(
        domain,
        f"utter_demand_{fact.kind}",
        date=published(domain, fact),
        group=fact.group,
        until=fact.until or "",
        to=fact.to or "",
    )


def demand_lines(domain: DomainDict, occupation: Occupation, switches: bool = False) -> str:
    """UWV's facts about the occupation's group, each on a new line; "" where there are none.
    `switches`: only the facts on where people from this work went; else all other facts."""
    facts = [f for f in careers().facts(occupation) if (f.kind == "switches") == switches]
    return "".join("\n" + fact_text(domain, f) for f in facts)


def listed(labels: tuple[str, ...]) -> str:
    """Skill groups as a short list, one per line: easier to read on a phone than a sentence."""
    return "\n".join(f"- {label}" for label in labels)


def suggestion_message(domain: DomainDict, s: Suggestion) -> dict[str, Any]:
    values = {
        "title": s.occupation.title,
        "can": listed(s.can),
        "learn": listed(s.learn),
        "demand": demand_lines(domain, s.occupation),
    }
    if not s.can:
        return {"response": "utter_work_suggestion_new", **values}
    if not s.learn:
        return {"response": "utter_work_suggestion_complete", **values}
    return {"response": "utter_work_suggestion", **values}


def profile_slots(occupation: Occupation) -> dict[str, Any]:
    """The profile's sector and occupation for an ESCO occupation the lexicon knows, so the
    summary, the adviser and the console name the same work."""
    entry = careers().lexicon_entry(occupation)
    if entry is None:
        return {}
    return {"occupation": entry.id, "sector": entry.data.get("sector") or "other"}


def chose(recognised: Recognised, tracker: Tracker) -> dict[str, Any]:
    """Slots for a recognised occupation: the one, or the few to choose from."""
    if recognised.occupation is not None:
        occupation = recognised.occupation
        found: dict[str, Any] = {"current_occupation": occupation.id, "occupation_choices": None}
        if occupation.id != tracker.get_slot("current_occupation"):
            found.update(dict.fromkeys(WORK_SLOTS))
        return {**found, **profile_slots(occupation)}
    return {
        "current_occupation": None,
        "occupation_choices": [o.id for o in recognised.choices[:MAX_CHOICES]],
    }


class ActionFindOccupation(Action):
    """Before the occupation form: the work named in this message, else the one known, else
    the profile's occupation through the lexicon link. The form asks only when none is found."""

    def name(self) -> str:
        return "action_find_occupation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        found: dict[str, Any] = {
            "resume_profile": tracker.active_loop_name == "profile_form",
            "occupation_misses": 0,
            "occupation_choices": None,
        }
        c = careers()
        named = own_words((tracker.latest_message or {}).get("text"))
        recognised = c.recognise(named) if named else Recognised(None)
        current = c.occupation(tracker.get_slot("current_occupation"))
        if recognised.found:
            found.update(chose(recognised, tracker))
        elif current is not None:
            pass
        else:
            found.update(chose(c.from_lexicon(tracker.get_slot("occupation")), tracker))
        return [SlotSet(name, value) for name, value in found.items()]


class ValidateOccupationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_occupation_form"

    def validate_current_occupation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in (None, ""):
            # Cleared before the form asks (action_find_occupation): nothing was answered yet.
            return {"current_occupation": None}
        if value == UNKNOWN:
            return {"current_occupation": UNKNOWN, "occupation_choices": None}
        c = careers()
        known = c.occupation(str(value))
        if known is not None:
            return {"occupation_misses": 0, **chose(Recognised(known), tracker)}
        named = own_words(str(value))
        recognised = c.recognise(named) if named else Recognised(None)
        if recognised.found:
            return {"occupation_misses": 0, **chose(recognised, tracker)}
        misses = int(tracker.get_slot("occupation_misses") or 0) + 1
        return {
            "current_occupation": UNKNOWN if misses >= MAX_MISSES else None,
            "occupation_misses": misses,
            "occupation_choices": None,
        }


class ActionAskCurrentOccupation(Action):
    """The occupation form's question: open, or with up to three occupations to pick from."""

    def name(self) -> str:
        return "action_ask_current_occupation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        c = careers()
        choices = [o for o in map(c.occupation, tracker.get_slot("occupation_choices") or []) if o]
        if choices:
            options = [
                (o.title, f'/inform{{"current_occupation": "{o.id}"}}')
                for o in choices[:MAX_CHOICES]
            ]
            dispatcher.utter_message(
                response="utter_ask_occupation_choice", buttons=choice_buttons(options)
            )
        elif tracker.get_slot("occupation_misses"):
            dispatcher.utter_message(response="utter_occupation_not_found")
        else:
            dispatcher.utter_message(response="utter_ask_current_occupation")
        return []


class ActionSuggestWork(Action):
    """Other work that fits the person's occupation, a few at a time, with buttons to pick one."""

    def name(self) -> str:
        return "action_suggest_work"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = self.suggest(dispatcher, tracker, domain)
        if tracker.get_slot("resume_profile"):
            # Asked in the middle of the profile questions: they go on from where they were.
            events += [SlotSet("resume_profile", False), FollowupAction("profile_form")]
        return events

    def suggest(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        c = careers()
        person = c.occupation(tracker.get_slot("current_occupation"))
        if person is None:
            dispatcher.utter_message(response="utter_occupation_unknown")
            return [SlotSet("current_occupation", None)]
        per_page = settings().results_per_page
        offset = 0
        shown_before = tracker.get_slot("work_offset")
        if shown_before is not None and asked_again(tracker):
            offset = int(shown_before) + per_page  # "wat kan ik nog meer?" again: the next few
        nlqf = profile_from(tracker).nlqf
        # One more than shown, to know whether "Meer ander werk" has anything to show.
        suggestions = c.suggest(person, nlqf, offset=offset, limit=per_page + 1)
        more = len(suggestions) > per_page
        suggestions = suggestions[:per_page]
        if not suggestions:
            dispatcher.utter_message(
                response="utter_no_more_work" if offset else "utter_no_work_found",
                occupation=person.label,
            )
            return [SlotSet("work_offset", None)]
        dispatcher.utter_message(
            response="utter_work_intro",
            occupation=person.label,
            attribution=c.attribution,
            switches=demand_lines(domain, person, switches=True),
        )
        for suggestion in suggestions:
            dispatcher.utter_message(**suggestion_message(domain, suggestion))
        options = [
            (s.occupation.title, f'/choose_work{{"work_option": "{s.occupation.id}"}}')
            for s in suggestions
        ]
        if more:
            options.append((render(domain, "utter_label_more_work"), "/ask_other_work"))
        options.append((render(domain, "utter_label_adviser"), "/request_human"))
        dispatcher.utter_message(response="utter_work_pick", buttons=choice_buttons(options))
        return [
            SlotSet("work_options", [s.occupation.id for s in suggestions]),
            SlotSet("work_offset", offset),
        ]


def asked_again(tracker: Tracker) -> bool:
    """True when the person asks for other work right after the bot showed some."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if intent != "ask_other_work":
        return False
    seen_user = False
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == "action_suggest_work"
    return False


def chosen_work(tracker: Tracker) -> Occupation | None:
    """The work the person picked: a button, "de tweede", a name from the list, or any
    occupation they name."""
    c = careers()
    latest = tracker.latest_message or {}
    for entity in latest.get("entities") or []:
        if entity.get("entity") == "work_option":
            found = c.occupation(str(entity.get("value")))
            if found:
                return found
    options = [o for o in map(c.occupation, tracker.get_slot("work_options") or []) if o]
    text = latest.get("text") or ""
    if not text or text.startswith("/"):
        return None
    norm = f" {normalize(text)} "
    for word, position in ORDINALS.items():
        if f" {word} " in norm and position < len(options):
            return options[position]
    words = set(norm.split())
    for option in options:
        if set(normalize(option.label).split()) <= words:
            return option
    recognised = c.recognise(text)
    return recognised.occupation


class ActionExplainWork(Action):
    """One kind of work: what the person can already do, what is left to learn, UWV's facts,
    and courses from the catalog for it. The rule then shows the schemes, EVC and an adviser."""

    def name(self) -> str:
        return "action_explain_work"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        c = careers()
        target = chosen_work(tracker)
        if target is None:
            dispatcher.utter_message(response="utter_which_work")
            return []
        person = c.occupation(tracker.get_slot("current_occupation"))
        learn: tuple[str, ...] = ()
        if person is not None:
            explained = c.explain(person, target)
            learn = explained.learn
            dispatcher.utter_message(**suggestion_message(domain, explained))
        else:
            dispatcher.utter_message(
                response="utter_work_about",
                title=target.title,
                needs=listed(c.needs(target)),
                demand=demand_lines(domain, target),
            )
        viewed = list(tracker.get_slot("work_viewed") or [])
        events: list[EventType] = [
            SlotSet("work_viewed", [*[v for v in viewed if v != target.id], target.id][-10:])
        ]
        try:
            topic, hits = await self.courses(tracker, target, learn)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return events
        if not hits:
            dispatcher.utter_message(response="utter_work_no_courses", title=target.label)
            return events
        dispatcher.utter_message(response="utter_work_courses_intro", title=target.label)
        for hit in hits:
            dispatcher.utter_message(response="utter_course_result", **course_values(domain, hit))
        return [
            *events,
            SlotSet("search_topic", topic),
            SlotSet("results_offset", 0),
            SlotSet("last_results", [h.course.id for h in hits]),
        ]

    async def courses(
        self, tracker: Tracker, target: Occupation, learn: tuple[str, ...]
    ) -> tuple[str | None, list]:
        """Courses for the work, from the catalog's search: its name, its other names, then
        what is left to learn; the first topic with results counts."""
        profile = dataclasses.replace(profile_from(tracker), goal="switch")
        filters = ActionSearchCourses().fit_filters(tracker)  # up to mbo 3: no hbo or wo list
        for topic in course_topics(target, learn):
            result = await call_store(
                common.catalog().search, profile, topic, 0, settings().results_per_page, filters
            )
            if result.hits:
                return topic, result.hits
        return None, []


def course_topics(target: Occupation, learn: tuple[str, ...]) -> list[str]:
    """What to search the catalog for, in order: the work's name, two other names, and the
    skill groups left to learn."""
    names = [target.label, *target.alt[:2]]
    topics = list(dict.fromkeys(n for n in names if n))
    if learn:
        topics.append(" ".join(learn))
    return topics
