"""Schemes: which ones may pay for this person, and answers about one named scheme."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import (
    StoreUnavailable,
    call_store,
    lexicon,
    profile_from,
    render,
    render_reason,
)
from bot.catalog.eligibility import Reason, main_reason

MAX_SCHEMES = 3


def dutch_date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


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
            note = ""
            if scheme.uncertain:
                note = render(domain, "utter_scheme_note_uncertain", uncertain=scheme.uncertain)
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
        lex = lexicon()
        scheme_id = None
        for value in tracker.get_latest_entity_values("scheme"):
            entry = lex.get("scheme", value) or lex.find("scheme", value)
            if entry:
                scheme_id = entry.id
        if scheme_id is None:
            entry = lex.find("scheme", tracker.latest_message.get("text") or "")
            scheme_id = entry.id if entry else None
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
        note = ""
        if scheme.uncertain:
            note = render(domain, "utter_scheme_note_uncertain", uncertain=scheme.uncertain)
        if scheme.is_ended(dt.date.today()):
            dispatcher.utter_message(
                response="utter_scheme_ended",
                name=scheme.name,
                ended_note=scheme.ended_note or "",
                alternatives=", ".join(alternatives) or render(domain, "utter_default_alternative"),
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
            last_verified=dutch_date(scheme.last_verified),
            note=note,
        )
        return []
