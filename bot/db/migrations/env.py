"""Alembic environment: runs migrations on the engine handed over by bot.db.migrate.

Autogenerate compares the database with every table the code declares, so this imports the
models of every package. It is the one place in bot/db that knows the packages above it: Alembic
loads this file by its path, nothing in the project imports it (the import test leaves it out).
"""

from alembic import context

import bot.catalog.models
import bot.catalog.postings
import bot.console.models
import bot.handoff.models
import bot.whatsapp.models  # noqa: F401 - each registers its tables on Base.metadata
from bot.db.base import Base
from bot.db.migrate import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["connection_engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
