"""The profile form: validating free-text and button answers, the summary, changing answers."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import lexicon, render
from bot.catalog.profile import UNKNOWN
from bot.nlp.lexicon import Entry, words_pattern
from bot.nlp.parse import AGE_GROUPS, parse_age, parse_postcode

FORM_SLOTS = ("work_situation", "sector", "education_level", "age", "region", "goal")
# Which slots belong to each question, so changing an answer clears all of them.
FIELD_SLOTS = {
    "work_situation": ("work_situation",),
    "sector": ("sector", "occupation"),
    "education_level": ("education_level", "education_name"),
    "age": ("age",),
    "region": ("region", "province", "place", "region_lat", "region_lon"),
    "goal": ("goal",),
}
MAX_FREE_TEXT_WORDS = 8
# Messages in which a named sector or occupation is the person's own work. In a question
# ("kan ik geld krijgen bij de gemeente?") or a message the bot did not understand, a sector
# word is about something else and must not change the profile.
SELF_DESCRIBING_INTENTS = frozenset({"inform", "start_profile", "change_answer", "search_courses"})
# "Ik werk in de bouw, maar ik wil de zorg in": the work someone wishes for is not their
# sector. A message is cut into clauses; a clause with a wish word names wished work,
# unless it says the person wants to leave or keep their work ("ik wil weg uit de zorg").
# The words are in data/lexicon/words.yml.
CLAUSE_BREAK = re.compile(r"[,.;:!?]|" + words_pattern("clause_breaks").pattern)
WISH_WORDS = words_pattern("wish_words")
KEEP_OR_LEAVE_WORDS = words_pattern("keep_or_leave_words")


def _is_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    lex = lexicon()
    return isinstance(value, str) and (lex.is_dont_know(value) or lex.is_skip(value))


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def shadowed(tracker: Tracker, entity: str) -> bool:
    """True when `entity` was found inside the span of another entity of the same message.

    "geen diploma" holds an education level; the model may also read "diploma" as a goal.
    The longer or rule-based entity wins (the lexicon is surer than the model on the same
    words), so the goal question is still asked.
    """
    entities = tracker.latest_message.get("entities") or []
    mine = [e for e in entities if e.get("entity") == entity and "start" in e]
    others = [e for e in entities if e.get("entity") != entity and "start" in e]

    def wins(other: dict, me: dict) -> bool:
        covers = other["start"] <= me["start"] and me["end"] <= other["end"]
        longer = (other["end"] - other["start"]) > (me["end"] - me["start"])
        rule_based = other.get("extractor") == "SpacyEntityExtractor"
        return covers and (longer or rule_based)

    return any(wins(o, m) for m in mine for o in others)


def clauses(text: str) -> list[tuple[str, bool]]:
    """The message's clauses, each with whether it names wished work."""
    parts = [p.strip() for p in CLAUSE_BREAK.split(text.lower()) if p and p.strip()]
    return [
        (part, bool(WISH_WORDS.search(part)) and not KEEP_OR_LEAVE_WORDS.search(part))
        for part in parts
    ]


def work_entry(text: str, fuzzy: bool = True) -> Entry | None:
    """The occupation named in `text`, else the sector, from the lexicon."""
    lex = lexicon()
    return lex.find("occupation", text, fuzzy=fuzzy) or lex.find("sector", text, fuzzy=fuzzy)


def work_named(text: str) -> tuple[str, str | None] | None:
    """(sector, occupation) of the work named in `text`."""
    entry = work_entry(text)
    if entry is None:
        return None
    if entry.kind == "occupation":
        return entry.data.get("sector"), entry.id
    return entry.id, None


def wished_work(text: str) -> str | None:
    """The Dutch label of the work a message wishes for, if it names one in a wish clause."""
    if not text or text.startswith("/"):
        return None
    for clause, wish in clauses(text):
        entry = work_entry(clause, fuzzy=False) if wish else None
        if entry:
            return entry.label
    return None


def wished_in_conversation(tracker: Tracker) -> str | None:
    """The latest wished work the person named since the profile was (re)started."""
    for event in reversed(tracker.events):
        if event.get("event") in {"reset_slots", "restart", "session_started"}:
            return None
        if event.get("event") == "user":
            wish = wished_work(event.get("text") or "")
            if wish:
                return wish
    return None


class ProfileValidators:
    """validate_<slot> methods shared by the form and by validation outside the form."""

    def _reject(
        self, dispatcher: CollectingDispatcher, slot: str, tracker: Tracker
    ) -> dict[str, Any]:
        """An answer that does not fit: said so when it was this slot's question. A word picked
        up for another slot ("werk" read as a goal in "ik werk") is dropped without a word,
        and an earlier answer stays."""
        if tracker.get_slot("requested_slot") != slot:
            return {slot: previous_value(tracker, slot)}
        dispatcher.utter_message(response=f"utter_not_understood_{slot}")
        return {slot: None}

    def validate_work_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _is_unknown(value):
            return {"work_situation": UNKNOWN}
        if tracker.get_slot("requested_slot") != "work_situation" and shadowed(
            tracker, "work_situation"
        ):
            return {"work_situation": previous_value(tracker, "work_situation")}
        entry = lexicon().find("work_situation", str(value))
        if entry:
            return {"work_situation": entry.id}
        return self._reject(dispatcher, "work_situation", tracker)

    def validate_sector(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _is_unknown(value):
            return {"sector": UNKNOWN, "occupation": None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if tracker.get_slot("requested_slot") != "sector" and intent not in SELF_DESCRIBING_INTENTS:
            return {
                "sector": previous_value(tracker, "sector"),
                "occupation": previous_value(tracker, "occupation"),
            }
        message = tracker.latest_message.get("text") or ""
        wish = wished_work(message)
        if wish:
            work = " ".join(part for part, wished in clauses(message) if not wished)
            named = work_named(work) if work else None
            if named:
                return {"sector": named[0], "occupation": named[1]}
            if tracker.get_slot("requested_slot") == "sector":
                dispatcher.utter_message(response="utter_sector_wish_noted", wish=wish)
                return {"sector": None, "occupation": None}
            return {
                "sector": previous_value(tracker, "sector"),
                "occupation": previous_value(tracker, "occupation"),
            }
        text = str(value)
        lex = lexicon()
        if text in {"other", "anders", "iets anders"}:
            return {"sector": "other", "occupation": None}
        sector = lex.get("sector", text) or lex.lookup("sector", text)
        if sector:
            return {"sector": sector.id, "occupation": None}
        occupation = lex.get("occupation", text) or lex.find("occupation", text)
        if occupation:
            return {"sector": occupation.data.get("sector"), "occupation": occupation.id}
        sector = lex.find("sector", text)
        if sector:
            return {"sector": sector.id, "occupation": None}
        if (
            len(text.split()) <= MAX_FREE_TEXT_WORDS
            and tracker.get_slot("requested_slot") == "sector"
        ):
            # Work we have no word for is still an answer: search then ignores the sector.
            return {"sector": "other", "occupation": None}
        return self._reject(dispatcher, "sector", tracker)

    def validate_education_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _is_unknown(value):
            return {"education_level": UNKNOWN, "education_name": None}
        lex = lexicon()
        text = str(value)
        entry = lex.get("education_level", text) or lex.find("education_level", text)
        if entry is None and text.strip() in {
            e.data.get("nlqf") for e in lex.by_kind["education_level"]
        }:
            entry = next(
                e for e in lex.by_kind["education_level"] if e.data.get("nlqf") == text.strip()
            )
        if entry is None:
            return self._reject(dispatcher, "education_level", tracker)
        nlqf = str(entry.data.get("nlqf", UNKNOWN))
        return {"education_level": nlqf, "education_name": entry.id}

    def validate_age(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _is_unknown(value):
            return {"age": UNKNOWN}
        age = parse_age(str(value))
        if age is None:
            return self._reject(dispatcher, "age", tracker)
        return {"age": age}

    def validate_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        empty = {"province": None, "place": None, "region_lat": None, "region_lon": None}
        if _is_unknown(value):
            return {"region": UNKNOWN, **empty}
        lex = lexicon()
        text = str(value)
        postcode = parse_postcode(text)
        if postcode and not lex.find("place", text, fuzzy=False):
            province = lex.province_for_postcode(postcode)
            if province:
                area = lex.postcode_areas.get(postcode[:2], {})
                return {
                    "region": postcode,
                    "province": province.id,
                    "place": area.get("place"),
                    "region_lat": area.get("lat"),
                    "region_lon": area.get("lon"),
                }
        province = lex.lookup("province", text)
        place = None if province else (lex.get("place", text) or lex.find("place", text))
        if place:
            return {
                "region": place.label,
                "province": place.data.get("province"),
                "place": place.label,
                "region_lat": place.data.get("lat"),
                "region_lon": place.data.get("lon"),
            }
        province = province or lex.find("province", text)
        if province:
            return {"region": province.label, **empty, "province": province.id}
        return self._reject(dispatcher, "region", tracker)

    def validate_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _is_unknown(value):
            return {"goal": "unsure"}
        if tracker.get_slot("requested_slot") != "goal" and shadowed(tracker, "goal"):
            return {"goal": previous_value(tracker, "goal")}
        entry = lexicon().get("goal", str(value)) or lexicon().find("goal", str(value))
        if entry:
            return {"goal": entry.id}
        return self._reject(dispatcher, "goal", tracker)


class ValidateProfileForm(ProfileValidators, FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"


class ActionValidateSlotMappings(ProfileValidators, ValidationAction):
    """Validates profile slots set outside the form, e.g. a place named in a course search."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    def domain_slots(self, domain: DomainDict) -> list[str]:
        return list(FORM_SLOTS)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name:
            return []  # the form validates its own slots; validating twice would repeat messages
        quiet = CollectingDispatcher()  # outside the form a wrong guess is dropped silently
        return await super().run(quiet, tracker, domain)


def profile_labels(tracker: Tracker, domain: DomainDict) -> dict[str, str]:
    """Dutch labels for the summary, from the lexicon and the domain's copy."""
    lex = lexicon()
    unknown = render(domain, "utter_unknown_value")

    def label(kind: str, slot: str) -> str:
        value = tracker.get_slot(slot)
        if value in (None, UNKNOWN):
            return unknown
        return lex.label(kind, value, default=str(value))

    sector = label("sector", "sector")
    occupation = tracker.get_slot("occupation")
    if occupation:
        sector = f"{lex.label('occupation', occupation)} ({sector})"
    if tracker.get_slot("sector") == "other":
        sector = render(domain, "utter_label_other")
    education = label("education_level", "education_name")
    age = tracker.get_slot("age")
    if age in (None, UNKNOWN):
        age_label = unknown
    elif age in AGE_GROUPS:
        low, high = AGE_GROUPS[age]
        age_label = f"{low} - {high}" if high < 99 else f"{low}+"
    else:
        age_label = str(age)
    region = tracker.get_slot("region")
    return {
        "work_situation": label("work_situation", "work_situation"),
        "sector": sector,
        "education": education,
        "age": age_label,
        "region": unknown if region in (None, UNKNOWN) else str(region),
        "goal": label("goal", "goal"),
    }


class ActionShowSummary(Action):
    def name(self) -> str:
        return "action_show_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_profile_summary", **profile_labels(tracker, domain)
        )
        # Work the person wishes for ("ik wil de zorg in") is what the first search is about.
        return [
            SlotSet("results_offset", 0),
            SlotSet("search_topic", wished_in_conversation(tracker)),
        ]


class ActionChangeAnswer(Action):
    """Clears one answer so the form asks it again; without a choice it asks which one."""

    def name(self) -> str:
        return "action_change_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        field = next(tracker.get_latest_entity_values("profile_field"), None)
        if field not in FIELD_SLOTS:
            dispatcher.utter_message(response="utter_ask_which_answer")
            return [SlotSet("answer_reset", False)]
        events: list[EventType] = [SlotSet(slot, None) for slot in FIELD_SLOTS[field]]
        return [*events, SlotSet("requested_slot", None), SlotSet("answer_reset", True)]


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_start_over")
        return [AllSlotsReset()]
