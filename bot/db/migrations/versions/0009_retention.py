"""conversation_holds: an adviser keeps one conversation past the retention, with a reason

Revision ID: retention01
Revises: duo01
"""

import sqlalchemy as sa
from alembic import op

revision = "retention01"
down_revision = "duo01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_holds",
        sa.Column("conversation_id", sa.String(length=120), primary_key=True),
        sa.Column("until", sa.DateTime(), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("advisor_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_holds")
