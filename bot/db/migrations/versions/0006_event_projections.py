"""console tables fed by the event consumer: live events, statistics counters

Revision ID: events01
Revises: console01
"""

import sqlalchemy as sa
from alembic import op

revision = "events01"
down_revision = "console01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("event_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("type_name", sa.String(length=40), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_live_events_sender", "live_events", ["sender_id", "event_id"])
    op.create_index("ix_live_events_timestamp", "live_events", ["timestamp"])
    op.create_table(
        "stats_conversations",
        sa.Column("sender_id", sa.String(length=255), primary_key=True),
        sa.Column("first_day", sa.Date(), nullable=False, index=True),
        sa.Column("first_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "stats_intents",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("intent", sa.String(length=120), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "stats_misunderstood",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("text_key", sa.String(length=80), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_misunderstood")
    op.drop_table("stats_intents")
    op.drop_table("stats_conversations")
    op.drop_index("ix_live_events_timestamp", table_name="live_events")
    op.drop_index("ix_live_events_sender", table_name="live_events")
    op.drop_table("live_events")
