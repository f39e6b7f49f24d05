"""course search: impact-ordered postings (both backends); tsvector with `simple` (PostgreSQL)

`search_postings` holds every index term of every course with its BM25 weight, ordered by that
weight, so the best courses for a common word are the first rows of one index range
(bot/catalog/postings.py). On SQLite it is a WITHOUT ROWID table: the rows of one term lie
together, filter columns included. Existing courses get their postings here.

PostgreSQL indexed the analysed fields with the `dutch` configuration, which stems the
already-stemmed tokens again and drops those that look like Dutch stop words: "overheid" is
stored as "over", a stop word, so it was never found. The tokens are indexed as they are now,
with `simple`.

Revision ID: 0007
Revises: events01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "events01"
branch_labels = None
depends_on = None

SQLITE_TABLE = """
CREATE TABLE search_postings (
    term VARCHAR(80) NOT NULL,
    impact FLOAT NOT NULL,
    course_id VARCHAR(120) NOT NULL,
    nlqf_rank INTEGER,
    price FLOAT,
    sector VARCHAR(40) NOT NULL,
    online INTEGER NOT NULL,
    PRIMARY KEY (term, impact, course_id),
    FOREIGN KEY(course_id) REFERENCES courses (id) ON DELETE CASCADE
) WITHOUT ROWID
"""


def _tsvector(config: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_courses_search_tsv")
    op.execute("ALTER TABLE courses DROP COLUMN IF EXISTS search_tsv")
    op.execute(
        "ALTER TABLE courses ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{config}', search_title), 'A') || "
        f"setweight(to_tsvector('{config}', search_body), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_courses_search_tsv ON courses USING gin (search_tsv)")
    op.execute("ALTER TABLE courses ALTER COLUMN search_tsv SET STATISTICS 1000")


def _fill() -> None:
    from bot.catalog.postings import SearchPosting, rows_for

    bind = op.get_bind()
    courses = sa.table(
        "courses",
        *(
            sa.column(n)
            for n in ("id", "search_title", "search_body", "nlqf_rank", "price", "sector", "online")
        ),
    )
    last = ""
    while True:
        batch = bind.execute(
            sa.select(courses).where(courses.c.id > last).order_by(courses.c.id).limit(2000)
        ).all()
        if not batch:
            break
        rows = [r for course in batch for r in rows_for(dict(course._mapping))]
        if rows:
            bind.execute(sa.insert(SearchPosting.__table__), rows)
        last = batch[-1].id


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_TABLE)
    else:
        op.create_table(
            "search_postings",
            sa.Column("term", sa.String(length=80), primary_key=True),
            sa.Column("impact", sa.Float(), primary_key=True),
            sa.Column(
                "course_id",
                sa.String(length=120),
                sa.ForeignKey("courses.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("nlqf_rank", sa.Integer(), nullable=True),
            sa.Column("price", sa.Float(), nullable=True),
            sa.Column("sector", sa.String(length=40), nullable=False),
            sa.Column("online", sa.Integer(), nullable=False),
        )
        op.execute("SET LOCAL statement_timeout = 0")
        _tsvector("simple")
    op.create_index("ix_search_postings_course", "search_postings", ["course_id", "term"])
    _fill()


def downgrade() -> None:
    op.drop_index("ix_search_postings_course", "search_postings")
    op.drop_table("search_postings")
    if op.get_bind().dialect.name == "postgresql":
        _tsvector("dutch")
