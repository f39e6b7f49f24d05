"""whatsapp channel: contacts (pseudonym, encrypted address), inbox, statuses, send errors

Revision ID: wa01 (the third step)
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "wa01"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_contacts",
        sa.Column("pseudonym", sa.String(length=64), primary_key=True),
        sa.Column("bsuid_key", sa.String(length=64), nullable=True),
        sa.Column("address_enc", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("bsuid_key", name="uq_whatsapp_contacts_bsuid_key"),
    )
    op.create_table(
        "whatsapp_inbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        # The guarantee that a redelivered message is processed once, across processes.
        sa.UniqueConstraint("message_id", name="uq_whatsapp_inbox_message_id"),
    )
    op.create_index("ix_whatsapp_inbox_sender_state", "whatsapp_inbox", ["pseudonym", "state"])
    op.create_table(
        "whatsapp_message_status",
        sa.Column("message_id", sa.String(length=200), primary_key=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_whatsapp_message_status_pseudonym", "whatsapp_message_status", ["pseudonym"]
    )
    op.create_table(
        "whatsapp_send_errors",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=False),
        sa.Column("error_title", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_whatsapp_send_errors_pseudonym", "whatsapp_send_errors", ["pseudonym"])
    op.create_index("ix_whatsapp_send_errors_error_code", "whatsapp_send_errors", ["error_code"])


def downgrade() -> None:
    op.drop_table("whatsapp_send_errors")
    op.drop_table("whatsapp_message_status")
    op.drop_index("ix_whatsapp_inbox_sender_state", "whatsapp_inbox")
    op.drop_table("whatsapp_inbox")
    op.drop_table("whatsapp_contacts")
