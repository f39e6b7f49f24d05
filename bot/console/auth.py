"""Advisor accounts: argon2id password hashes, roles, and a login rate limit in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.console.models import ROLES, Advisor, LoginAttempt
from bot.db import session_scope, utcnow
from bot.errors import AccountError, RateLimited

MIN_PASSWORD_CHARS = 10
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

_hasher = PasswordHasher()
# Verified when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class AdvisorInfo:
    """What a request needs to know about the logged-in advisor (no hash)."""

    id: int
    name: str
    display_name: str
    role: str
    active: bool
    session_epoch: int

    @property
    def is_admin(self) -> bool:
        return self.role == "beheerder"

    @property
    def state_label(self) -> str:
        """Dutch, for `overstap advisor list`: may this account log in?"""
        return "actief" if self.active else "uit"


def _info(advisor: Advisor) -> AdvisorInfo:
    return AdvisorInfo(
        advisor.id,
        advisor.name,
        advisor.display_name,
        advisor.role,
        bool(advisor.active),
        int(advisor.session_epoch or 0),
    )


def normalise_name(name: str) -> str:
    return name.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD_CHARS} tekens hebben.")


class Accounts:
    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions

    def create(
        self, name: str, password: str, role: str = "adviseur", display_name: str | None = None
    ) -> AdvisorInfo:
        login = normalise_name(name)
        if not login or len(login) > 80 or not set(login) <= NAME_CHARS:
            raise AccountError(
                "Kies een naam van kleine letters, cijfers, punt, streepje of liggend streepje."
            )
        if role not in ROLES:
            raise AccountError(f"Rol {role!r} bestaat niet. Kies adviseur of beheerder.")
        check_password(password)
        shown = (display_name or name).strip()[:80] or login
        try:
            with session_scope(self.sessions) as session:
                advisor = Advisor(
                    name=login,
                    display_name=shown[:1].upper() + shown[1:],
                    password_hash=_hasher.hash(password),
                    role=role,
                    active=True,
                    session_epoch=0,
                )
                session.add(advisor)
                session.flush()
                return _info(advisor)
        except IntegrityError:
            raise AccountError(f"Er is al een account met de naam {login}.") from None

    def get(self, advisor_id: int) -> AdvisorInfo | None:
        with session_scope(self.sessions) as session:
            advisor = session.get(Advisor, advisor_id)
            return _info(advisor) if advisor else None

    def all(self) -> list[AdvisorInfo]:
        with session_scope(self.sessions) as session:
            return [
                _info(a) for a in session.execute(select(Advisor).order_by(Advisor.name)).scalars()
            ]

    def exists(self, name: str) -> bool:
        with session_scope(self.sessions) as session:
            query = select(Advisor.id).where(Advisor.name == normalise_name(name)[:80])
            return session.execute(query).first() is not None

    def count(self) -> int:
        with session_scope(self.sessions) as session:
            return int(session.execute(select(func.count()).select_from(Advisor)).scalar_one())

    def set_active(self, advisor_id: int, active: bool) -> None:
        with session_scope(self.sessions) as session:
            session.execute(
                update(Advisor)
                .where(Advisor.id == advisor_id)
                .values(active=active, session_epoch=Advisor.session_epoch + 1)
            )

    def set_password(self, advisor_id: int, password: str) -> None:
        check_password(password)
        with session_scope(self.sessions) as session:
            session.execute(
                update(Advisor)
                .where(Advisor.id == advisor_id)
                .values(
                    password_hash=_hasher.hash(password), session_epoch=Advisor.session_epoch + 1
                )
            )

    # -- logging in ------------------------------------------------------------------------

    def authenticate(
        self, name: str, password: str, ip: str, now: dt.datetime | None = None
    ) -> AdvisorInfo | None:
        """The advisor for a right name and password; None otherwise. Raises RateLimited."""
        login = normalise_name(name)[:80]
        now = now or utcnow()
        if self.is_limited(login, ip, now):
            raise RateLimited("Te veel pogingen.")
        with session_scope(self.sessions) as session:
            advisor = session.execute(
                select(Advisor).where(Advisor.name == login)
            ).scalar_one_or_none()
            stored = advisor.password_hash if advisor is not None else _DUMMY_HASH
            try:
                ok = _hasher.verify(stored, password) and advisor is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            ok = ok and bool(advisor.active)
            session.add(LoginAttempt(at=now, ip=ip[:64], account=login, success=ok))
            if not ok:
                return None
            if _hasher.check_needs_rehash(advisor.password_hash):
                advisor.password_hash = _hasher.hash(password)
            advisor.last_login_at = now
            return _info(advisor)

    def is_limited(self, login: str, ip: str, now: dt.datetime) -> bool:
        since = now - WINDOW
        with session_scope(self.sessions) as session:
            last_ok = session.execute(
                select(func.max(LoginAttempt.at)).where(
                    LoginAttempt.account == login, LoginAttempt.success.is_(True)
                )
            ).scalar_one()
            account_since = max(since, last_ok) if last_ok else since
            per_account = session.execute(
                select(func.count()).where(
                    LoginAttempt.account == login,
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at > account_since,
                )
            ).scalar_one()
            per_ip = session.execute(
                select(func.count()).where(
                    LoginAttempt.ip == ip[:64],
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at > since,
                )
            ).scalar_one()
        return per_account >= MAX_FAILURES_PER_ACCOUNT or per_ip >= MAX_FAILURES_PER_IP
