"""whatsapp message ids: a keyed hash instead of Meta's id, which holds the number in base64

The WhatsApp store keeps `message_key(wamid)` (bot/db/erasure.py) from this revision on. Rows
stored before it are hashed here the same way, so a redelivery of an older message is still
known and no table keeps a number in an id. A '#suffix' (another message under a known id,
bot/whatsapp/store.py) stays behind the hash. Hashing needs OVERSTAP_PSEUDONYM_KEY, read from
the settings as the store reads it; a database without such rows never reads it.

Revision ID: 0012
Revises: erased01
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "erased01"
branch_labels = None
depends_on = None

# Every column in which the WhatsApp store keeps a message id.
COLUMNS = (
    ("whatsapp_inbox", "message_id"),
    ("whatsapp_message_status", "message_id"),
    ("whatsapp_send_errors", "message_id"),
    ("whatsapp_outbox", "inbound_id"),
)
HASHED = re.compile(r"[0-9a-f]{64}(#.*)?", re.S)


def hashed(value: str) -> str:
    from bot.db.erasure import message_key

    base, sep, suffix = value.partition("#")
    return message_key(base) + sep + suffix


def upgrade() -> None:
    conn = op.get_bind()
    for name, column in COLUMNS:
        table = sa.table(name, sa.column(column))
        ids = conn.execute(
            sa.select(table.c[column]).where(table.c[column].is_not(None)).distinct()
        ).scalars()
        for value in [v for v in ids if not HASHED.fullmatch(v)]:
            conn.execute(
                sa.update(table).where(table.c[column] == value).values({column: hashed(value)})
            )


def downgrade() -> None:
    """Nothing: a keyed hash cannot be undone (the rows go with the retention purge)."""
