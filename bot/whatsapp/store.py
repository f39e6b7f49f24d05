"""The WhatsApp channel's state in the application database (SQLite or PostgreSQL).

Everything here is synchronous SQLAlchemy (2.0 style); the channel calls it in a thread so the
event loop never waits on the database. Correctness rests on the database, not on one process:
the UNIQUE message_id makes a redelivery a no-op (only a redelivery: another message under a
known id is stored too, see `_another_under_known_id`), a claim is a conditional UPDATE on a version
(the attempt counter), and a status only moves forward through a conditional UPDATE. Nothing is
kept for ever: `purge` deletes what the retention settings no longer allow.

No Meta message id (wamid) is stored: it holds the person's phone number in base64. Every
public method that takes one hashes it first (`message_key`, keyed with OVERSTAP_PSEUDONYM_KEY,
bot/db/erasure.py) and the tables hold only that hash. What a claim hands on
(`Claimed.message_id`, the id a turn answers and its replies' `inbound_id`) is the hash too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import begin_write, migrate, session_factory, session_scope, utcnow
from bot.db.erasure import message_key
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS
from bot.whatsapp.identity import Address, Identity
from bot.whatsapp.models import (
    WhatsAppContact,
    WhatsAppErasedMessage,
    WhatsAppInbox,
    WhatsAppMessageStatus,
    WhatsAppOutbox,
    WhatsAppSendError,
)
from bot.whatsapp.webhook import Inbound, Notification, StatusEvent

logger = logging.getLogger(__name__)

T = TypeVar("T")
WINDOW_CLOSED = 131047  # more than 24 hours since the person last wrote: only templates allowed
# A status only moves to a higher rank: read never becomes delivered again.
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass(frozen=True)
class Claimed:
    id: int
    message_id: str  # the keyed hash of Meta's id, as stored
    pseudonym: str
    kind: str
    text: str | None
    attempts: int


PURGE_BATCH = 5000  # rows per table per purge call: short transactions on a big backlog


@dataclass(frozen=True)
class Purged:
    """How many rows one purge call deleted, per table."""

    inbox: int = 0
    statuses: int = 0
    contacts: int = 0
    send_errors: int = 0
    outbox: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(
            self.inbox + other.inbox,
            self.statuses + other.statuses,
            self.contacts + other.contacts,
            self.send_errors + other.send_errors,
            self.outbox + other.outbox,
        )

    @property
    def total(self) -> int:
        return self.inbox + self.statuses + self.contacts + self.send_errors + self.outbox


@dataclass(frozen=True)
class Claim:
    """The next message of a sender, or nothing now (`retry_in` seconds when one waits)."""

    row: Claimed | None = None
    retry_in: float | None = None


def _insert_ignore(session: Session, model: type, values: dict[str, Any]) -> int:
    """INSERT that does nothing on a unique conflict; returns the number of rows inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return result.rowcount or 0


