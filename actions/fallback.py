"""Two-step fallback: first 'Bedoel je ...?' with the likeliest meanings, then an adviser.

Garbled typing that keeps coming counts as a sign that reading is hard (bot.nlp.signals).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import render
from bot.nlp.signals import count_reading_signals, intent_of

SUGGESTIBLE = {
    "start_profile", "search_courses", "ask_schemes", "ask_scheme", "ask_why_not", "request_human",
    "ask_more", "change_answer", "start_over", "stop", "ask_privacy", "bot_challenge",
    "ask_course_info", "ask_evc", "ask_basic_skills", "ask_capabilities", "unsure",
    "ask_other_work", "mention_job_loss",
    "ask_employer_duty", "ask_study_costs", "ask_learning_budget", "ask_tax", "ask_loan_interest",
    "ask_study_on_benefit", "ask_nlqf", "express_career_doubt",
}  # fmt: skip


def misses_in_a_row(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if intent_of(event) != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleFallback(Action):
    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if count_reading_signals(tracker.events) >= 2:
            # Garbled or very short typing, more than once: reading may be hard; offer a person.
            dispatcher.utter_message(response="utter_offer_human_reading")
            return []
        if misses_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        buttons, seen = [], set()
        for item in ranking:
            name = item.get("name")
            title = render(domain, f"utter_intent_label_{name}") if name in SUGGESTIBLE else ""
            if title and title not in seen:
                buttons.append({"title": title, "payload": f"/{name}"})
                seen.add(title)
            if len(buttons) == 2:
                break
        if not buttons:
            dispatcher.utter_message(response="utter_rephrase_hint")
            return []
        buttons.append(
            {"title": render(domain, "utter_intent_label_other"), "payload": "/dont_know"}
        )
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []
