"""Creates and migrates the application database with Alembic, from code."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection_engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates every table on an empty database)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # no chatter on every start
    command.upgrade(alembic_config(engine), "head")
