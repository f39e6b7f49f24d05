"""course search: finer planner statistics on search_tsv (PostgreSQL)

With the default statistics target (100) PostgreSQL keeps the frequencies of only ~1,000
lexemes of search_tsv and guesses the rest. It then overestimates how many courses a rare word
matches and intersects the text matches with bitmaps of the level and price indexes (tens of
thousands of entries each) and a hash of every location in the province, instead of just
checking the few matching rows: ~10 ms instead of ~0.2 ms at 100k courses (measured with
bench/catalog_search.py). A target of 1000 keeps ~10,000 lexemes. Only plans change, never
results. SQLite's planner always starts from FTS5 here, so it needs nothing.

Revision ID: 0003 (the fourth step; the id is older than the file name)
Revises: wa01
"""

from alembic import op

revision = "0003"
down_revision = "wa01"  # after the WhatsApp tables (both branched from 0002)
branch_labels = None
depends_on = None

TARGET = 1000


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE courses ALTER COLUMN search_tsv SET STATISTICS {TARGET}")
        op.execute("SET LOCAL statement_timeout = 0")  # a big catalog takes a while to sample
        op.execute("ANALYZE courses")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE courses ALTER COLUMN search_tsv SET STATISTICS -1")
