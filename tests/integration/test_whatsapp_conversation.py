"""The whole profile conversation over WhatsApp, against the real stack (`python -m bot run`:
Rasa with the trained model, the action server, the database). Meta-shaped, signed webhook
posts go in; the replies are what the stack sent to the fake Graph API."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any

import pytest
import requests
from whatsapp_fakes import (
    PSEUDONYM_KEY,
    interactive_payload,
    load,
    options_of,
    sign,
    text_payload,
    visible_text,
    wamid,
)

from bot.db.erasure import WHATSAPP_MESSAGE, digest, key_from
from bot.whatsapp.identity import Identity
from bot.whatsapp.texts import texts as channel_texts

pytestmark = pytest.mark.rasa

TURN_TIMEOUT_S = 90  # a turn with a course search on two busy cores


def texts(replies: list[dict]) -> str:
    return "\n".join(visible_text(r) for r in replies)


def titles(replies: list[dict]) -> list[str]:
    return [title for reply in replies for title, _ in options_of(reply)]


def stored_id(message_id: str) -> str:
    """What the stack stores of Meta's message id: its keyed hash (bot/db/erasure.py)."""
    return digest(WHATSAPP_MESSAGE, message_id, key_from(PSEUDONYM_KEY))


class Person:
    """Someone writing to the bot on WhatsApp from their own number."""

    def __init__(self, stack: Any):
        self.stack = stack
        self.graph = stack.whatsapp_graph
        self.phone = "316" + str(uuid.uuid4().int)[:8]
        self.pseudonym = Identity(PSEUDONYM_KEY).pseudonym_for_phone(self.phone)
        self.seen = 0
        self.clock = int(time.time())

    def _addressed(self, payload: dict) -> dict:
        self.clock += 1
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"][0]["wa_id"] = self.phone
        message = value["messages"][0]
        message.update({"from": self.phone, "timestamp": str(self.clock)})
        message["id"] = wamid(self.phone)
        return payload

    def _post(self, payload: dict) -> list[dict]:
        message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
        deadline = time.monotonic() + 30
        while True:  # 503 only while the channel opens its database at start-up
            answer = requests.post(self.stack.whatsapp_url, data=body, headers=headers, timeout=30)
            if answer.status_code != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert answer.status_code == 200, answer.text
        self._wait_processed(message_id)
        return self._new_replies()

    def _wait_processed(self, message_id: str) -> None:
        """The inbox row is done once Rasa handled the message and every reply was sent."""
        stored = stored_id(message_id)
        deadline = time.monotonic() + TURN_TIMEOUT_S
        db = sqlite3.connect(self.stack.var_dir / "overstap.db")
        try:
            while True:
                row = db.execute(
                    "SELECT state FROM whatsapp_inbox WHERE message_id = ?", (stored,)
                ).fetchone()
                if row and row[0] in {"done", "failed"}:
                    assert row[0] == "done", f"message {message_id} failed"
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"message {message_id} still {row} after {TURN_TIMEOUT_S}s"
                    )
                time.sleep(0.2)
        finally:
            db.close()

    def _new_replies(self) -> list[dict]:
        mine = [r for r in self.graph.requests if r["body"].get("to") == self.phone]
        new, self.seen = mine[self.seen :], len(mine)
        assert all(r["status"] == 200 for r in new)
        return [r["body"] for r in new]

    def say(self, text: str) -> list[dict]:
        return self._post(self._addressed(text_payload(text, "wamid.placeholder")))

    def tap(self, title: str, replies: list[dict]) -> list[dict]:
        """Tap a reply button or list row the bot sent, as WhatsApp reports it: by its id."""
        for reply in replies:
            for option_title, option_id in options_of(reply):
                if option_title == title:
                    kind = (
                        "button_reply" if reply["interactive"]["type"] == "button" else "list_reply"
                    )
                    payload = interactive_payload(
                        kind, option_id, option_title, "wamid.placeholder"
                    )
                    return self._post(self._addressed(payload))
        raise AssertionError(f"no option {title!r} in {titles(replies)}")

    def send_photo(self) -> list[dict]:
        return self._post(self._addressed(load("image.json")))