class WhatsAppStore:
    def __init__(self, engine: Engine, identity: Identity):
        self.engine = engine
        self.identity = identity
        self.sessions = session_factory(engine)

    def migrate(self) -> None:
        migrate.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- inbound -----------------------------------------------------------------------------

    def accept(self, notification: Notification) -> list[str]:
        """Store a webhook POST in one transaction; returns the senders with new messages.

        A message or status whose message id belongs to an erased conversation (Meta's
        redelivery, a late delivery status) is not stored: see `_unless_erased`."""
        senders: list[str] = []
        with session_scope(self.sessions) as session:
            begin_write(session.connection())  # SQLite: before the savepoints below
            for inbound in notification.messages:
                key = message_key(inbound.message_id)
                found = self._unless_erased(
                    session, key, lambda m=inbound, k=key: self._inbound(session, m, k)
                )
                if found is not None:
                    pseudonym, new = found
                    if new and pseudonym not in senders:
                        senders.append(pseudonym)
            for status in notification.statuses:
                key = message_key(status.message_id)
                self._unless_erased(
                    session, key, lambda s=status, k=key: self._status(session, s, k)
                )
        return senders

    def _inbound(self, session: Session, inbound: Inbound, key: str) -> tuple[str, bool]:
        """(the sender's pseudonym, whether the message is new); `key`: the hashed id."""
        pseudonym = self._contact(session, inbound)
        text = redact(inbound.text[:MAX_MESSAGE_CHARS]) if inbound.text else None
        values = {
            "message_id": key,
            "pseudonym": pseudonym,
            "kind": inbound.kind,
            "text": text,
            "sent_at": inbound.sent_at,
            "state": "pending",
            "attempts": 0,
            "received_at": utcnow(),
        }
        inserted = _insert_ignore(session, WhatsAppInbox, values)
        if not inserted:
            inserted = self._another_under_known_id(session, values)
        return pseudonym, bool(inserted)

    @staticmethod
    def _unless_erased(session: Session, key: str, write: Callable[[], T]) -> T | None:
        """`write` in a savepoint, undone when the hashed message id `key` is a tombstone (the
        tombstone of a stored id is that id, bot/db/erasure.py `message_tombstone`): it is of a
        conversation erased in the last days (bot/console/erased.py). The check comes after the
        write, because a write to a row an erase is deleting waits until the erase committed,
        and then its tombstone is seen (PostgreSQL); on SQLite `accept` holds the write lock."""
        savepoint = session.begin_nested()
        try:
            result = write()
            erased = session.execute(
                select(WhatsAppErasedMessage.key).where(WhatsAppErasedMessage.key == key)
            ).first()
        except BaseException:
            savepoint.rollback()
            raise
        if erased is not None:
            savepoint.rollback()
            return None
        savepoint.commit()
        return result

    @staticmethod
    def _another_under_known_id(session: Session, values: dict[str, Any]) -> int:
        """Store a message whose id is known already but whose sender, time or kind differ.

        Meta delivers a message again with all of it the same. A different message under a
        known id is not a redelivery: Meta's own webhook examples of different message types
        share one id and one timestamp (the reference's example values), so a photo posted
        after a button reply from those examples got no answer at all. It is stored under the id
        with a suffix made from what differs, the same each time, so its own redeliveries stay
        one message. Returns the rows inserted, as `_insert_ignore`.
        """
        known = session.execute(
            select(WhatsAppInbox.pseudonym, WhatsAppInbox.sent_at, WhatsAppInbox.kind).where(
                WhatsAppInbox.message_id == values["message_id"]
            )
        ).first()
        this = (values["pseudonym"], values["sent_at"], values["kind"])
        if known is None or tuple(known) == this:
            return 0  # a redelivery (or purged meanwhile: then it was handled long ago)
        logger.warning("WhatsApp: a known message id came with another message; stored as new")
        suffix = hashlib.sha256("|".join(map(str, this)).encode()).hexdigest()[:16]
        other_id = f"{values['message_id']}#{suffix}"  # the hashed id and the suffix
        return _insert_ignore(session, WhatsAppInbox, {**values, "message_id": other_id})

    def _contact(self, session: Session, inbound: Inbound) -> str:
        """The sender's pseudonym; creates or refreshes the contact with its encrypted address."""
        bsuid_key = self.identity.bsuid_key(inbound.user_id) if inbound.user_id else None
        contact = None
        if bsuid_key:
            contact = session.execute(
                select(WhatsAppContact).where(WhatsAppContact.bsuid_key == bsuid_key)
            ).scalar_one_or_none()
        if contact is not None:
            pseudonym = contact.pseudonym
        elif inbound.wa_id:
            pseudonym = self.identity.pseudonym_for_phone(inbound.wa_id)
        else:
            pseudonym = self.identity.pseudonym_for_bsuid(str(inbound.user_id))
        address = Address(wa_id=inbound.wa_id, user_id=inbound.user_id)
        now = utcnow()
        _insert_ignore(
            session,
            WhatsAppContact,
            {
                "pseudonym": pseudonym,
                "bsuid_key": None,
                "address_enc": self.identity.encrypt(address),
                "options": [],
                "created_at": now,
                "last_inbound_at": now,
            },
        )
        contact = session.get(WhatsAppContact, pseudonym)
        if contact is None:  # purged between the insert and the read (PostgreSQL): make it anew
            return self._contact(session, inbound)
        old = self.identity.decrypt(contact.address_enc) or Address()
        merged = Address(wa_id=address.wa_id or old.wa_id, user_id=address.user_id or old.user_id)
        if merged != old:
            contact.address_enc = self.identity.encrypt(merged)
        contact.last_inbound_at = now
        if bsuid_key and contact.bsuid_key is None:
            try:
                with session.begin_nested():
                    contact.bsuid_key = bsuid_key
                    session.flush()
            except IntegrityError:  # another contact has it already: keep them apart
                pass
        session.flush()
        return pseudonym

    def claim_next(self, pseudonym: str, lease_s: float) -> Claim:
        """Take the sender's oldest unfinished message, unless another worker is on it."""
        while True:
            now = utcnow()
            with session_scope(self.sessions) as session:
                row = session.execute(
                    select(WhatsAppInbox)
                    .where(
                        WhatsAppInbox.pseudonym == pseudonym,
                        WhatsAppInbox.state.in_(("pending", "processing")),
                    )
                    .order_by(WhatsAppInbox.sent_at, WhatsAppInbox.id)
                    .limit(1)
                ).scalar_one_or_none()
                if row is None:
                    return Claim()
                if row.state == "processing":
                    stale_at = row.claimed_at + dt.timedelta(seconds=lease_s)
                    if stale_at > now:
                        return Claim(retry_in=(stale_at - now).total_seconds())
                elif row.not_before is not None and row.not_before > now:
                    return Claim(retry_in=(row.not_before - now).total_seconds())
                claimed = session.execute(
                    update(WhatsAppInbox)
                    .where(
                        WhatsAppInbox.id == row.id,
                        WhatsAppInbox.state == row.state,
                        WhatsAppInbox.attempts == row.attempts,
                    )
                    .values(state="processing", claimed_at=now, attempts=row.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if claimed == 1:
                    return Claim(
                        Claimed(
                            row.id, row.message_id, pseudonym, row.kind, row.text, row.attempts + 1
                        )
                    )
            # Someone else claimed it between our read and our update: look again.

    def finish(self, row_id: int, state: str = "done") -> None:
        """Mark a message done (or failed); its text is deleted, only the id stays for dedup."""
        with session_scope(self.sessions) as session:
            session.execute(
                update(WhatsAppInbox)
                .where(WhatsAppInbox.id == row_id)
                .values(state=state, text=None, finished_at=utcnow())
            )

    def retry_later(self, row_id: int, delay_s: float) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(WhatsAppInbox)
                .where(WhatsAppInbox.id == row_id)
                .values(state="pending", not_before=utcnow() + dt.timedelta(seconds=delay_s))
            )

    def renew_claim(self, row_id: int, attempts: int) -> bool:
        """Keep a claim while its message is worked on; False when the claim is no longer ours
        (it ran out and another worker took the message: `attempts` moved on)."""
        with session_scope(self.sessions) as session:
            renewed = session.execute(
                update(WhatsAppInbox)
                .where(
                    WhatsAppInbox.id == row_id,
                    WhatsAppInbox.state == "processing",
                    WhatsAppInbox.attempts == attempts,
                )
                .values(claimed_at=utcnow())
                .execution_options(synchronize_session=False)
            ).rowcount
        return renewed == 1

    def senders_with_work(self) -> list[str]:
        """Senders with pending or claimed messages. A claim is listed too: when its worker died
        (its claim is no longer renewed), `claim_next` says when the lease ends and the sender's
        task looks again then, instead of at the next sweep."""
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(WhatsAppInbox.pseudonym)
                .where(WhatsAppInbox.state.in_(("pending", "processing")))
                .group_by(WhatsAppInbox.pseudonym)
                .order_by(func.min(WhatsAppInbox.id))
            ).all()
        return [row[0] for row in rows]

    # -- retention ---------------------------------------------------------------------------

    def purge(
        self,
        inbox_days: int,
        contact_days: int,
        *,
        now: dt.datetime | None = None,
        batch: int = PURGE_BATCH,
    ) -> Purged:
        """Delete one batch of what is past its retention; call again while `total` is not 0.

        - inbox rows handled (done or failed) more than `inbox_days` ago; their text was
          cleared already, the id only guarded against redelivery;
        - delivery statuses not updated for `inbox_days`;
        - contacts (encrypted address, last menu) without a message for `contact_days`, unless
          a message of theirs still waits, and send errors older than `contact_days`.
        """
        now = now or utcnow()
        inbox_cutoff = now - dt.timedelta(days=inbox_days)
        contact_cutoff = now - dt.timedelta(days=contact_days)
        with session_scope(self.sessions) as session:
            handled = and_(
                WhatsAppInbox.state.in_(("done", "failed")),
                WhatsAppInbox.finished_at < inbox_cutoff,
            )
            inbox = self._delete_batch(session, WhatsAppInbox.id, handled, batch)
            statuses = self._delete_batch(
                session,
                WhatsAppMessageStatus.message_id,
                WhatsAppMessageStatus.updated_at < inbox_cutoff,
                batch,
            )
            waiting = exists().where(
                WhatsAppInbox.pseudonym == WhatsAppContact.pseudonym,
                WhatsAppInbox.state.in_(("pending", "processing")),
            )
            contacts = self._delete_batch(
                session,
                WhatsAppContact.pseudonym,
                and_(WhatsAppContact.last_inbound_at < contact_cutoff, ~waiting),
                batch,
            )
            send_errors = self._delete_batch(
                session, WhatsAppSendError.id, WhatsAppSendError.created_at < contact_cutoff, batch
            )
            outbox = self._delete_batch(
                session,
                WhatsAppOutbox.id,
                or_(
                    and_(WhatsAppOutbox.body.is_(None), WhatsAppOutbox.created_at < inbox_cutoff),
                    WhatsAppOutbox.created_at < contact_cutoff,  # never sent: given up
                ),
                batch,
            )
        return Purged(inbox, statuses, contacts, send_errors, outbox)

    def purge_all(self, inbox_days: int, contact_days: int, *, batch: int = PURGE_BATCH) -> Purged:
        """`purge` until nothing is left to delete."""
        now = utcnow()
        done = Purged()
        while True:
            purged = self.purge(inbox_days, contact_days, now=now, batch=batch)
            done += purged
            counts = (purged.inbox, purged.statuses, purged.contacts, purged.send_errors)
            if max(*counts, purged.outbox) < batch:
                return done

    @staticmethod
    def _delete_batch(session: Session, key: Any, condition: Any, batch: int) -> int:
        """DELETE at most `batch` rows matching `condition`, oldest keys first.

        The condition is repeated outside the subquery: on PostgreSQL a row changed meanwhile
        (a contact that just wrote again) is checked once more and then kept.
        """
        chosen = select(key).where(condition).order_by(key).limit(batch)
        result = session.execute(
            delete(key.class_)
            .where(key.in_(chosen), condition)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0

    # -- contacts ----------------------------------------------------------------------------

    def address(self, pseudonym: str) -> Address | None:
        with session_scope(self.sessions) as session:
            contact = session.get(WhatsAppContact, pseudonym)
            return self.identity.decrypt(contact.address_enc) if contact else None

    def options(self, pseudonym: str) -> list[str]:
        """The payloads of the last numbered menu sent to this sender (empty when none)."""
        with session_scope(self.sessions) as session:
            contact = session.get(WhatsAppContact, pseudonym)
            return list(contact.options or []) if contact is not None else []

    def set_options(self, pseudonym: str, payloads: list[str]) -> None:
        with session_scope(self.sessions) as session:
            contact = session.get(WhatsAppContact, pseudonym)
            if contact is not None:
                contact.options = list(payloads)

    # -- outbound ----------------------------------------------------------------------------

    def record_sent(self, message_id: str, pseudonym: str) -> None:
        """Meta's id of a message we sent; stored hashed, as every message id."""
        with session_scope(self.sessions) as session:
            event = StatusEvent(message_id, "accepted")
            self._status(session, event, message_key(message_id), pseudonym)

    def record_send_error(
        self, pseudonym: str, code: int, title: str, message_id: str | None = None
    ) -> None:
        with session_scope(self.sessions) as session:
            session.add(
                WhatsAppSendError(
                    pseudonym=pseudonym,
                    message_id=message_key(message_id) if message_id else None,
                    error_code=code,
                    error_title=title[:300],
                )
            )

    def _status(
        self, session: Session, event: StatusEvent, key: str, pseudonym: str | None = None
    ) -> None:
        """Store `event` under `key`, the hashed `event.message_id`."""
        rank = STATUS_RANK.get(event.status)
        if rank is None:  # e.g. "played" for voice messages; we send none
            return
        values = {
            "message_id": key,
            "pseudonym": pseudonym,
            "status": event.status,
            "rank": rank,
            "error_code": event.error_code,
            "updated_at": utcnow(),
        }
        changed = _insert_ignore(session, WhatsAppMessageStatus, values)
        if not changed:
            changed = session.execute(
                update(WhatsAppMessageStatus)
                .where(
                    WhatsAppMessageStatus.message_id == key,
                    WhatsAppMessageStatus.rank < rank,
                )
                .values(
                    status=event.status,
                    rank=rank,
                    error_code=event.error_code,
                    updated_at=values["updated_at"],
                )
            ).rowcount
            if pseudonym:  # the status webhook can arrive before our own record of the send
                session.execute(
                    update(WhatsAppMessageStatus)
                    .where(
                        WhatsAppMessageStatus.message_id == key,
                        WhatsAppMessageStatus.pseudonym.is_(None),
                    )
                    .values(pseudonym=pseudonym)
                )
        if changed and event.status == "failed" and event.error_code:
            owner = session.get(WhatsAppMessageStatus, key)
            who = (owner.pseudonym if owner else None) or self._recipient(session, event)
            if who:
                session.add(
                    WhatsAppSendError(
                        pseudonym=who,
                        message_id=key,
                        error_code=event.error_code,
                        error_title=event.error_title,
                    )
                )

    def _recipient(self, session: Session, event: StatusEvent) -> str | None:
        if event.recipient_id and event.recipient_id.lstrip("+").isdigit():
            return self.identity.pseudonym_for_phone(event.recipient_id)
        user_id = event.recipient_user_id or event.recipient_id
        if not user_id:
            return None
        contact = session.execute(
            select(WhatsAppContact).where(
                WhatsAppContact.bsuid_key == self.identity.bsuid_key(user_id)
            )
        ).scalar_one_or_none()
        return contact.pseudonym if contact else self.identity.pseudonym_for_bsuid(user_id)

    # -- outbound queue: replies the Graph API did not take, and what a turn sent -----------

    def reply_state(self, inbound_id: str, seq: int) -> str | None:
        """ "sent", "pending" (queued) or None (not tried) for reply `seq` to `inbound_id`.

        `inbound_id` here and below is `Claimed.message_id`: hashed already, not hashed again."""
        with session_scope(self.sessions) as session:
            row = session.execute(
                select(WhatsAppOutbox.state).where(
                    WhatsAppOutbox.inbound_id == inbound_id, WhatsAppOutbox.seq == seq
                )
            ).first()
        if row is None:
            return None
        return "sent" if row[0] in {"sent", "failed"} else "pending"

    def has_queued(self, pseudonym: str) -> bool:
        with session_scope(self.sessions) as session:
            return (
                session.execute(
                    select(WhatsAppOutbox.id)
                    .where(
                        WhatsAppOutbox.pseudonym == pseudonym,
                        WhatsAppOutbox.state.in_(("pending", "sending")),
                    )
                    .limit(1)
                ).first()
                is not None
            )

    def queue_reply(
        self, pseudonym: str, inbound_id: str | None, seq: int, body: dict[str, Any]
    ) -> None:
        with session_scope(self.sessions) as session:
            _insert_ignore(
                session,
                WhatsAppOutbox,
                {"pseudonym": pseudonym, "inbound_id": inbound_id, "seq": seq, "body": body,
                 "state": "pending", "attempts": 0, "created_at": utcnow()},
            )  # fmt: skip

    def record_reply_sent(self, pseudonym: str, inbound_id: str, seq: int) -> None:
        """Reply `seq` to `inbound_id` went out (no body kept: only that it did)."""
        with session_scope(self.sessions) as session:
            _insert_ignore(
                session,
                WhatsAppOutbox,
                {"pseudonym": pseudonym, "inbound_id": inbound_id, "seq": seq, "body": None,
                 "state": "sent", "attempts": 1, "created_at": utcnow(), "sent_at": utcnow()},
            )  # fmt: skip

    def queued_senders(self) -> list[str]:
        now = utcnow()
        with session_scope(self.sessions) as session:
            rows = session.execute(
                select(WhatsAppOutbox.pseudonym)
                .where(
                    WhatsAppOutbox.state.in_(("pending", "sending")),
                    or_(WhatsAppOutbox.not_before.is_(None), WhatsAppOutbox.not_before <= now),
                )
                .group_by(WhatsAppOutbox.pseudonym)
            ).all()
        return [row[0] for row in rows]

    def claim_reply(self, pseudonym: str, lease_s: float) -> tuple[int, dict, int] | None:
        """The sender's oldest queued reply when it is due: (id, body, attempt), claimed."""
        now = utcnow()
        with session_scope(self.sessions) as session:
            row = session.execute(
                select(WhatsAppOutbox)
                .where(
                    WhatsAppOutbox.pseudonym == pseudonym,
                    WhatsAppOutbox.state.in_(("pending", "sending")),
                )
                .order_by(WhatsAppOutbox.id)
                .limit(1)
            ).scalar_one_or_none()
            if row is None or (row.not_before is not None and row.not_before > now):
                return None
            claimed = session.execute(
                update(WhatsAppOutbox)
                .where(WhatsAppOutbox.id == row.id, WhatsAppOutbox.attempts == row.attempts)
                .values(
                    state="sending",
                    attempts=row.attempts + 1,
                    not_before=now + dt.timedelta(seconds=lease_s),
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            return (row.id, dict(row.body or {}), row.attempts + 1) if claimed == 1 else None

    def reply_done(self, row_id: int, state: str = "sent") -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(WhatsAppOutbox)
                .where(WhatsAppOutbox.id == row_id)
                .values(state=state, body=None, sent_at=utcnow(), not_before=None)
            )

    def reply_later(self, row_id: int, delay_s: float) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(WhatsAppOutbox)
                .where(WhatsAppOutbox.id == row_id)
                .values(state="pending", not_before=utcnow() + dt.timedelta(seconds=delay_s))
            )

    # -- reading, for tests and the advisor console -------------------------------------------

    def status_of(self, message_id: str) -> str | None:
        """The delivery status of the message with Meta's id `message_id`."""
        with session_scope(self.sessions) as session:
            row = session.get(WhatsAppMessageStatus, message_key(message_id))
            return row.status if row else None

    def send_errors(self, code: int | None = None) -> list[dict[str, Any]]:
        with session_scope(self.sessions) as session:
            query = select(WhatsAppSendError).order_by(WhatsAppSendError.id)
            if code is not None:
                query = query.where(WhatsAppSendError.error_code == code)
            return [
                {
                    "pseudonym": e.pseudonym,
                    "message_id": e.message_id,
                    "error_code": e.error_code,
                    "error_title": e.error_title,
                    "created_at": e.created_at,
                }
                for e in session.execute(query).scalars()
            ]

    def inbox_states(self) -> dict[str, str]:
        """{stored id (`message_key` of Meta's id): state}."""
        with session_scope(self.sessions) as session:
            rows = session.execute(select(WhatsAppInbox.message_id, WhatsAppInbox.state)).all()
        return {message_id: state for message_id, state in rows}
