"""The application database: engine, sessions, the declarative base, time helpers, migrations.

The lowest layer with bot.settings and bot.errors: it knows no package's tables. Each package
owns its tables in its `models.py`; bot/db/migrations/env.py imports them all so that Alembic's
autogenerate sees every table.
"""

from bot.db.base import Base, Meta, utcnow
from bot.db.engine import Database, begin_write, create_engine, session_factory, session_scope
from bot.errors import DatabaseUnavailable

__all__ = [
    "Base",
    "Database",
    "begin_write",
    "DatabaseUnavailable",
    "Meta",
    "create_engine",
    "session_factory",
    "session_scope",
    "utcnow",
]
