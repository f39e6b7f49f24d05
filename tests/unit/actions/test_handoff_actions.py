"""Handoff triggers and call-backs in the actions, with a real Tracker and the seeded catalog."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from test_actions import DOMAIN, PROFILE, responses

import actions.common as common
from actions.callback import (
    ActionOfferCallback,
    ActionSaveCallback,
    ValidateCallbackForm,
)
from actions.fallback import ActionHandleFallback
from actions.handoff import CALLBACK_SLOTS, ActionHandleReadingTrouble, ActionRequestHandoff
from bot.handoff import contact, summary
from bot.handoff.store import HandoffStore
from bot.office_hours import OfficeHours
from bot.settings import Settings

SECRET = "test secret for sealing contact details"
ALWAYS_OPEN = "ma-zo 00:00-23:59"


def user(text: str, intent: str, entities: list | None = None, **extra) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": entities or []},
        **extra,
    }


@pytest.fixture(autouse=True)
def use_catalog(monkeypatch, catalog, tmp_path):
    monkeypatch.setattr(common, "catalog", lambda: catalog)
    monkeypatch.setattr(common, "handoff", lambda: HandoffStore(catalog.sessions))
    set_hours(monkeypatch, tmp_path, ALWAYS_OPEN)


def set_hours(monkeypatch, tmp_path, hours: str) -> None:
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
            "OVERSTAP_OFFICE_HOURS": hours,
            "OVERSTAP_OFFICE_HOLIDAYS": "nee",  # always open, also when tests run on a holiday
            "OVERSTAP_SECRET_KEY": SECRET,
        }
    )
    monkeypatch.setattr(common, "settings", lambda: settings)


def tracker(
    sender: str,
    events: list[dict],
    slots: dict | None = None,
    metadata: dict | None = None,
    channel: str = "socketio",
) -> Tracker:
    latest = dict(events[-1]["parse_data"]) if events else {}
    latest["text"] = events[-1]["text"] if events else ""
    latest["metadata"] = metadata or {}
    for event in events:
        event.setdefault("input_channel", channel)
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def requests_of(catalog, sender: str) -> list:
    return [
        h
        for h in HandoffStore(catalog.sessions).list_requests(limit=10_000)
        if h.conversation_id == sender
    ]


def latest_request(catalog, sender: str):
    return requests_of(catalog, sender)[-1]


def callbacks_of(catalog, sender: str) -> list:
    return [
        c for c in HandoffStore(catalog.sessions).callbacks(None) if c.conversation_id == sender
    ]


def test_asked_inside_office_hours_is_queued_with_a_summary(catalog) -> None:
    events = [
        user("hoe zit het met mijn studieschuld", "out_of_scope"),
        user("ik wil een mens", "request_human"),
    ]
    messages, result = run(ActionRequestHandoff(), tracker("queued", events, PROFILE))
    assert responses(messages) == ["utter_handoff_queued"]
    request = latest_request(catalog, "queued")
    assert request.status == "open"
    assert request.reason == "asked"
    assert request.open_question == "hoe zit het met mijn studieschuld"
    assert request.summary["profile"]["sector"] == "metaal"
    assert {"event": "slot", "name": "handoff_id", "value": str(request.id)} in [
        {k: e[k] for k in ("event", "name", "value")} for e in result
    ]
    # Asking again while waiting does not make a second request.
    messages, _ = run(ActionRequestHandoff(), tracker("queued", events, PROFILE))
    assert responses(messages) == ["utter_handoff_already_queued"]
    assert len(requests_of(catalog, "queued")) == 1


def test_outside_office_hours_offers_a_call_back_at_once(catalog, monkeypatch) -> None:
    monkeypatch.setattr(OfficeHours, "is_open", lambda self, when=None: False)
    events = [user("ik wil een mens", "request_human")]
    messages, result = run(ActionRequestHandoff(), tracker("closed", events))
    assert responses(messages) == ["utter_handoff_closed"]
    assert "maandag tot en met zondag" in messages[0]["office_hours"]
    assert result[-1] == {"event": "followup", "name": "callback_form", "timestamp": None}
    assert latest_request(catalog, "closed").status == "after_hours"


def test_phone_number_in_the_open_question_is_redacted(catalog) -> None:
    events = [
        user("bel me op 06 12345678 over mijn schulden", "mention_hard_topic"),
        user("/request_human", "request_human"),
    ]
    run(ActionRequestHandoff(), tracker("redacted", events))
    request = latest_request(catalog, "redacted")
    assert "12345678" not in request.open_question
    assert "[telefoon]" in request.open_question


@pytest.mark.parametrize(
    ("events", "reason", "topic"),
    [
        ([user("ik wil een mens", "request_human")], "asked", None),
        (
            [
                user("sdkfj", "nlu_fallback"),
                user("jjj", "nlu_fallback"),
                user("ja", "request_human"),
            ],
            "literacy",
            None,
        ),
        (
            [user("kun je bitcoin kopen", "nlu_fallback"), user("/request_human", "request_human")],
            "fallback",
            None,
        ),
        (
            [
                user(
                    "ik heb schulden",
                    "mention_hard_topic",
                    [{"entity": "hard_topic", "value": "debt"}],
                ),
                user("/request_human", "request_human"),
            ],
            "topic",
            "debt",
        ),
        (
            [user("ik snap het niet", "signal_reading_trouble"), user("mens", "request_human")],
            "literacy",
            None,
        ),
    ],
)
def test_reason_and_topic(events, reason, topic) -> None:
    assert summary.reason(events) == reason
    assert summary.topic(events) == topic


def test_the_time_out_event_is_not_the_persons_question() -> None:
    events = [
        user("ik zoek een cursus lassen", "search_courses"),
        user("EXTERNAL: request_callback", "request_callback", metadata={"is_external": True}),
    ]
    assert summary.open_question(events) == "ik zoek een cursus lassen"
    assert summary.build(events, {})["turns"] == 1


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("ik wil een adviseur spreken over mijn studieschuld", "ik wil een adviseur spreken over mijn studieschuld"),
        ("kan ik iemand bellen over de kosten van de opleiding?", "kan ik iemand bellen over de kosten van de opleiding?"),
        ("ik wil een mens spreken", "ik zoek een cursus lassen"),
        ("mag ik met een medewerker praten aub", "ik zoek een cursus lassen"),
        ("/request_human", "ik zoek een cursus lassen"),
    ],
)  # fmt: skip
def test_a_request_for_a_person_that_says_what_about_is_the_open_question(
    request_text: str, expected: str
) -> None:
    events = [
        user("ik zoek een cursus lassen", "search_courses"),
        user(request_text, "request_human"),
    ]
    assert summary.open_question(events) == expected


def test_reading_trouble_first_shorter_then_a_person() -> None:
    once = [user("ik snap het niet", "signal_reading_trouble")]
    messages, _ = run(ActionHandleReadingTrouble(), tracker("reading", once))
    assert responses(messages) == ["utter_reading_help"]
    twice = once + [user("te moeilijk", "signal_reading_trouble")]
    messages, _ = run(ActionHandleReadingTrouble(), tracker("reading", twice))
    assert responses(messages) == ["utter_offer_human_reading"]


def test_asking_for_voice_says_a_person_can_call() -> None:
    events = [
        user(
            "kan je het voorlezen",
            "signal_reading_trouble",
            [{"entity": "reading_signal", "value": "voice"}],
        )
    ]
    messages, _ = run(ActionHandleReadingTrouble(), tracker("voice", events))
    assert responses(messages) == ["utter_no_voice"]


def test_garbled_typing_twice_offers_a_person_in_the_fallback() -> None:
    events = [user("sdfgh", "nlu_fallback"), user("kkk jjj", "nlu_fallback")]
    messages, _ = run(ActionHandleFallback(), tracker("garbled", events))
    assert responses(messages) == ["utter_offer_human_reading"]


def test_time_out_says_so_before_the_consent_question() -> None:
    external = [
        user("EXTERNAL: request_callback", "request_callback", metadata={"is_external": True})
    ]
    messages, result = run(ActionOfferCallback(), tracker("late", external))
    assert responses(messages) == ["utter_handoff_timeout"]
    assert {e["name"] for e in result} == {
        "callback_consent",
        "callback_method",
        "callback_contact",
    }
    asked = [user("bel me terug", "request_callback")]
    messages, _ = run(ActionOfferCallback(), tracker("asked", asked))
    assert messages == []


def validate(slot: str, value, t: Tracker) -> tuple[list[dict], dict]:
    dispatcher = CollectingDispatcher()
    form = ValidateCallbackForm()
    result = getattr(form, f"validate_{slot}")(value, dispatcher, t, DOMAIN)
    return dispatcher.messages, result


def test_no_consent_means_nothing_more_is_asked() -> None:
    t = tracker("no", [user("/deny", "deny")], {"callback_consent": False})
    slots = asyncio.run(
        ValidateCallbackForm().required_slots(
            ["callback_consent", "callback_method", "callback_contact"],
            CollectingDispatcher(),
            t,
            DOMAIN,
        )
    )
    assert slots == ["callback_consent"]
    messages, _ = run(ActionSaveCallback(), t)
    assert responses(messages) == ["utter_callback_declined"]


def test_the_form_starting_after_the_reset_says_nothing_before_its_question() -> None:
    """After hours the form starts right after action_request_handoff reset the slots; rasa-sdk
    validates those None values, which must not give 'Dat snap ik niet' and the like."""
    t = tracker("reset", [user("/request_human", "request_human")])
    t.events += [
        {"event": "action", "name": "action_request_handoff"},
        {"event": "slot", "name": "handoff_id", "value": "3"},
        *({"event": "slot", "name": name, "value": None} for name in CALLBACK_SLOTS),
    ]
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCallbackForm().run(dispatcher, t, DOMAIN))
    assert dispatcher.messages == []
    assert {e["name"]: e["value"] for e in result if e["name"] in CALLBACK_SLOTS} == dict.fromkeys(
        CALLBACK_SLOTS
    )


def test_method_from_buttons_and_words() -> None:
    t = tracker("m", [user("bel maar", "inform")])
    assert validate("callback_method", "phone", t)[1] == {"callback_method": "phone"}
    assert validate("callback_method", "mail me maar", t)[1] == {"callback_method": "email"}
    assert validate("callback_method", "bel maar", t)[1] == {"callback_method": "phone"}
    messages, result = validate("callback_method", "weet ik niet", t)
    assert result == {"callback_method": None}
    assert responses(messages) == ["utter_callback_method_unknown"]


@pytest.mark.parametrize(
    ("typed", "redacted", "method"),
    [("0612345678", "[telefoon]", "phone"), ("jan@example.nl", "[e-mail]", "email")],
)
def test_a_contact_typed_at_the_method_question_answers_both(
    catalog, typed: str, redacted: str, method: str
) -> None:
    sealed = contact.seal(typed, SECRET)
    slots = {"callback_consent": True, "handoff_id": "7"}
    t = tracker("early", [user(redacted, "inform")], slots, {contact.METADATA_KEY: sealed})
    messages, result = validate("callback_method", redacted, t)
    assert messages == []
    assert result == {"callback_method": method, "callback_contact": redacted}
    t.slots.update(result)
    messages, _ = run(ActionSaveCallback(), t)
    assert responses(messages) == ["utter_callback_saved"]
    saved = callbacks_of(catalog, "early")[-1]
    assert saved.method == method and typed not in saved.contact_enc
    assert contact.unseal(saved.contact_enc, SECRET) == typed


def test_contact_comes_sealed_from_the_channel_and_is_stored_sealed(catalog) -> None:
    sealed = contact.seal("0612345678", SECRET)
    slots = {"callback_consent": True, "callback_method": "phone", "handoff_id": "7"}
    t = tracker("callback", [user("[telefoon]", "inform")], slots, {contact.METADATA_KEY: sealed})
    messages, result = validate("callback_contact", "[telefoon]", t)
    assert result == {"callback_contact": "[telefoon]"}  # never the number itself
    messages, _ = run(ActionSaveCallback(), t)
    assert responses(messages) == ["utter_callback_saved"]
    saved = callbacks_of(catalog, "callback")[-1]
    assert saved.method == "phone" and saved.handoff_id == 7
    assert "0612345678" not in saved.contact_enc
    assert contact.unseal(saved.contact_enc, SECRET) == "0612345678"


def test_a_typed_contact_without_a_sealed_value_is_asked_again() -> None:
    slots = {"callback_consent": True, "callback_method": "email"}
    forged = {contact.METADATA_KEY: contact.seal("a@b.nl", "another key")}
    t = tracker("bad", [user("[e-mail]", "inform")], slots, forged)
    messages, result = validate("callback_contact", "[e-mail]", t)
    assert result == {"callback_contact": None}
    assert responses(messages) == ["utter_callback_contact_invalid"]


def test_a_phone_where_an_email_was_asked_is_refused() -> None:
    slots = {"callback_consent": True, "callback_method": "email"}
    t = tracker(
        "mix",
        [user("[telefoon]", "inform")],
        slots,
        {contact.METADATA_KEY: contact.seal("0612345678", SECRET)},
    )
    assert validate("callback_contact", "[telefoon]", t)[1] == {"callback_contact": None}


def test_on_whatsapp_the_number_is_not_asked(catalog) -> None:
    slots = {"callback_consent": True, "callback_method": "phone"}
    t = tracker("wa-pseudonym", [user("/inform", "inform")], slots, channel="whatsapp")
    slots_needed = asyncio.run(
        ValidateCallbackForm().required_slots(
            ["callback_consent", "callback_method", "callback_contact"],
            CollectingDispatcher(),
            t,
            DOMAIN,
        )
    )
    assert slots_needed == ["callback_consent", "callback_method"]
    messages, _ = run(ActionSaveCallback(), t)
    assert responses(messages) == ["utter_callback_saved"]
    saved = callbacks_of(catalog, "wa-pseudonym")[-1]
    assert contact.unseal(saved.contact_enc, SECRET) == "whatsapp"
