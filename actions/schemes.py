"""Schemes: which ones may pay for this person, answers about one named scheme, and why not."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import (
    call_store,
    lexicon,
    profile_from,
    render,
    render_reason,
)
from bot.catalog.eligibility import NO, Reason, main_reason
from bot.catalog.models import Scheme
from bot.errors import StoreUnavailable

MAX_SCHEMES = 3
ASKING_INTENTS = {"ask_scheme", "ask_why_not"}


def scheme_ids_in(entities: list[dict] | None, text: str | None = None) -> list[str]:
    """Scheme ids named by `scheme` entities, or else anywhere in the text."""
    lex = lexicon()
    ids: list[str] = []
    for entity in entities or []:
        if entity.get("entity") != "scheme":
            continue
        value = str(entity.get("value") or "")
        entry = lex.get("scheme", value) or lex.find("scheme", value)
        if entry and entry.id not in ids:
            ids.append(entry.id)
    if not ids and text:
        entry = lex.find("scheme", text)
        if entry:
            ids.append(entry.id)
    return ids


def asked_schemes(tracker: Tracker) -> tuple[str, ...]:
    """The schemes named in this message or else in the last message that named one."""
    latest = tracker.latest_message or {}
    ids = scheme_ids_in(latest.get("entities"), latest.get("text"))
    if ids:
        return tuple(ids)
    for event in reversed(tracker.events or []):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name")
        text = event.get("text") if intent in ASKING_INTENTS else None
        ids = scheme_ids_in(parse.get("entities"), text)
        if ids:
            return tuple(ids)
    return ()


def uncertain_note(domain: DomainDict, scheme: Scheme) -> str:
    if not scheme.uncertain:
        return ""
    return render(domain, "utter_scheme_note_uncertain", uncertain=scheme.uncertain)


def scheme_reason(domain: DomainDict, reasons: tuple[Reason, ...], main: Reason) -> str:
    chosen = [main] + [r for r in reasons if r.code == "via_employer" and r is not main]
    return " ".join(t for t in (render_reason(domain, r.code, r.values) for r in chosen) if t)


class ActionMatchSchemes(Action):
    def name(self) -> str:
        return "action_match_schemes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            matches = await call_store(common.catalog().match_schemes, profile_from(tracker))
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if not matches:
            dispatcher.utter_message(response="utter_no_schemes")
            return []
        dispatcher.utter_message(response="utter_schemes_intro")
        for scheme, verdict in matches[:MAX_SCHEMES]:
            note = uncertain_note(domain, scheme)
            dispatcher.utter_message(
                response="utter_scheme_result",
                name=scheme.name,
                runner=scheme.runner,
                explanation=scheme.explanation_b1,
                reason=scheme_reason(domain, verdict.reasons, main_reason(verdict)),
                how_to_apply=scheme.how_to_apply or "",
                note=note,
            )
        return []


class ActionExplainScheme(Action):
    """Answers from the catalog record, never from copied text; ended schemes say so."""

    def name(self) -> str:
        return "action_explain_scheme"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        ids = scheme_ids_in(latest.get("entities"), latest.get("text"))
        scheme_id = ids[-1] if ids else None
        if scheme_id is None:
            dispatcher.utter_message(response="utter_which_scheme")
            return []
        try:
            scheme = await call_store(common.catalog().scheme, scheme_id)
            alternatives = []
            if scheme is not None and scheme.is_ended(dt.date.today()):
                for alt_id in scheme.replaced_by or []:
                    alt = await call_store(common.catalog().scheme, alt_id)
                    if alt is not None and not alt.is_ended(dt.date.today()):
                        alternatives.append(alt.name)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if scheme is None:
            dispatcher.utter_message(response="utter_which_scheme")
            return []
        note = uncertain_note(domain, scheme)
        if scheme.is_ended(dt.date.today()):
            dispatcher.utter_message(
                response="utter_scheme_ended",
                name=scheme.name,
                ended_note=scheme.ended_note or "",
                alternatives=", ".join(alternatives) or render(domain, "utter_default_alternative"),
                note=note,
            )
            return []
        dispatcher.utter_message(
            response="utter_scheme_info",
            name=scheme.name,
            runner=scheme.runner,
            explanation=scheme.explanation_b1,
            amount=scheme.amount or "",
            how_to_apply=scheme.how_to_apply or "",
            source=(scheme.sources or [""])[0],
            last_verified=common.dutch_date(domain, scheme.last_verified),
            note=note,
        )
        return []


class ActionExplainWhyNot(Action):
    """Answers "waarom kom ik niet in aanmerking?" from the eligibility reasons.

    The schemes named now or earlier are explained; else the main ones that do not fit.
    A worker also hears about the employer route, with a short script for that talk.
    """

    def name(self) -> str:
        return "action_explain_why_not"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            answer, schemes = await call_store(
                common.catalog().why_not, profile_from(tracker), asked_schemes(tracker)
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if not answer.items:
            dispatcher.utter_message(response="utter_why_not_none")
        else:
            dispatcher.utter_message(response="utter_why_not_intro")
        for item in answer.items:
            scheme = schemes[item.scheme_id]
            if scheme.is_ended(dt.date.today()) and scheme.ended_note:
                reasons = scheme.ended_note
            else:
                reasons = " ".join(
                    t for t in (render_reason(domain, r.code, r.values) for r in item.reasons) if t
                )
            dispatcher.utter_message(
                response="utter_why_not_item",
                name=scheme.name,
                verdict=render(domain, f"utter_why_not_verdict_{item.verdict}"),
                reasons=reasons,
                note=uncertain_note(domain, scheme) if item.verdict != NO else "",
            )
        if answer.employer_route:
            names = [schemes[i].name for i in answer.employer_schemes]
            if names:
                dispatcher.utter_message(
                    response="utter_why_not_employer", schemes=", ".join(names)
                )
            dispatcher.utter_message(response="utter_employer_script")
        return []


class ActionExplainBasicSkills(Action):
    """Reading, writing, numbers or computer skills: the free route from the Taalhuis record."""

    SCHEME_ID = "taalhuis"

    def name(self) -> str:
        return "action_explain_basic_skills"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_basic_skills_intro")
        try:
            scheme = await call_store(common.catalog().scheme, self.SCHEME_ID)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if scheme is None or scheme.is_ended(dt.date.today()):
            return []
        dispatcher.utter_message(
            response="utter_scheme_short",
            name=scheme.name,
            explanation=scheme.explanation_b1,
            amount=scheme.amount or "",
            how_to_apply=scheme.how_to_apply or "",
        )
        return []
