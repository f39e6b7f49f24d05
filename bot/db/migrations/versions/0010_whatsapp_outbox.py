"""whatsapp outbox: replies the Graph API did not take, and what a turn already sent

Revision ID: waoutbox01
Revises: retention01
"""

import sqlalchemy as sa
from alembic import op

revision = "waoutbox01"
down_revision = "retention01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("inbound_id", sa.String(length=200), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("inbound_id", "seq", name="uq_whatsapp_outbox_turn"),
    )
    op.create_index("ix_whatsapp_outbox_sender_state", "whatsapp_outbox", ["pseudonym", "state"])


def downgrade() -> None:
    op.drop_index("ix_whatsapp_outbox_sender_state", table_name="whatsapp_outbox")
    op.drop_table("whatsapp_outbox")
