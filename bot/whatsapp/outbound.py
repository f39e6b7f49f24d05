"""Replies as WhatsApp Cloud API message bodies: split text, reply buttons, lists, numbered menus.

Limits from Meta's messages reference: text body 4,096 characters; interactive body 1,024
(reply buttons; lists allow more, 1,024 is used for both); at most 3 reply buttons with titles
of at most 20 characters and ids of at most 256; a list has at most 10 rows with titles of at
most 24 characters, descriptions of at most 72 and ids of at most 200; the list button label
and section titles have at most 20 and 24 characters. The Dutch this module adds itself (list
label, menu prompt) comes from texts.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.whatsapp.texts import texts

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
MAX_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200


SENTENCE_END = re.compile(r"[.!?…](?=\s)")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


def whatsapp_markup(text: str) -> str:
    """The bot's Markdown as WhatsApp shows it: *bold* (one star), and links as label: URL."""
    text = text.replace("**", "*")
    return MARKDOWN_LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` so the first part fits in `limit`: paragraph, line, sentence, word."""
    window = text[: limit + 1]
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator, 0, limit + 1)
        if at > limit // 3:
            return at
    ends = [m.end() for m in SENTENCE_END.finditer(window) if m.end() <= limit]
    if ends and ends[-1] > limit // 3:
        return ends[-1]
    at = window.rfind(" ", 0, limit + 1)
    if at > 0:
        return at
    return limit


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut between paragraphs, sentences or words."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        at = _cut_point(text, limit)
        head = text[:at].rstrip()
        if head:
            parts.append(head)
        text = text[at:].lstrip()
    if text:
        parts.append(text)
    return parts


def split_for_interactive(text: str) -> tuple[list[str], str]:
    """(text parts to send first, body of the interactive message of at most 1,024 characters)."""
    parts = split_text(text, TEXT_LIMIT)
    if not parts:
        return [], ""
    last = parts.pop()
    if len(last) <= INTERACTIVE_BODY_LIMIT:
        return parts, last
    body = split_text(last, INTERACTIVE_BODY_LIMIT)[-1]
    head = last[: last.rindex(body)].rstrip()  # at most 4,096: part of `last`
    return [*parts, head], body


def shorten(title: str, limit: int) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def options_from_buttons(buttons: list[dict[str, Any]]) -> list[Option]:
    """Rasa buttons as options; buttons without a payload (links) keep their title as payload."""
    options = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or title).strip()
        if title and payload:
            options.append(Option(title, payload))
    return options


def text_message(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def buttons_message(body: str, options: list[Option]) -> dict[str, Any] | None:
    """Reply buttons, or None when the options do not fit (too many, long ids, same titles)."""
    if not 1 <= len(options) <= MAX_BUTTONS:
        return None
    titles = [shorten(o.title, BUTTON_TITLE_LIMIT) for o in options]
    if len(set(titles)) != len(titles) or any(len(o.payload) > BUTTON_ID_LIMIT for o in options):
        return None
    if len({o.payload for o in options}) != len(options):
        return None
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": o.payload, "title": title}}
                    for o, title in zip(options, titles, strict=True)
                ]
            },
        },
    }


def list_message(body: str, options: list[Option]) -> dict[str, Any] | None:
    """An interactive list, or None when the options do not fit."""
    if not 1 <= len(options) <= MAX_ROWS:
        return None
    if any(len(o.payload) > ROW_ID_LIMIT for o in options):
        return None
    if len({o.payload for o in options}) != len(options):
        return None
    rows = []
    for option in options:
        row: dict[str, str] = {
            "id": option.payload,
            "title": shorten(option.title, ROW_TITLE_LIMIT),
        }
        if row["title"] != option.title:
            row["description"] = shorten(option.title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": texts().list_button_label,
                "sections": [{"title": texts().list_section_title, "rows": rows}],
            },
        },
    }


def numbered_text(text: str, options: list[Option]) -> str:
    lines = [f"{n}. {o.title}" for n, o in enumerate(options, start=1)]
    return f"{text.strip()}\n\n{texts().numbered_prompt}\n" + "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """What to send for one bot message: the bodies in order, and a numbered menu if any."""

    messages: list[dict[str, Any]]
    numbered: list[Option]


def plan(text: str, buttons: list[dict[str, Any]] | None = None) -> Plan:
    """1-3 options: reply buttons; 4-10: a list; more (or what does not fit): numbered text."""
    options = options_from_buttons(buttons or [])
    text = whatsapp_markup(text or "").strip()
    if not options:
        return Plan([text_message(part) for part in split_text(text)], [])
    first, body = split_for_interactive(text or texts().choose_prompt)
    interactive = None
    if len(options) <= MAX_BUTTONS:
        interactive = buttons_message(body, options)
    elif len(options) <= MAX_ROWS:
        interactive = list_message(body, options)
    if interactive is not None:
        return Plan([text_message(part) for part in first] + [interactive], [])
    parts = split_text(numbered_text(text, options))
    return Plan([text_message(part) for part in parts], options)


def numbered_choice(text: str | None, options: list[str]) -> str | None:
    """The payload of option `n` when the person typed just a number from the last menu."""
    if not text or not options:
        return None
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if not match:
        return None
    number = int(match.group(1))
    if 1 <= number <= len(options):
        return options[number - 1]
    return None
