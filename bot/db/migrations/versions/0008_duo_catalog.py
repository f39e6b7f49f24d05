"""catalog from DUO's register (RIO): course forms, RIO codes, link and place certainty, sources

Revision ID: duo01
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "duo01"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("catalog_source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("forms", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("rio_codes", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("url_kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("place_kind", sa.String(length=20), nullable=True))
    op.create_index("ix_courses_catalog_source", "courses", ["catalog_source"])
    op.create_table(
        "catalog_sources",
        sa.Column("id", sa.String(length=20), primary_key=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("downloaded", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalog_sources")
    op.drop_index("ix_courses_catalog_source", table_name="courses")
    with op.batch_alter_table("courses") as batch:
        for column in ("place_kind", "url_kind", "rio_codes", "forms", "catalog_source"):
            batch.drop_column(column)
