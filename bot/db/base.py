"""The declarative base every table derives from, the clock the tables use, and `Meta`.

Each package declares its own tables in its `models.py` on this `Base` (bot.catalog.models,
bot.handoff.models, bot.console.models, bot.whatsapp.models); the migrations in
bot/db/migrations see them all through `bot.db.migrations.env`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> dt.datetime:
    """Now in UTC, without a time zone: the form every DateTime column stores."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Meta(Base):
    """Key/value facts about the database itself, such as the loaded seed's fingerprint."""

    __tablename__ = "overstap_meta"

    key = Column(String(60), primary_key=True)
    value = Column(Text, nullable=False)
