"""Engine and sessions of the application database (SQLite or PostgreSQL), and `Database`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.db import migrate
from bot.errors import DatabaseUnavailable
from bot.settings import Settings

MMAP_BYTES = 1 << 31


def create_engine(settings: Settings, url: str | None = None) -> Engine:
    """An engine with timeouts on connecting and on every statement."""
    url = url or settings.database_url
    timeout_ms = int(settings.db_timeout_s * 1000)
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A file database keeps its connections (SQLAlchemy 1.4 opens a new one per session
        # for files): connecting, the pragmas and reading the schema cost about 1 ms, and a
        # kept connection keeps its page cache. ":memory:" keeps SQLAlchemy's own pool.
        pooled: dict = {}
        if path and path != ":memory:":
            pooled = {
                "poolclass": QueuePool,
                "pool_size": settings.sql_pool_size,
                "max_overflow": settings.sql_max_overflow,
                "pool_timeout": settings.db_timeout_s,
            }
        engine = sa_create_engine(
            url,
            future=True,
            connect_args={"timeout": settings.db_timeout_s, "check_same_thread": False},
            **pooled,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
            cur.execute("PRAGMA journal_mode=WAL")
            # Read the file through memory mapping (up to SQLite's limit, 2 GB): the course
            # search reads pages all over a register-size catalog (880 MB), which through the
            # default 2 MB page cache costs a system call and a copy per page, twice the time.
            cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
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
        raise DatabaseUnavailable("De database is niet bereikbaar.") from exc
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def begin_write(conn: Connection) -> None:
    """The first statement of a transaction that reads and then writes what another may change
    at the same time. On SQLite it takes the database's write lock now (waiting for it as for
    any write): pysqlite starts a transaction only at the first write, so a read before it
    could be out of date by then, and a savepoint before it would begin (and its release end)
    the transaction. PostgreSQL needs nothing here."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The application database of one process: its engine, its sessions and its schema.

    One per process, shared by the stores of every package (the catalog, handoff requests,
    the console, WhatsApp), so they share one connection pool.
    """

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.settings = settings
        self.engine = create_engine(settings, url)
        self.sessions = session_factory(self.engine)

    def scope(self) -> contextlib.AbstractContextManager[Session]:
        """One unit of work (see `session_scope`)."""
        return session_scope(self.sessions)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (creates every table on an empty database)."""
        try:
            migrate.upgrade(self.engine)
        except (OperationalError, DBAPIError) as exc:
            raise DatabaseUnavailable(f"De database is niet bereikbaar: {exc.orig}") from exc

    def close(self) -> None:
        self.engine.dispose()
