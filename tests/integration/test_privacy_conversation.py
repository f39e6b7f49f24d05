"""The person's rights in the chat and logs without personal data, against the real stack
(`python -m bot run`: the trained model, the action server, the web app, SQLite under var/).

- "wat weten jullie van mij?" and "verwijder mijn gegevens" in the widget (socket.io) and on
  WhatsApp; afterwards no row of that conversation is left in any table (listed by SQLAlchemy's
  inspection of every database file under var/).
- A scripted set of conversations with names, phone numbers, e-mail addresses, BSNs, IBANs and
  addresses through REST, socket.io, WhatsApp and the console; then every log file and every
  table is searched for them.
"""

from __future__ import annotations

import copy
import json
import re
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import requests
from privacy_scan import number_in_message_ids, rows_in_databases
from test_console import console, csrf_of
from test_socketio_channel import ChatClient
from test_whatsapp_conversation import Person, texts, titles
from whatsapp_fakes import PSEUDONYM_KEY, interactive_payload, load, options_of, text_payload

from bot.db.erasure import CONVERSATION, WHATSAPP_MESSAGE, digest, key_from

pytestmark = pytest.mark.rasa

# Personal data as people type it. The BSN passes the 11-proef, the IBAN its check digits.
PHONES = ["06-12345678", "+31 6 2345 6789", "020 123 4567"]
EMAILS = ["jan.jansen@example.nl", "fatma.yilmaz72@mail.example.com"]
BSNS = ["111222333", "1234.56.782"]
IBANS = ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"]
ADDRESSES = ["Kerkstraat 12", "Lange Voorhout 34B"]
# What must appear nowhere: the digits of the numbers as well, in any spelling.
STRICT = [*PHONES, "12345678", "23456789", *EMAILS, "111222333", "123456782",
          "NL91ABNA0417164300", "0417164300", *ADDRESSES]  # fmt: skip
NAMES = ["Jantine Verschuren", "Mohammed el Idrissi"]  # kept in the transcript, never in a log
SCRIPT = [
    "hallo, ik ben {name}",
    "ik wil een opleiding zoeken",  # the work question: seven buttons with entities
    "mijn nummer is {phone} en mijn mail {email}",
    "mijn bsn is {bsn}",
    "ik woon op {address}, mijn rekening is {iban}",
    "ik werk in de zorg",
    "ik wil praten met een mens, bel me op {phone}",
]


@pytest.fixture(scope="module")
def stack(fresh_stack):
    """This module scans every log file and table of its stack, so the stack is its own."""
    return fresh_stack


def rows_anywhere(stack, needles: list[str]) -> dict:
    return rows_in_databases(stack.var_dir, needles)


