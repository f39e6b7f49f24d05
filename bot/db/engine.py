"""Database engine and sessions for the application database (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import CatalogUnavailable
from bot.settings import Settings


def create_engine(settings: Settings, url: str | None = None) -> Engine:
    """An engine with timeouts on connecting and on every statement."""
    url = url or settings.database_url
    timeout_ms = int(settings.db_timeout_s * 1000)
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa_create_engine(
            url,
            future=True,
            connect_args={"timeout": settings.db_timeout_s, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return sa_create_engine(
        url,
        future=True,
        pool_size=settings.sql_pool_size,
        max_overflow=settings.sql_max_overflow,
        pool_pre_ping=True,
        pool_timeout=settings.db_timeout_s,
        connect_args={
            "connect_timeout": max(1, int(settings.db_timeout_s)),
            "options": f"-c statement_timeout={timeout_ms}",
            "application_name": "overstap",
        },
    )


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, map outages to our error."""
    session = factory()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise CatalogUnavailable("De database is niet bereikbaar.") from exc
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
