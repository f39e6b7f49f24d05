"""The append-only audit log: who viewed, exported, took over or deleted which conversation.

Entries hold ids and action names, never message text. The database itself refuses UPDATE
and DELETE on the table (migration console01).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.console.auth import AdvisorInfo
from bot.console.models import AuditEntry
from bot.db import session_scope

ACTIONS = {
    "login": "ingelogd",
    "login_failed": "inloggen mislukt",
    "logout": "uitgelogd",
    "view": "gesprek bekeken",
    "view_callbacks": "terugbellijst bekeken",
    "callback_done": "terugbelverzoek afgehandeld",
    "claim": "gesprek overgenomen",
    "message": "bericht gestuurd",
    "hand_back": "teruggegeven aan de bot",
    "close": "gesprek afgesloten",
    "export": "gesprek geëxporteerd",
    "delete": "gesprek verwijderd (AVG)",
    "erase_self": "gesprek gewist door de persoon zelf (AVG)",
    "retention_purge": "gesprekken verwijderd na de bewaartermijn",
    "retain": "gesprek langer bewaard",
    "note": "notitie gemaakt",
    "tag": "label gezet",
    "untag": "label weggehaald",
    "review": "gemarkeerd als beoordeeld",
    "account_create": "account gemaakt",
    "account_active": "account aan- of uitgezet",
}


class AuditLog:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def record(
        self,
        advisor: AdvisorInfo | None,
        action: str,
        conversation_id: str | None = None,
        detail: str | None = None,
        advisor_name: str | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with session_scope(self.sessions) as session:
            session.add(
                AuditEntry(
                    advisor_id=advisor.id if advisor else None,
                    advisor_name=(advisor.name if advisor else advisor_name or "?")[:80],
                    action=action,
                    conversation_id=conversation_id,
                    detail=detail,
                )
            )

    def entries(
        self, limit: int = 500, conversation_id: str | None = None, advisor_name: str | None = None
    ) -> list[AuditEntry]:
        with session_scope(self.sessions) as session:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if conversation_id:
                query = query.where(AuditEntry.conversation_id == conversation_id)
            if advisor_name:
                query = query.where(AuditEntry.advisor_name == advisor_name)
            return list(session.execute(query).scalars())
