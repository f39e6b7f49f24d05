"""The WhatsApp Cloud API webhook: signature check and the payload as plain events.

Shapes follow Meta's webhook reference for the `messages` field: a POST holds `entry[]`, each
with `changes[]`, each with a `value` that has `messages[]` (with `contacts[]`) and/or
`statuses[]`. Senders are named by `from`/`wa_id` (the phone number) and, since the
business-scoped user ids (BSUID), by `from_user_id`/`user_id`; the phone may be missing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

SIGNATURE_PREFIX = "sha256="

# Message types the bot cannot read; they get a polite reply. Unknown types are treated alike.
NOT_TEXT_TYPES = {
    "image", "audio", "video", "document", "location", "sticker", "contacts", "reaction",
    "unsupported", "order",
}  # fmt: skip
# Notices that are not a person writing to us: no reply at all.
IGNORED_TYPES = {"system", "request_welcome", "ephemeral", "revoke"}


def signature_for(secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta sends for `body`."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """True only for a configured secret and a header that matches the raw body bytes."""
    if not secret or not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = signature_for(secret, body).encode()
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))


@dataclass(frozen=True)
class Inbound:
    """One message from a person. `kind` is text, payload (a tapped button) or not_text."""

    message_id: str
    kind: str
    text: str | None
    sent_at: int
    wa_id: str | None = field(default=None, repr=False)
    user_id: str | None = field(default=None, repr=False)
    message_type: str = "text"


@dataclass(frozen=True)
class StatusEvent:
    message_id: str
    status: str
    recipient_id: str | None = field(default=None, repr=False)
    recipient_user_id: str | None = field(default=None, repr=False)
    error_code: int | None = None
    error_title: str = ""


@dataclass
class Notification:
    messages: list[Inbound] = field(default_factory=list)
    statuses: list[StatusEvent] = field(default_factory=list)


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _looks_like_phone(value: str) -> bool:
    return value.lstrip("+").isdigit()


def _sender(message: dict, contacts: list[dict]) -> tuple[str | None, str | None]:
    """(phone, BSUID) of the sender; either may be None, not both for a usable message."""
    raw_from = str(message.get("from") or "") or None
    wa_id = raw_from if raw_from and _looks_like_phone(raw_from) else None
    user_id = str(message.get("from_user_id") or "") or None
    if raw_from and not wa_id and not user_id:
        user_id = raw_from  # a BSUID in `from`
    contact = None
    for candidate in contacts:
        if (wa_id and candidate.get("wa_id") == wa_id) or (
            user_id and candidate.get("user_id") == user_id
        ):
            contact = candidate
            break
    if contact is None and len(contacts) == 1:
        contact = contacts[0]
    if contact is not None:
        contact_wa_id = str(contact.get("wa_id") or "") or None
        wa_id = wa_id or (
            contact_wa_id if contact_wa_id and _looks_like_phone(contact_wa_id) else None
        )
        user_id = user_id or (str(contact.get("user_id") or "") or None)
    return wa_id, user_id


def _content(message: dict) -> tuple[str, str | None]:
    """(kind, text) for a message; kind is text, payload, not_text or ignored."""
    message_type = str(message.get("type") or "")
    if message.get("errors") and message_type not in {"text", "interactive", "button"}:
        return "not_text", None
    if message_type == "text":
        body = (message.get("text") or {}).get("body")
        return ("text", str(body)) if body else ("not_text", None)
    if message_type == "interactive":
        interactive = message.get("interactive") or {}
        reply_type = interactive.get("type")
        if reply_type in {"button_reply", "list_reply"}:
            reply_id = (interactive.get(reply_type) or {}).get("id")
            if reply_id:
                return "payload", str(reply_id)
        return "not_text", None
    if message_type == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        if button.get("payload"):
            return "payload", str(button["payload"])
        if button.get("text"):
            return "text", str(button["text"])
        return "not_text", None
    if message_type in IGNORED_TYPES:
        return "ignored", None
    return "not_text", None


def parse(payload: Any, phone_number_id: str | None = None) -> Notification:
    """Every message and status in a webhook POST, across all entries and changes.

    With `phone_number_id`, changes for other phone numbers of the same business account are
    skipped: replies could only go out from our own number.
    """
    notification = Notification()
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return notification
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            if change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            if phone_number_id and str(metadata.get("phone_number_id")) != phone_number_id:
                continue
            contacts = _dicts(value.get("contacts"))
            for message in _dicts(value.get("messages")):
                message_id = str(message.get("id") or "")
                wa_id, user_id = _sender(message, contacts)
                if not message_id or not (wa_id or user_id):
                    continue
                kind, text = _content(message)
                if kind == "ignored":
                    continue
                notification.messages.append(
                    Inbound(
                        message_id=message_id,
                        kind=kind,
                        text=text,
                        sent_at=_int(message.get("timestamp")),
                        wa_id=wa_id,
                        user_id=user_id,
                        message_type=str(message.get("type") or "unknown")[:20],
                    )
                )
            for status in _dicts(value.get("statuses")):
                message_id = str(status.get("id") or "")
                if not message_id or not status.get("status"):
                    continue
                errors = _dicts(status.get("errors"))
                first = errors[0] if errors else {}
                code = _int(first.get("code")) or None
                notification.statuses.append(
                    StatusEvent(
                        message_id=message_id,
                        status=str(status["status"]),
                        recipient_id=str(status.get("recipient_id") or "") or None,
                        recipient_user_id=str(status.get("recipient_user_id") or "") or None,
                        error_code=code,
                        error_title=str(first.get("title") or first.get("message") or "")[:300],
                    )
                )
    return notification
