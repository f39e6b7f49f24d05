"""The WhatsApp webhook: signatures (known answers) and Meta's payload shapes as events."""

from __future__ import annotations

import json

import pytest
from whatsapp_fakes import APP_SECRET, PHONE, load, sign

from bot.whatsapp.webhook import parse, signature_for, verify_signature

# Known answer, computed outside Python with OpenSSL for this exact body and secret:
#   printf %s "$BODY" | openssl dgst -sha256 -hmac test-app-secret-3f9a
KNOWN_BODY = b'{"object":"whatsapp_business_account","entry":[]}'
KNOWN_SECRET = "test-app-secret-3f9a"
KNOWN_SIGNATURE = "sha256=804af96228a0b925f6f61c483ea572caee405f8a797097187569b8b6ba393c25"


def test_signature_matches_an_independent_computation() -> None:
    body = json.dumps(load("text.json")).encode()
    assert signature_for(APP_SECRET, body) == sign(body)
    assert verify_signature(APP_SECRET, body, sign(body))


def test_signature_known_answer() -> None:
    assert signature_for(KNOWN_SECRET, KNOWN_BODY) == KNOWN_SIGNATURE
    assert verify_signature(KNOWN_SECRET, KNOWN_BODY, KNOWN_SIGNATURE)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        KNOWN_SIGNATURE.removeprefix("sha256="),  # no prefix
        "sha1=" + KNOWN_SIGNATURE.removeprefix("sha256="),
        KNOWN_SIGNATURE[:-1] + "0",  # one hex digit off
        KNOWN_SIGNATURE.upper(),
        "sha256=ü",
    ],
)
def test_wrong_or_missing_signatures_are_refused(header: str | None) -> None:
    assert not verify_signature(KNOWN_SECRET, KNOWN_BODY, header)


def test_a_changed_body_or_another_secret_is_refused() -> None:
    assert not verify_signature(KNOWN_SECRET, KNOWN_BODY + b" ", KNOWN_SIGNATURE)
    assert not verify_signature("other-secret", KNOWN_BODY, KNOWN_SIGNATURE)


def test_no_secret_configured_refuses_everything() -> None:
    assert not verify_signature("", KNOWN_BODY, signature_for("", KNOWN_BODY))


def test_text_message() -> None:
    (message,) = parse(load("text.json")).messages
    assert message.kind == "text" and message.text == "Hallo, ik zoek een opleiding"
    assert message.wa_id == PHONE and message.sent_at == 1739321024
    assert message.message_id.startswith("wamid.")
    assert PHONE not in repr(message)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("button_reply.json", "/start_profile"),
        ("list_reply.json", '/inform{"sector": "zorg"}'),
        ("template_button.json", "/request_human"),
    ],
)
def test_replies_map_to_their_id_or_payload_not_the_title(name: str, payload: str) -> None:
    (message,) = parse(load(name)).messages
    assert message.kind == "payload"
    assert message.text == payload


@pytest.mark.parametrize(
    "name",
    [
        "image.json", "audio.json", "video.json", "document.json", "location.json",
        "sticker.json", "contacts.json", "reaction.json", "unsupported.json",
    ],
)  # fmt: skip
def test_everything_but_text_is_not_text(name: str) -> None:
    (message,) = parse(load(name)).messages
    assert message.kind == "not_text" and message.text is None
    assert message.wa_id == PHONE


def test_several_entries_changes_and_messages_in_one_post() -> None:
    notification = parse(load("batch.json"))
    ids = [m.message_id for m in notification.messages]
    assert ids == ["wamid.batch.A1", "wamid.batch.A2", "wamid.batch.B1", "wamid.batch.A3"]
    assert [m.kind for m in notification.messages] == ["text", "text", "text", "not_text"]
    assert notification.messages[2].wa_id == "31687654321"
    (status,) = notification.statuses
    assert (status.message_id, status.status) == ("wamid.out.1", "delivered")


def test_sender_known_only_by_business_scoped_user_id() -> None:
    (message,) = parse(load("bsuid_only.json")).messages
    assert message.wa_id is None
    assert message.user_id == "NL.1350412365485270"
    assert message.text == "Hoi, kun je me helpen?"


def test_failed_status_carries_the_error_code() -> None:
    (status,) = parse(load("status_failed_131047.json")).statuses
    assert status.status == "failed" and status.error_code == 131047
    assert status.error_title == "Re-engagement message"


def test_other_phone_numbers_and_other_objects_are_skipped() -> None:
    payload = load("text.json")
    assert parse(payload, "106540352242922").messages
    assert not parse(payload, "999").messages
    payload["object"] = "page"
    assert not parse(payload).messages


def test_system_messages_get_no_event() -> None:
    payload = load("text.json")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["type"] = "system"
    message["system"] = {"body": "User changed number", "type": "user_changed_number"}
    del message["text"]
    assert not parse(payload).messages


@pytest.mark.parametrize(
    "payload",
    [None, [], "x", {"object": "whatsapp_business_account", "entry": "x"},
     {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": None}]}]}],
)  # fmt: skip
def test_junk_never_raises(payload) -> None:
    assert not parse(payload).messages
