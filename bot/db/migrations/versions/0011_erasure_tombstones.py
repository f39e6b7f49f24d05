"""erasure tombstones: keyed hashes of erased conversations and of their WhatsApp message ids

Revision ID: erased01
Revises: waoutbox01
"""

import sqlalchemy as sa
from alembic import op

revision = "erased01"
down_revision = "waoutbox01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_conversations",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(), nullable=False, index=True),
    )
    op.create_table(
        "whatsapp_erased_messages",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_erased_messages")
    op.drop_table("erased_conversations")
