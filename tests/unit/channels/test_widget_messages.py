"""The widget's message shape, restored history, button titles kept by Rasa, signed sessions."""

from __future__ import annotations

from bot.channels.messages import bot_message, clean_metadata, history
from bot.channels.session import new_session_id, sign_session, verify_session

SECRET = "test-secret"


def test_a_bot_message_keeps_text_buttons_and_custom_payload() -> None:
    message = {
        "text": "Wat doe je nu?",
        "buttons": [{"title": "In loondienst", "payload": "/inform"}, {"title": "kapot"}],
        "custom": {"type": "course", "title": "Lassen"},
        "utter_action": "utter_ask_work_situation",
        "timestamp": 1.0,
    }
    assert bot_message(message) == {
        "sender": "bot",
        "text": "Wat doe je nu?",
        "buttons": [{"title": "In loondienst", "payload": "/inform"}],
        "custom": {"type": "course", "title": "Lassen"},
    }


def test_quick_replies_count_as_buttons_and_an_empty_message_is_dropped() -> None:
    message = {"text": "Kies", "quick_replies": [{"title": "Ja", "payload": "/affirm"}]}
    assert bot_message(message)["buttons"] == [{"title": "Ja", "payload": "/affirm"}]
    assert bot_message({"text": "", "buttons": None, "custom": None}) is None


def test_an_advisers_message_is_marked_with_the_name() -> None:
    message = {"text": "Hoi, ik ben Sanne.", "sender": "adviseur", "sender_name": "  Sanne  "}
    assert bot_message(message) == {
        "sender": "adviseur",
        "text": "Hoi, ik ben Sanne.",
        "name": "Sanne",
    }
    assert bot_message({"text": "Hoi", "sender": "adviseur"}) == {
        "sender": "adviseur",
        "text": "Hoi",
    }
    # Only the agreed value marks a person; anything else stays a bot message.
    assert bot_message({"text": "Hoi", "sender": "admin"})["sender"] == "bot"


def test_history_holds_what_the_person_saw_in_order() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "user", "text": "/greet", "metadata": {}},
        {
            "event": "bot",
            "text": "Hoi! Ik ben Overstap.",
            "data": {"buttons": [{"title": "Ja, we beginnen", "payload": "/start_profile"}]},
            "metadata": {"utter_action": "utter_greet"},
        },
        {"event": "user", "text": "/start_profile", "metadata": {"shown": "Ja, we beginnen"}},
        {"event": "slot", "name": "requested_slot", "value": "work_situation"},
        {"event": "user", "text": "ik ben lasser [telefoon]", "metadata": {}},
        {
            "event": "bot",
            "text": "Ik kijk even mee.",
            "data": {"buttons": None, "custom": None},
            "metadata": {"sender": "adviseur", "sender_name": "Sanne"},
        },
        {"event": "bot", "text": None, "data": {}, "metadata": {}},
    ]
    assert history(events) == [
        {
            "sender": "bot",
            "text": "Hoi! Ik ben Overstap.",
            "buttons": [{"title": "Ja, we beginnen", "payload": "/start_profile"}],
        },
        {"sender": "user", "text": "Ja, we beginnen"},
        {"sender": "user", "text": "ik ben lasser [telefoon]"},
        {"sender": "adviseur", "text": "Ik kijk even mee.", "name": "Sanne"},
    ]


def test_only_a_redacted_button_title_is_kept_from_the_metadata() -> None:
    assert clean_metadata({"shown": "Ja", "other": "x"}) == {"shown": "Ja"}
    assert clean_metadata('{"shown": "bel 06-12345678"}') == {"shown": "bel [telefoon]"}
    assert clean_metadata({"shown": 5}) == {}
    assert clean_metadata("geen json") == {}
    assert clean_metadata(None) == {}


def test_a_session_token_is_only_valid_as_issued() -> None:
    session_id = new_session_id()
    token = sign_session(session_id, SECRET)
    assert verify_session(token, SECRET) == session_id
    assert verify_session(token, "other-secret") is None
    assert verify_session(session_id, SECRET) is None
    assert verify_session(session_id + ".0123456789abcdef0123456789abcdef", SECRET) is None
    assert verify_session("my-own-id", SECRET) is None
    assert verify_session(None, SECRET) is None
    assert verify_session(token, "") is None
