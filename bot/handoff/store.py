"""Handoff requests and call-backs in the application database: record, claim, end, expire.

Every change of a request's status is one conditional UPDATE (`... WHERE status = 'open'`), so
two advisors (or two web app instances) can never both win a claim, and a time-out never hits a
request an advisor just took. The loser sees who won.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.db import session_scope, utcnow
from bot.handoff.models import (
    ACTIVE,
    ENDED_BY_ADVISER,
    CallbackRequest,
    CallbackStatus,
    HandoffRequest,
    HandoffStatus,
)
from bot.nlp.redact import redact
from bot.office_hours import OfficeHours

OPEN, CLAIMED = HandoffStatus.OPEN, HandoffStatus.CLAIMED


@dataclass(frozen=True)
class ClaimResult:
    won: bool
    holder: str | None  # who has it now (the winner's display name), None when it is gone
    status: str | None


class HandoffStore:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    # -- requests from the bot -------------------------------------------------------------

    def record(
        self,
        conversation_id: str,
        reason: str,
        summary: dict[str, Any],
        open_question: str | None = None,
        channel: str | None = None,
        status: str = OPEN,
    ) -> int:
        with session_scope(self.sessions) as session:
            request = HandoffRequest(
                conversation_id=conversation_id,
                channel=channel,
                reason=reason,
                summary=summary,
                open_question=redact(open_question),
                status=status,
            )
            session.add(request)
            session.flush()
            return int(request.id)

    def active_for(self, conversation_id: str) -> HandoffRequest | None:
        """The request of this conversation that is waiting or taken, if any."""
        with session_scope(self.sessions) as session:
            query = (
                select(HandoffRequest)
                .where(HandoffRequest.conversation_id == conversation_id)
                .where(HandoffRequest.status.in_(ACTIVE))
                .order_by(HandoffRequest.created_at.desc())
                .limit(1)
            )
            return session.execute(query).scalars().first()

    def get(self, request_id: int) -> HandoffRequest | None:
        with session_scope(self.sessions) as session:
            return session.get(HandoffRequest, request_id)

    def list_requests(self, statuses: tuple[str, ...] | None = None, limit: int = 200) -> list:
        with session_scope(self.sessions) as session:
            query = select(HandoffRequest).order_by(HandoffRequest.created_at)
            if statuses:
                query = query.where(HandoffRequest.status.in_(statuses))
            return list(session.execute(query.limit(limit)).scalars())

    def for_conversation(self, conversation_id: str) -> list[HandoffRequest]:
        with session_scope(self.sessions) as session:
            query = (
                select(HandoffRequest)
                .where(HandoffRequest.conversation_id == conversation_id)
                .order_by(HandoffRequest.created_at)
            )
            return list(session.execute(query).scalars())

    def conversation_ids(self) -> set[str]:
        with session_scope(self.sessions) as session:
            return set(session.execute(select(HandoffRequest.conversation_id).distinct()).scalars())

    # -- the console -----------------------------------------------------------------------

    def claim(self, request_id: int, advisor_id: int, advisor_name: str) -> ClaimResult:
        """Take a waiting request. Exactly one of any number of concurrent callers wins."""
        with session_scope(self.sessions) as session:
            result = session.execute(
                update(HandoffRequest)
                .where(HandoffRequest.id == request_id, HandoffRequest.status == OPEN)
                .values(
                    status=CLAIMED,
                    claimed_by_id=advisor_id,
                    claimed_by_name=advisor_name,
                    claimed_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            won = result.rowcount == 1
        request = self.get(request_id)
        if request is None:
            return ClaimResult(False, None, None)
        return ClaimResult(won, request.claimed_by_name, request.status)

    def unclaim(self, request_id: int, advisor_id: int) -> bool:
        """Give a request back to the queue (the pause in Rasa failed)."""
        return self._move(request_id, advisor_id, CLAIMED, OPEN, clear_claim=True)

    def end(self, request_id: int, advisor_id: int, status: str) -> bool:
        """The advisor hands back to the bot ('returned') or closes ('closed')."""
        if status not in ENDED_BY_ADVISER:
            raise ValueError(status)
        return self._move(request_id, advisor_id, CLAIMED, status)

    def _move(
        self, request_id: int, advisor_id: int, old: str, new: str, clear_claim: bool = False
    ) -> bool:
        values: dict[str, Any] = {"status": new}
        if clear_claim:
            values.update(claimed_by_id=None, claimed_by_name=None, claimed_at=None)
        else:
            values["ended_at"] = utcnow()
        with session_scope(self.sessions) as session:
            result = session.execute(
                update(HandoffRequest)
                .where(
                    HandoffRequest.id == request_id,
                    HandoffRequest.status == old,
                    HandoffRequest.claimed_by_id == advisor_id,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    # -- time-outs (one unit of work per call) ---------------------------------------------

    def expire_one(
        self, wait: dt.timedelta, hours: OfficeHours, now: dt.datetime | None = None
    ) -> HandoffRequest | None:
        """Mark one request nobody took in time (or left open at closing time) as expired.

        Returns the request it expired, or None when there was nothing to do.
        """
        now_utc = now or dt.datetime.now(dt.timezone.utc)
        naive_now = now_utc.astimezone(dt.timezone.utc).replace(tzinfo=None)
        query = select(HandoffRequest.id).where(HandoffRequest.status == OPEN)
        if hours.is_open(now_utc):
            query = query.where(HandoffRequest.created_at <= naive_now - wait)
        query = query.order_by(HandoffRequest.created_at).limit(5)
        with session_scope(self.sessions) as session:
            candidates = list(session.execute(query).scalars())
        for request_id in candidates:
            with session_scope(self.sessions) as session:
                result = session.execute(
                    update(HandoffRequest)
                    .where(HandoffRequest.id == request_id, HandoffRequest.status == OPEN)
                    .values(status=HandoffStatus.EXPIRED, ended_at=naive_now)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    return session.get(HandoffRequest, request_id)
        return None

    # -- call-backs ------------------------------------------------------------------------

    def record_callback(
        self,
        conversation_id: str,
        method: str,
        contact_enc: str,
        handoff_id: int | None = None,
        channel: str | None = None,
    ) -> int:
        with session_scope(self.sessions) as session:
            callback = CallbackRequest(
                conversation_id=conversation_id,
                handoff_id=handoff_id,
                channel=channel,
                method=method,
                contact_enc=contact_enc,
                status=CallbackStatus.OPEN,
            )
            session.add(callback)
            session.flush()
            return int(callback.id)

    def callbacks(self, status: str | None = CallbackStatus.OPEN) -> list[CallbackRequest]:
        with session_scope(self.sessions) as session:
            query = select(CallbackRequest).order_by(CallbackRequest.created_at)
            if status:
                query = query.where(CallbackRequest.status == status)
            return list(session.execute(query).scalars())

    def callback(self, callback_id: int) -> CallbackRequest | None:
        with session_scope(self.sessions) as session:
            return session.get(CallbackRequest, callback_id)

    def finish_callback(self, callback_id: int, advisor_name: str) -> bool:
        with session_scope(self.sessions) as session:
            result = session.execute(
                update(CallbackRequest)
                .where(
                    CallbackRequest.id == callback_id, CallbackRequest.status == CallbackStatus.OPEN
                )
                .values(status=CallbackStatus.DONE, done_at=utcnow(), done_by_name=advisor_name)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1