def test_profile_conversation_from_greeting_to_results_and_adviser(stack) -> None:
    me = Person(stack)

    greeting = me.say("hallo")
    assert "computerprogramma" in texts(greeting)
    assert greeting[-1]["interactive"]["type"] == "button"  # three options: reply buttons
    assert "Praat met adviseur" in titles(greeting)

    ask_work = me.tap("Ja, we beginnen", greeting)
    assert "Wat doe je nu" in texts(ask_work)
    assert ask_work[-1]["interactive"]["type"] == "list"  # eight options: a list
    assert "WW-uitkering" in titles(ask_work)

    ask_sector = me.say("ik heb een ww uitkering")
    assert "sector" in texts(ask_sector)
    assert "Zorg en welzijn" in titles(ask_sector)

    ask_diploma = me.tap("Zorg en welzijn", ask_sector)  # the row id carries the payload
    assert "diploma" in texts(ask_diploma)

    assert me.send_photo() == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": me.phone,
            "type": "text",
            "text": {"preview_url": False, "body": channel_texts().not_text_reply},
        }
    ]

    assert "Hoe oud" in texts(me.say("mbo 4"))  # up to mbo 3 the shipped hbo and wo do not fit
    assert "Waar woon je" in texts(me.say("ik ben 45"))
    assert "liefst" in texts(me.say("Zwolle"))

    results = me.say("ik wil ander werk")
    out = texts(results)
    assert "Dit weet ik nu van je" in out
    assert "WW" in out and "Zwolle" in out and "45" in out
    assert out.count("Waarom:") >= 3
    assert "Wie kan je opleiding betalen" in out
    assert "STAP" not in out  # an ended scheme is never offered
    assert "**" not in out  # Markdown bold is WhatsApp's single star
    assert "Meer opleidingen" in titles(results)

    more = me.tap("Meer opleidingen", results)
    assert "Hier zijn er nog" in texts(more)

    handoff = me.say("ik wil met een mens praten")
    assert "adviseur" in texts(handoff)

    # Everything sent fits WhatsApp's limits.
    sent = [r["body"] for r in stack.whatsapp_graph.requests if r["body"].get("to") == me.phone]
    for body in sent:
        if body["type"] == "text":
            assert len(body["text"]["body"]) <= 4096
        else:
            interactive = body["interactive"]
            assert len(interactive["body"]["text"]) <= 1024
            limit = 20 if interactive["type"] == "button" else 24
            assert all(len(title) <= limit for title, _ in options_of(body))

    # The adviser's request and the conversation are stored under the pseudonym only.
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    row = db.execute(
        "SELECT reason, summary FROM handoff_requests WHERE conversation_id = ?", (me.pseudonym,)
    ).fetchone()
    assert row is not None and row[0] == "asked"
    assert '"sector": "zorg"' in row[1] and '"work_situation": "ww"' in row[1]
    leftover = db.execute(
        "SELECT count(*) FROM whatsapp_inbox WHERE pseudonym = ? AND (state != 'done' OR text IS NOT NULL)",
        (me.pseudonym,),
    ).fetchone()[0]
    assert leftover == 0
    tracker = sqlite3.connect(stack.var_dir / "tracker.db")
    senders = {r[0] for r in tracker.execute("SELECT DISTINCT sender_id FROM events")}
    assert me.pseudonym in senders
    stored = "\n".join(r[0] or "" for r in tracker.execute("SELECT data FROM events"))
    assert me.phone not in stored and me.phone not in "\n".join(senders)


