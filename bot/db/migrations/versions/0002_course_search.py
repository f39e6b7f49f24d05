"""course search: analysed text fields, a term vocabulary, FTS5 (SQLite) or tsvector+GIN (PG)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS_COLUMNS = "search_title, search_body"
TRIGGERS = (
    """CREATE TRIGGER courses_fts_ai AFTER INSERT ON courses BEGIN
        INSERT INTO courses_fts(rowid, search_title, search_body)
        VALUES (new.rowid, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER courses_fts_ad AFTER DELETE ON courses BEGIN
        INSERT INTO courses_fts(courses_fts, rowid, search_title, search_body)
        VALUES ('delete', old.rowid, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER courses_fts_au AFTER UPDATE ON courses BEGIN
        INSERT INTO courses_fts(courses_fts, rowid, search_title, search_body)
        VALUES ('delete', old.rowid, old.search_title, old.search_body);
        INSERT INTO courses_fts(rowid, search_title, search_body)
        VALUES (new.rowid, new.search_title, new.search_body);
    END""",
)


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("search_title", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("search_body", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_courses_price", "courses", ["price"])
    op.create_index("ix_course_locations_lat", "course_locations", ["lat", "lon"])
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=80), primary_key=True),
        sa.Column("docs", sa.Integer(), nullable=False, server_default="0"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 index over the analysed fields, kept in step by triggers.
        op.execute(
            f"CREATE VIRTUAL TABLE courses_fts USING fts5({FTS_COLUMNS}, "
            "content='courses', content_rowid='rowid', tokenize='unicode61')"
        )
        for statement in TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO courses_fts(courses_fts) VALUES ('rebuild')")
    else:
        # PostgreSQL: the Dutch text search configuration over both fields, title weighted A.
        op.execute(
            "ALTER TABLE courses ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('dutch', search_title), 'A') || "
            "setweight(to_tsvector('dutch', search_body), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_courses_search_tsv ON courses USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("courses_fts_ai", "courses_fts_ad", "courses_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS courses_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_courses_search_tsv")
        op.execute("ALTER TABLE courses DROP COLUMN IF EXISTS search_tsv")
    op.drop_table("search_terms")
    op.drop_index("ix_course_locations_lat", "course_locations")
    op.drop_index("ix_courses_price", "courses")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("search_body")
        batch.drop_column("search_title")
