"""The WhatsApp store on SQLite and PostgreSQL: exactly-once inbox, order, statuses, identity."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text, update
from whatsapp_fakes import PHONE, load, text_payload

from bot.db import create_engine, session_scope, utcnow
from bot.db.erasure import message_key
from bot.settings import Settings
from bot.whatsapp.identity import Identity
from bot.whatsapp.models import (
    WhatsAppContact,
    WhatsAppInbox,
    WhatsAppMessageStatus,
    WhatsAppSendError,
)
from bot.whatsapp.store import Purged, WhatsAppStore
from bot.whatsapp.webhook import StatusEvent, parse

TABLES = ("whatsapp_send_errors", "whatsapp_message_status", "whatsapp_inbox", "whatsapp_contacts",
          "whatsapp_erased_messages", "whatsapp_outbox")  # fmt: skip
KEY = "unit-test-pseudonym-key"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'overstap.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path), "OVERSTAP_DATABASE_URL": url})
    store = WhatsAppStore(create_engine(settings), Identity(KEY))
    store.migrate()
    with store.engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    yield store
    store.close()


def test_a_redelivered_message_is_stored_once(store: WhatsAppStore) -> None:
    notification = parse(load("text.json"))
    assert store.accept(notification) == [Identity(KEY).pseudonym_for_phone(PHONE)]
    assert store.accept(notification) == []
    assert list(store.inbox_states().values()) == ["pending"]


def test_another_message_under_a_known_id_is_stored_and_its_redelivery_is_not(
    store: WhatsAppStore,
) -> None:
    """Meta's webhook examples of a button reply and of a photo share one id: the photo is not a
    redelivery of the button reply."""
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    button = parse(load("button_reply.json"))
    photo_payload = load("image.json")
    shared = button.messages[0].message_id
    photo_payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = shared
    photo = parse(photo_payload)
    assert store.accept(button) == [pseudonym]
    assert store.accept(photo) == [pseudonym]  # same id, same time, another kind of message
    assert store.accept(photo) == [] and store.accept(button) == []  # redeliveries: nothing new
    states = store.inbox_states()
    assert len(states) == 2 and message_key(shared) in states
    first = store.claim_next(pseudonym, lease_s=60).row
    store.finish(first.id)
    second = store.claim_next(pseudonym, lease_s=60).row
    assert {first.kind, second.kind} == {"payload", "not_text"}
    assert second.message_id.startswith(message_key(shared) + "#")


def test_no_table_holds_a_message_id_or_the_number_in_it(store: WhatsAppStore) -> None:
    """Meta's message ids carry the person's number in base64: every table keeps a keyed hash
    of them instead, also the '#suffix' variant, the statuses, send errors and replies."""
    from privacy_scan import number_in_message_ids, rows_holding

    inbound = parse(load("button_reply.json"))
    photo_payload = load("image.json")
    shared = inbound.messages[0].message_id
    photo_payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = shared
    (pseudonym,) = store.accept(inbound)
    store.accept(parse(photo_payload))  # the same id with another message: '#suffix'
    reply = parse(load("status_failed_131047.json")).statuses[0].message_id
    store.record_sent(reply, pseudonym)
    store.accept(parse(load("status_failed_131047.json")))  # a send error with its id
    row = store.claim_next(pseudonym, lease_s=60).row
    store.record_reply_sent(pseudonym, row.message_id, 0)
    store.queue_reply(pseudonym, row.message_id, 1, {"text": {"body": "hallo"}})
    assert store.status_of(reply) == "failed" and len(store.send_errors(131047)) == 1
    assert len(store.inbox_states()) == 2

    number = number_in_message_ids(PHONE)
    assert number in shared and number in reply  # the fixtures' ids are Meta's, as sent
    assert rows_holding(store.engine, [shared, reply, number, PHONE]) == {}


def test_ten_simultaneous_deliveries_store_one_message(store: WhatsAppStore) -> None:
    notification = parse(load("text.json"))
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: store.accept(notification), range(10)))
    assert sum(len(r) for r in results) == 1  # exactly one delivery saw a new message
    assert len(store.inbox_states()) == 1


def test_pseudonym_and_address_hide_the_number(store: WhatsAppStore) -> None:
    (pseudonym,) = store.accept(parse(load("text.json")))
    assert PHONE not in pseudonym and pseudonym.startswith("wa-")
    assert pseudonym == Identity(KEY).pseudonym_for_phone("+" + PHONE)
    assert pseudonym != Identity("another key").pseudonym_for_phone(PHONE)
    with store.engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in TABLES
            for row in conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
    assert PHONE not in dump
    assert store.address(pseudonym).recipient_fields() == {"to": PHONE}
    other = WhatsAppStore(store.engine, Identity("another key"))
    assert other.address(pseudonym) is None  # unreadable without the key


def test_text_is_redacted_before_it_is_stored(store: WhatsAppStore) -> None:
    store.accept(parse(text_payload("bel me op 0612345678", "wamid.redact.1")))
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM whatsapp_inbox")).scalar_one()
    assert stored == "bel me op [telefoon]"


def test_business_scoped_user_id_only_and_later_with_phone(store: WhatsAppStore) -> None:
    identity = Identity(KEY)
    (pseudonym,) = store.accept(parse(load("bsuid_only.json")))
    assert pseudonym == identity.pseudonym_for_bsuid("NL.1350412365485270")
    assert store.address(pseudonym).recipient_fields() == {"recipient": "NL.1350412365485270"}
    later = text_payload("nu met nummer", "wamid.bsuid.2")
    value = later["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["user_id"] = "NL.1350412365485270"
    value["messages"][0]["from_user_id"] = "NL.1350412365485270"
    assert store.accept(parse(later)) == [pseudonym]  # the same person, the same conversation
    assert store.address(pseudonym).recipient_fields() == {"to": PHONE}


def claim_all(store: WhatsAppStore, pseudonym: str) -> list[str]:
    seen = []
    while (claim := store.claim_next(pseudonym, lease_s=60)).row is not None:
        seen.append(claim.row.text)
        store.finish(claim.row.id)
    return seen


def test_claims_follow_the_order_the_person_wrote(store: WhatsAppStore) -> None:
    for n, at in ((3, 30), (1, 10), (2, 20)):
        store.accept(parse(text_payload(f"bericht {n}", f"wamid.order.{n}", timestamp=at)))
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    assert claim_all(store, pseudonym) == ["bericht 1", "bericht 2", "bericht 3"]
    assert set(store.inbox_states().values()) == {"done"}
    with store.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM whatsapp_inbox WHERE text IS NOT NULL")
            ).scalar()
            == 0
        )


def test_a_claimed_message_blocks_the_next_until_its_lease_ends(store: WhatsAppStore) -> None:
    for n in (1, 2):
        store.accept(parse(text_payload(f"bericht {n}", f"wamid.lease.{n}", timestamp=n)))
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    first = store.claim_next(pseudonym, lease_s=60)
    assert first.row.text == "bericht 1"
    blocked = store.claim_next(pseudonym, lease_s=60)
    assert blocked.row is None and 0 < blocked.retry_in <= 60
    # The worker died: after the lease the same message is claimed again, not the next one.
    with session_scope(store.sessions) as session:
        session.execute(
            update(WhatsAppInbox)
            .where(WhatsAppInbox.id == first.row.id)
            .values(claimed_at=dt.datetime(2000, 1, 1))
        )
    assert store.senders_with_work() == [pseudonym]
    again = store.claim_next(pseudonym, lease_s=60)
    assert again.row.id == first.row.id and again.row.attempts == 2


def test_a_renewed_claim_holds_and_a_lost_one_is_not_renewed(store: WhatsAppStore) -> None:
    store.accept(parse(text_payload("bericht", "wamid.renew.1", timestamp=1)))
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    first = store.claim_next(pseudonym, lease_s=60).row

    def age_claim() -> None:
        with session_scope(store.sessions) as session:
            session.execute(
                update(WhatsAppInbox)
                .where(WhatsAppInbox.id == first.id)
                .values(claimed_at=dt.datetime(2000, 1, 1))
            )

    age_claim()
    assert store.renew_claim(first.id, first.attempts)  # the worker is alive: renewed
    assert store.senders_with_work() == [pseudonym]  # claimed: looked at when the lease ends
    assert store.claim_next(pseudonym, lease_s=60).row is None
    age_claim()  # not renewed: its worker died
    taken = store.claim_next(pseudonym, lease_s=60).row
    assert taken.id == first.id and taken.attempts == 2
    assert not store.renew_claim(first.id, first.attempts)  # the old worker's claim is gone
    assert store.renew_claim(taken.id, taken.attempts)
    store.finish(taken.id)
    assert not store.renew_claim(taken.id, taken.attempts)
    assert store.senders_with_work() == []


def test_a_retry_waits_and_keeps_its_place(store: WhatsAppStore) -> None:
    for n in (1, 2):
        store.accept(parse(text_payload(f"bericht {n}", f"wamid.retry.{n}", timestamp=n)))
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    first = store.claim_next(pseudonym, lease_s=60).row
    store.retry_later(first.id, 30)
    waiting = store.claim_next(pseudonym, lease_s=60)
    assert waiting.row is None and 25 < waiting.retry_in <= 30
    store.retry_later(first.id, 0)
    assert store.claim_next(pseudonym, lease_s=60).row.text == "bericht 1"


@pytest.mark.parametrize(
    ("order", "final"),
    [
        (["sent", "delivered", "read"], "read"),
        (["read", "delivered", "sent"], "read"),
        (["delivered", "sent"], "delivered"),
        (["sent", "read", "delivered"], "read"),
        (["sent", "failed", "delivered"], "failed"),
    ],
)
def test_statuses_never_go_backwards(store: WhatsAppStore, order: list[str], final: str) -> None:
    files = {s: f"status_{s}.json" for s in ("sent", "delivered", "read")}
    files["failed"] = "status_failed_131047.json"
    message_id = parse(load("status_sent.json")).statuses[0].message_id
    for status in order:
        store.accept(parse(load(files[status])))
    assert store.status_of(message_id) == final


def test_window_error_from_a_status_is_recorded_once_for_the_sender(store: WhatsAppStore) -> None:
    (pseudonym,) = store.accept(parse(load("text.json")))
    failed = parse(load("status_failed_131047.json"))
    store.record_sent(failed.statuses[0].message_id, pseudonym)
    store.accept(failed)
    store.accept(failed)  # Meta delivers the same status again
    (error,) = store.send_errors(131047)
    assert error["pseudonym"] == pseudonym and error["error_title"] == "Re-engagement message"


def test_status_before_our_own_record_of_the_send(store: WhatsAppStore) -> None:
    store.accept(parse(load("status_delivered.json")))
    message_id = parse(load("status_delivered.json")).statuses[0].message_id
    store.record_sent(message_id, "wa-someone")
    assert store.status_of(message_id) == "delivered"
    with store.engine.connect() as conn:
        owner = conn.execute(text("SELECT pseudonym FROM whatsapp_message_status")).scalar_one()
    assert owner == "wa-someone"


def test_numbered_options_are_kept_per_sender(store: WhatsAppStore) -> None:
    (pseudonym,) = store.accept(parse(load("text.json")))
    assert store.options(pseudonym) == []
    store.set_options(pseudonym, ["/a", "/b"])
    assert store.options(pseudonym) == ["/a", "/b"]
    store.accept(parse(text_payload("ander", "wamid.other.1", sender="31687654321")))
    other = Identity(KEY).pseudonym_for_phone("31687654321")
    assert store.options(other) == []


def test_status_events_for_unknown_messages_name_the_sender_by_pseudonym(
    store: WhatsAppStore,
) -> None:
    event = StatusEvent("wamid.unknown", "failed", recipient_id=PHONE, error_code=131047)
    with session_scope(store.sessions) as session:
        store._status(session, event, message_key(event.message_id))
    (error,) = store.send_errors(131047)
    assert error["pseudonym"] == Identity(KEY).pseudonym_for_phone(PHONE)


def test_after_an_erase_late_statuses_and_redeliveries_store_nothing(store: WhatsAppStore) -> None:
    """The last reply's statuses come after the erase, and Meta may deliver a webhook again for
    up to 7 days: none of it makes a row of the erased person again (bot/console/erased.py)."""
    from bot.console.avg import delete_app_rows

    inbound = parse(load("text.json"))
    (pseudonym,) = store.accept(inbound)
    reply = parse(load("status_sent.json")).statuses[0].message_id
    store.record_sent(reply, pseudonym)
    store.accept(parse(load("status_sent.json")))
    delete_app_rows(store.sessions, pseudonym)  # the erase (console, chat, retention)
    assert counts(store) == {**dict.fromkeys(TABLES, 0), "whatsapp_erased_messages": 2}

    for late in ("status_delivered.json", "status_read.json", "status_failed_131047.json"):
        store.accept(parse(load(late)))
    assert store.accept(inbound) == []  # Meta's redelivery of the person's message
    assert counts(store) == {**dict.fromkeys(TABLES, 0), "whatsapp_erased_messages": 2}
    assert store.status_of(reply) is None and store.send_errors() == []
    # The tombstones hold a keyed hash: not the message ids, which carry the number in base64.
    with store.engine.connect() as conn:
        dump = " ".join(
            str(r) for r in conn.execute(text("SELECT * FROM whatsapp_erased_messages"))
        )
    for needle in (reply, inbound.messages[0].message_id, pseudonym, PHONE):
        assert needle not in dump

    # Writing again after the erase is a new conversation, with its statuses.
    assert store.accept(parse(text_payload("hallo weer", "wamid.after.erase"))) == [pseudonym]
    store.record_sent("wamid.reply.after.erase", pseudonym)
    assert store.status_of("wamid.reply.after.erase") == "accepted"


# -- retention -----------------------------------------------------------------------------------

DAY = dt.timedelta(days=1)
OTHER = "31687654321"


def age(store: WhatsAppStore, model: type, column: str, days: float, **where: object) -> None:
    """Move a timestamp `days` into the past for the rows matching `where`."""
    conditions = [getattr(model, k) == v for k, v in where.items()]
    with session_scope(store.sessions) as session:
        session.execute(update(model).where(*conditions).values({column: utcnow() - days * DAY}))


def counts(store: WhatsAppStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in TABLES
        }


def test_purge_deletes_handled_messages_and_statuses_after_the_retention(
    store: WhatsAppStore,
) -> None:
    for n in (1, 2, 3, 4):
        store.accept(parse(text_payload(f"bericht {n}", f"wamid.keep.{n}", timestamp=n)))
    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    for _ in range(3):  # 1 done, 2 done, 3 failed; 4 stays pending
        row = store.claim_next(pseudonym, lease_s=60).row
        store.finish(row.id, "failed" if row.text == "bericht 3" else "done")
    keep = {n: message_key(f"wamid.keep.{n}") for n in (1, 2, 3, 4)}
    age(store, WhatsAppInbox, "finished_at", 31, message_id=keep[1])
    age(store, WhatsAppInbox, "finished_at", 29, message_id=keep[2])
    age(store, WhatsAppInbox, "finished_at", 45, message_id=keep[3])
    age(store, WhatsAppInbox, "received_at", 400, message_id=keep[4])
    store.record_sent("wamid.out.old", pseudonym)
    store.record_sent("wamid.out.new", pseudonym)
    age(store, WhatsAppMessageStatus, "updated_at", 31, message_id=message_key("wamid.out.old"))

    purged = store.purge(inbox_days=30, contact_days=90)

    assert (purged.inbox, purged.statuses, purged.contacts) == (2, 1, 0)
    assert store.inbox_states() == {keep[2]: "done", keep[4]: "pending"}
    assert store.status_of("wamid.out.old") is None and store.status_of("wamid.out.new")
    redelivered = parse(text_payload("bericht 2", "wamid.keep.2", timestamp=2))
    assert store.accept(redelivered) == []  # still deduplicated
    assert store.purge(inbox_days=30, contact_days=90) == Purged()  # nothing left to do


def test_purge_deletes_silent_contacts_unless_a_message_waits(store: WhatsAppStore) -> None:
    identity = Identity(KEY)
    me, other = identity.pseudonym_for_phone(PHONE), identity.pseudonym_for_phone(OTHER)
    store.accept(parse(text_payload("hallo", "wamid.c.1")))
    store.accept(parse(text_payload("hallo", "wamid.c.2", sender=OTHER)))
    row = store.claim_next(me, lease_s=60).row
    store.finish(row.id)  # my message is handled; the other's still waits
    store.record_send_error(me, 131047, "Re-engagement message")
    store.record_send_error(other, 131047, "Re-engagement message")
    age(store, WhatsAppContact, "last_inbound_at", 91)
    age(store, WhatsAppSendError, "created_at", 91, pseudonym=me)

    purged = store.purge(inbox_days=30, contact_days=90)

    assert (purged.contacts, purged.send_errors, purged.inbox) == (1, 1, 0)
    assert store.address(me) is None  # the encrypted number is gone
    assert store.address(other).recipient_fields() == {"to": OTHER}
    assert [e["pseudonym"] for e in store.send_errors()] == [other]
    # Writing again makes the contact anew, under the same pseudonym: one conversation.
    assert store.accept(parse(text_payload("weer hier", "wamid.c.3"))) == [me]
    assert store.address(me).recipient_fields() == {"to": PHONE}


def test_a_contact_that_wrote_recently_is_kept(store: WhatsAppStore) -> None:
    (pseudonym,) = store.accept(parse(load("text.json")))
    store.finish(store.claim_next(pseudonym, lease_s=60).row.id)
    age(store, WhatsAppContact, "last_inbound_at", 89)
    assert store.purge(inbox_days=30, contact_days=90).contacts == 0
    assert store.address(pseudonym) is not None


def test_purge_works_in_batches_and_purge_all_finishes(store: WhatsAppStore) -> None:
    for n in range(7):
        store.accept(parse(text_payload("x", f"wamid.batch.{n}", sender=f"3161234{n:04d}")))
    with session_scope(store.sessions) as session:
        session.execute(update(WhatsAppInbox).values(state="done", text=None))
    age(store, WhatsAppInbox, "finished_at", 40)
    age(store, WhatsAppContact, "last_inbound_at", 100)

    first = store.purge(inbox_days=30, contact_days=90, batch=3)
    assert (first.inbox, first.contacts) == (3, 3)
    assert counts(store)["whatsapp_inbox"] == 4
    rest = store.purge_all(inbox_days=30, contact_days=90, batch=3)
    assert (rest.inbox, rest.contacts) == (4, 4)
    assert counts(store) == dict.fromkeys(TABLES, 0)


def test_the_outbox_keeps_order_claims_once_and_is_purged(store: WhatsAppStore) -> None:
    from bot.whatsapp.models import WhatsAppOutbox

    pseudonym = Identity(KEY).pseudonym_for_phone(PHONE)
    body = {"type": "text", "text": {"body": "x"}}
    store.record_reply_sent(pseudonym, "wamid.in.1", 0)
    store.queue_reply(pseudonym, "wamid.in.1", 1, body)
    store.queue_reply(pseudonym, "wamid.in.2", 0, body)
    store.queue_reply(pseudonym, "wamid.in.2", 0, body)  # the same reply again: one row
    assert store.reply_state("wamid.in.1", 0) == "sent"
    assert store.reply_state("wamid.in.1", 1) == "pending"
    assert store.reply_state("wamid.in.3", 0) is None
    assert store.has_queued(pseudonym) and store.queued_senders() == [pseudonym]
    first = store.claim_reply(pseudonym, lease_s=60)
    assert first is not None and first[2] == 1
    assert store.claim_reply(pseudonym, lease_s=60) is None  # claimed: nobody sends it twice
    store.reply_done(first[0])
    second = store.claim_reply(pseudonym, lease_s=60)
    store.reply_later(second[0], 120)
    assert store.claim_reply(pseudonym, lease_s=60) is None  # waits, nothing jumps ahead
    assert store.queued_senders() == []
    age(store, WhatsAppOutbox, "created_at", 31, inbound_id="wamid.in.1")
    purged = store.purge(inbox_days=30, contact_days=90)
    assert purged.outbox == 2  # both sent replies of the old turn; the waiting one stays
    assert store.reply_state("wamid.in.2", 0) == "pending"


def test_the_upgrade_hashes_the_message_ids_stored_before(tmp_path: Path) -> None:
    """Migration 0012: rows stored with Meta's ids get the keyed hash the store uses now, so a
    redelivery of an older message is still known and no id holds a number any more."""
    from alembic import command
    from privacy_scan import number_in_message_ids, rows_holding

    from bot.db import migrate

    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)})
    engine = create_engine(settings)
    command.upgrade(migrate.alembic_config(engine), "erased01")
    inbound = parse(load("text.json")).messages[0]
    raw, who = inbound.message_id, Identity(KEY).pseudonym_for_phone(PHONE)
    sent = parse(load("status_sent.json")).statuses[0].message_id
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO whatsapp_inbox (message_id, pseudonym, kind, sent_at, state,"
                 " attempts, received_at, finished_at) VALUES (:a, :p, :k, :s, 'done', 1,"
                 " :t, :t), (:b, :p, 'not_text', :s, 'done', 1, :t, :t)"),
            {"a": raw, "b": f"{raw}#0123456789abcdef", "p": who, "k": inbound.kind,
             "s": inbound.sent_at, "t": now},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO whatsapp_message_status (message_id, pseudonym, status, rank,"
                 " updated_at) VALUES (:m, 'wa-x', 'sent', 1, :t)"),
            {"m": sent, "t": now},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO whatsapp_outbox (pseudonym, inbound_id, seq, state, attempts,"
                 " created_at) VALUES ('wa-x', :m, 0, 'sent', 1, :t)"),
            {"m": raw, "t": now},
        )  # fmt: skip
    store = WhatsAppStore(engine, Identity(KEY))
    store.migrate()
    assert rows_holding(engine, [raw, sent, number_in_message_ids(PHONE)]) == {}
    assert set(store.inbox_states()) == {message_key(raw), message_key(raw) + "#0123456789abcdef"}
    assert store.status_of(sent) == "sent"
    assert store.reply_state(message_key(raw), 0) == "sent"
    assert store.accept(parse(load("text.json"))) == []  # Meta's redelivery: still known
    store.close()