def wait_for(check, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def tombstoned(stack, table: str, kind: str, value: str) -> bool:
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        keys = {row[0] for row in db.execute(f"SELECT key FROM {table}")}  # noqa: S608
    finally:
        db.close()
    return digest(kind, value, key_from(PSEUDONYM_KEY)) in keys


def bot_texts(messages: list[dict]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


# -- the widget ------------------------------------------------------------------------------


def test_in_the_widget_a_person_sees_what_is_stored_and_erases_it_all(stack) -> None:
    chat = ChatClient(stack)
    try:
        session_id = chat.request_session(None).split(".")[0]
        chat.say("/greet")
        chat.replies()
        chat.say("ik zit in de ww")
        chat.replies()
        chat.say("wat weten jullie van mij?")
        shown = chat.replies()
        assert "Dit heb ik van je bewaard" in bot_texts(shown), shown
        assert "Werk: WW" in bot_texts(shown) or "WW" in bot_texts(shown), shown
        assert re.search(r"\d+ dagen na je laatste bericht", bot_texts(shown)), shown
        assert rows_anywhere(stack, [session_id])  # stored, before

        chat.say("verwijder mijn gegevens")
        asked = chat.replies()
        assert "Wil je echt alles wissen?" in bot_texts(asked)
        assert [b["title"] for b in asked[-1]["buttons"]] == ["Ja, wis alles", "Nee, niet wissen"]
        chat.say("/affirm", {"shown": "Ja, wis alles"})
        done = chat.replies()
        assert "Ik heb alles van dit gesprek gewist" in bot_texts(done), done
        assert {"overstap_erased": True} in [m.get("custom") for m in done]
    finally:
        chat.close()
    left = wait_for(lambda: rows_anywhere(stack, [session_id]) == {} or None)
    assert left, rows_anywhere(stack, [session_id])
    # Every table of every database was searched, the tombstones too: the erase leaves one
    # (bot/console/erased.py), a keyed hash that stops late events from writing the
    # conversation back, never the id itself.
    assert tombstoned(stack, "erased_conversations", CONVERSATION, session_id)
    audit = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        rows = audit.execute(
            "SELECT conversation_id, detail FROM audit_log WHERE action = 'erase_self'"
        ).fetchall()
    finally:
        audit.close()
    assert rows and all(cid is None and detail.startswith("kanaal=") for cid, detail in rows)


def test_saying_no_erases_nothing(stack) -> None:
    me = f"it-{uuid.uuid4().hex[:10]}"
    stack.say(me, "hallo")
    assert "Wil je echt alles wissen?" in bot_texts(stack.say(me, "wis alles"))
    assert "Goed, ik wis niets." in bot_texts(stack.say(me, "/deny"))
    assert "events" in "".join(rows_anywhere(stack, [me]))


# -- in the middle of a form -----------------------------------------------------------------

# How the form starts and its first question; an answer to it and the question that follows
# (where the person asks about their data), or None when the form has one question.
FORMS = {
    "profile_form": ("/start_profile", "Wat doe je nu?",
                     ('/inform{"work_situation": "employed"}', "In welk werk of welke sector")),
    "callback_form": ("/request_callback", "Wil je dat een adviseur contact met je opneemt?",
                      ("/affirm", "Hoe wil je contact?")),
    "occupation_form": ("mijn werk verdwijnt", "Wat voor werk doe je nu?", None),
}  # fmt: skip
# After "Nee, niet wissen" the form goes on: an answer, and what it leads to.
GOES_ON = {
    "profile_form": ("ik werk in de zorg", "Wat is je hoogste diploma?"),
    "callback_form": ('/inform{"callback_method": "email"}', "Wat is je e-mailadres?"),
    "occupation_form": ("ik ben kok", "Je werk is: kok."),
}


def titles_of(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


@pytest.mark.parametrize("form", list(FORMS))
def test_in_a_form_a_person_sees_what_is_stored_and_can_erase_it(stack, form: str) -> None:
    start, question, answered = FORMS[form]
    me = f"it-{uuid.uuid4().hex[:10]}"
    assert question in bot_texts(stack.say(me, start))
    if answered is not None:
        answer, question = answered
        assert question in bot_texts(stack.say(me, answer))

    shown = stack.say(me, "wat weten jullie van mij?")
    assert "Ook wat je typte staat in dit gesprek" in bot_texts(shown), shown
    assert bot_texts(shown).rstrip().count("?") == bot_texts(shown[-1:]).count("?")  # one question
    assert question in bot_texts(shown[-1:]) and "Verder" not in titles_of(shown)
    told = stack.say(me, "wat doen jullie met mijn gegevens")
    assert "Typ 'wis alles'" in bot_texts(told) and question in bot_texts(told[-1:]), told

    asked = stack.say(me, "verwijder mijn gegevens")
    assert "Wil je echt alles wissen?" in bot_texts(asked) and question not in bot_texts(asked)
    assert titles_of(asked) == ["Ja, wis alles", "Nee, niet wissen"]
    kept = stack.say(me, "/deny")
    assert "Goed, ik wis niets." in bot_texts(kept) and question in bot_texts(kept[-1:]), kept
    answer, follows = GOES_ON[form]
    assert follows in bot_texts(stack.say(me, answer))  # the form went on where it was

    assert "Wil je echt alles wissen?" in bot_texts(stack.say(me, "wis alles"))
    done = stack.say(me, "/affirm")
    assert "Ik heb alles van dit gesprek gewist" in bot_texts(done), done
    assert wait_for(lambda: rows_anywhere(stack, [me]) == {} or None), rows_anywhere(stack, [me])
    fresh = stack.say(me, "wat weten jullie van mij?")  # a new conversation: nothing known
    assert "Ik weet nog niets over jou" in bot_texts(fresh) and question not in bot_texts(fresh)


# -- WhatsApp --------------------------------------------------------------------------------


def post_and_wait_erased(me: Person, payload: dict) -> list[dict]:
    """The erasing turn deletes its own inbox row, so wait for the reply and the contact."""
    body = json.dumps(me._addressed(payload)).encode()
    from whatsapp_fakes import sign

    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
    answer = requests.post(me.stack.whatsapp_url, data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text

    def contact_gone() -> bool:
        db = sqlite3.connect(me.stack.var_dir / "overstap.db")
        try:
            row = db.execute(
                "SELECT 1 FROM whatsapp_contacts WHERE pseudonym = ?", (me.pseudonym,)
            ).fetchone()
        finally:
            db.close()
        return row is None

    assert wait_for(contact_gone, 90), "the WhatsApp contact was not deleted"
    return me._new_replies()


def test_on_whatsapp_erasing_takes_the_pseudonym_and_the_number_too(stack) -> None:
    me = Person(stack)
    first = me._addressed(text_payload("hallo", "wamid.placeholder"))
    first_id = first["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    me._post(copy.deepcopy(first))
    me.say("ik werk in de bouw")
    shown = me.say("wat weten jullie van mij")
    assert "bewaard" in texts(shown), texts(shown)
    asked = me.say("verwijder mijn gegevens")
    assert "Ja, wis alles" in titles(asked), titles(asked)
    option = next(
        (reply, option_id)
        for reply in asked
        for title, option_id in options_of(reply)
        if title == "Ja, wis alles"
    )
    kind = "button_reply" if option[0]["interactive"]["type"] == "button" else "list_reply"
    done = post_and_wait_erased(
        me, interactive_payload(kind, option[1], "Ja, wis alles", "wamid.placeholder")
    )
    assert "Ook je nummer is weg" in texts(done), texts(done)
    time.sleep(1.0)  # anything the channel would still write after the reply
    assert rows_anywhere(stack, [me.pseudonym, me.phone]) == {}

    # After the erase: the delivery statuses of every reply (the last one's come seconds
    # later), a failure, and Meta's redelivery of the person's first message. None of it makes
    # a row of this person again, and the old message is not answered a second time.
    replies = [r["message_id"] for r in stack.whatsapp_graph.requests
               if r["body"].get("to") == me.phone]  # fmt: skip
    post_webhook(stack, statuses(me.phone, replies, "delivered"))
    post_webhook(stack, statuses(me.phone, replies[-1:], "read"))
    post_webhook(stack, statuses(me.phone, replies[:1], "failed"))
    post_webhook(stack, first)
    time.sleep(3.0)
    assert [r for r in stack.whatsapp_graph.requests if r["body"].get("to") == me.phone] == [
        r for r in stack.whatsapp_graph.requests if r["message_id"] in replies
    ]
    assert rows_anywhere(stack, [me.pseudonym, me.phone, *replies, first_id]) == {}
    assert tombstoned(stack, "erased_conversations", CONVERSATION, me.pseudonym)
    assert tombstoned(stack, "whatsapp_erased_messages", WHATSAPP_MESSAGE, replies[-1])
    assert tombstoned(stack, "whatsapp_erased_messages", WHATSAPP_MESSAGE, first_id)


def post_webhook(stack, payload: dict) -> None:
    from whatsapp_fakes import sign

    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
    answer = requests.post(stack.whatsapp_url, data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text


def statuses(phone: str, message_ids: list[str], status: str) -> dict:
    """A status webhook as status_delivered.json / status_failed_131047.json, for our replies."""
    payload = load("status_failed_131047.json" if status == "failed" else "status_delivered.json")
    value = payload["entry"][0]["changes"][0]["value"]
    template = value["statuses"][0]
    value["statuses"] = [
        {**template, "id": message_id, "status": status, "recipient_id": phone,
         "timestamp": str(int(time.time()))}
        for message_id in message_ids
    ]  # fmt: skip
    return payload


# -- personal data in logs and tables ---------------------------------------------------------


def scripted(name: str, n: int) -> list[str]:
    values = {
        "name": name,
        "phone": PHONES[n % len(PHONES)],
        "email": EMAILS[n % len(EMAILS)],
        "bsn": BSNS[n % len(BSNS)],
        "iban": IBANS[n % len(IBANS)],
        "address": ADDRESSES[n % len(ADDRESSES)],
    }
    return [line.format(**values) for line in SCRIPT]


def log_files(stack) -> list[Path]:
    return [*sorted((stack.var_dir / "log").glob("*")), stack.output]


@pytest.fixture(scope="module")
def pia(stack) -> dict[str, str]:
    name = f"pia{uuid.uuid4().hex[:6]}"
    return {name: stack.create_advisor(name, "adviseur", "Pia")}


def test_personal_data_is_in_no_log_and_no_table(stack, pia) -> None:
    rasa_log = stack.var_dir / "log" / "rasa.log"
    start = rasa_log.stat().st_size if rasa_log.exists() else 0
    rest = f"it-{uuid.uuid4().hex[:10]}"
    for line in scripted(NAMES[0], 0):
        stack.say(rest, line)
    chat = ChatClient(stack)
    try:
        chat.request_session(None)
        for line in scripted(NAMES[1], 1):
            chat.say(line)
            chat.replies(quiet=1)
    finally:
        chat.close()
    me = Person(stack)
    for line in scripted(NAMES[0], 1):
        me.say(line)
    lisa = console(stack, pia, next(iter(pia)))
    for needle in (PHONES[0], EMAILS[0], "Kerkstraat"):
        found = lisa.get(
            stack.web_url + "/adviseur/gesprekken", params={"zoek": needle}, timeout=30
        )
        assert found.status_code == 200
    page = lisa.get(f"{stack.web_url}/adviseur/gesprekken/{rest}?details=1", timeout=30)
    assert page.status_code == 200 and "[telefoon]" in page.text
    lisa.post(
        stack.web_url + "/adviseur/export",
        data={"csrf_token": csrf_of(page.text), "ids": rest, "formaat": "json"},
        timeout=30,
    ).raise_for_status()

    # Meta's message ids hold the WhatsApp number in base64: stored only as a keyed hash.
    strict = [*STRICT, me.phone, number_in_message_ids(me.phone)]
    assert rows_anywhere(stack, strict) == {}
    for path in log_files(stack):
        content = path.read_text(errors="replace")
        hits = [n for n in [*strict, *NAMES] if n.lower() in content.lower()]
        assert hits == [], f"{path.name}: {hits}"
    errors = [
        line
        for line in rasa_log.read_bytes()[start:].decode(errors="replace").splitlines()
        if " ERROR " in line or line.startswith("ERROR")
    ]
    assert errors == []