def sample_button_reply(person: Person, sent_at: int) -> dict:
    """Meta's interactive button_reply example (button_reply.json) from this person, tapping
    "Ja, we beginnen" (its id is the payload the bot sent)."""
    button = interactive_payload("button_reply", "/start_profile", "Ja, we beginnen", "x")
    value = button["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = person.phone
    value["messages"][0].update(
        {"from": person.phone, "timestamp": str(sent_at), "id": wamid(person.phone)}
    )
    return button


def sample_photo(person: Person, sent_at: int | None = None) -> dict:
    """Meta's image example (image.json, with its caption) from this person; its own timestamp
    (1739321024, February 2025) unless another is given."""
    photo = load("image.json")
    value = photo["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = person.phone
    value["messages"][0].update({"from": person.phone, "id": wamid(person.phone)})
    if sent_at is not None:
        value["messages"][0]["timestamp"] = str(sent_at)
    return photo


def in_one_post(*payloads: dict) -> dict:
    """The messages of several examples in one webhook POST, in this order (Meta batches)."""
    batch = json.loads(json.dumps(payloads[0]))
    messages = batch["entry"][0]["changes"][0]["value"]["messages"]
    for payload in payloads[1:]:
        messages += payload["entry"][0]["changes"][0]["value"]["messages"]
    return batch


def post_all(person: Person, payload: dict) -> list[dict]:
    """Post one webhook POST, wait until each of its messages is handled; the new replies."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
    answer = requests.post(person.stack.whatsapp_url, data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    for message in payload["entry"][0]["changes"][0]["value"]["messages"]:
        person._wait_processed(message["id"])
    time.sleep(1)  # a reply sent after the row was marked done would show up by now
    return person._new_replies()


def test_meta_sample_photo_dated_before_a_handled_button_reply_gets_the_text_only_reply(
    stack,
) -> None:
    """Meta's own sample payloads as they come: the photo (image.json) carries an older
    timestamp than a button reply of the same person that was handled already."""
    me = Person(stack)
    assert "Wat doe je nu" in texts(post_all(me, sample_button_reply(me, int(time.time()))))
    photo = sample_photo(me)
    sent_at = int(photo["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"])
    assert sent_at < int(time.time()) - 86400  # dated before the button reply
    assert [visible_text(r) for r in post_all(me, photo)] == [channel_texts().not_text_reply]
    # The conversation goes on where the button reply left it.
    assert "sector" in texts(me.say("ik heb een ww uitkering"))


@pytest.mark.parametrize(
    "photo_first", [False, True], ids=["button-then-photo", "photo-then-button"]
)
def test_meta_samples_in_one_post_a_photo_dated_before_the_button_reply_is_answered_once(
    stack, photo_first: bool
) -> None:
    """Both examples in one webhook POST, in either order, the photo dated a minute before the
    button reply: the inbox works by Meta's timestamp, so the photo comes first either way."""
    me = Person(stack)
    now = int(time.time())
    button, photo = sample_button_reply(me, now), sample_photo(me, now - 60)
    replies = post_all(
        me, in_one_post(photo, button) if photo_first else in_one_post(button, photo)
    )
    seen = [visible_text(r) for r in replies]
    assert seen.count(channel_texts().not_text_reply) == 1
    assert seen[0] == channel_texts().not_text_reply  # the older message is answered first
    assert "Wat doe je nu" in "\n".join(seen[1:])  # then the button reply, once
    assert "\n".join(seen).count("Wat doe je nu") == 1
    assert "sector" in texts(me.say("ik heb een ww uitkering"))


def test_with_the_graph_api_down_messages_are_taken_and_replies_come_later_once(stack) -> None:
    """Meta's API answers 503 for a while: the webhook still acknowledges and the turns run;
    the replies wait in the outbox and go out once, in order, when it is back."""
    me = Person(stack)
    graph = stack.whatsapp_graph
    graph.fail_always(503, "graph_error_500.json")
    try:
        payload = me._addressed(text_payload("hallo", "wamid.placeholder"))
        message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        body = json.dumps(payload).encode()
        answer = requests.post(
            stack.whatsapp_url, data=body, timeout=30,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        )  # fmt: skip
        assert answer.status_code == 200  # acknowledged while Meta's API is down
        me._wait_processed(message_id)  # the turn ran and is done
        failed = [r for r in graph.requests if r["body"].get("to") == me.phone]
        assert failed and all(r["status"] == 503 for r in failed)
        time.sleep(6)  # the relay tries again meanwhile and fails again
        db = sqlite3.connect(stack.var_dir / "overstap.db")
        waiting = db.execute(
            "SELECT count(*) FROM whatsapp_outbox WHERE pseudonym = ? AND state != 'sent'",
            (me.pseudonym,),
        ).fetchone()[0]
        db.close()
        assert waiting >= 1
    finally:
        graph.recover()
    deadline = time.monotonic() + 60
    while True:
        delivered = [
            r["body"]
            for r in graph.requests
            if r["body"].get("to") == me.phone and r["status"] == 200
        ]
        if delivered or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    time.sleep(12)  # more relay rounds: nothing goes out a second time
    delivered = [
        r["body"] for r in graph.requests if r["body"].get("to") == me.phone and r["status"] == 200
    ]
    assert "computerprogramma" in texts(delivered)
    bodies = [json.dumps(b, sort_keys=True) for b in delivered]
    assert len(bodies) == len(set(bodies))  # each reply once


# The example value of <WHATSAPP_MESSAGE_ID> in Meta's webhook reference, on the pages of several
# message types (interactive replies, message echoes), with the same example timestamp.
META_EXAMPLE_ID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="


def test_meta_samples_sharing_one_id_a_photo_after_a_handled_button_reply_is_answered_once(
    stack,
) -> None:
    """Found by trying Meta's own examples: the button reply (dated now) was handled, then the
    photo example, dated before it and under the same example id, got no answer at all: it
    was taken for Meta delivering the button reply again."""
    me = Person(stack)
    button = sample_button_reply(me, int(time.time()))
    button["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = META_EXAMPLE_ID
    assert "Wat doe je nu" in texts(post_all(me, button))
    photo = sample_photo(me)
    photo["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = META_EXAMPLE_ID
    body = json.dumps(photo).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
    for _ in range(2):  # the photo, and Meta delivering it again
        answer = requests.post(stack.whatsapp_url, data=body, headers=headers, timeout=30)
        assert answer.status_code == 200
    deadline = time.monotonic() + TURN_TIMEOUT_S
    while not (replies := me._new_replies()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # a second answer would be out by now
    replies += me._new_replies()
    assert [visible_text(r) for r in replies] == [channel_texts().not_text_reply]
    assert "sector" in texts(me.say("ik heb een ww uitkering"))  # the conversation goes on
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        rows = db.execute(
            "SELECT kind, state FROM whatsapp_inbox WHERE message_id LIKE ? ORDER BY id",
            (stored_id(META_EXAMPLE_ID) + "%",),
        ).fetchall()
    finally:
        db.close()
    assert rows == [("payload", "done"), ("not_text", "done")]
