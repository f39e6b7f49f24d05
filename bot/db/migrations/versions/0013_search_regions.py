"""course search: regions as a bit mask on courses and postings, each course's term impacts,
covering indexes

A region filter looked up each candidate's places in `course_locations` (about 0.6 ms for every
40 courses a list gave). `regions` holds the course's provinces and grid cells
(bot/catalog/regions.py) on `courses` and on every row of `search_postings`, so a province
filter is a bit test and a distance filter looks up places only in the cells its box touches.
Existing courses get their masks here.

`courses.search_impacts` holds every term of a course with its impact (what its postings hold,
bot/catalog/postings.py `forward`): a search that reads a course row anyway scores it from there
instead of looking up each word in `search_postings` (2-7 us a look-up).

PostgreSQL also reads the postings from their indexes alone: the primary key carries the filter
columns (INCLUDE), the (course_id, term) index the impact. SQLite's postings are a WITHOUT ROWID
table, whose rows are the primary key's entries already. On both, the index of a course's places
covers what a search reads of them.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FILTERS = "nlqf_rank, price, sector, online, regions"


def _fill(bind) -> None:
    """Every course's mask from its places, computed as the code does; then the postings'."""
    from bot.catalog.regions import mask

    names = ("id", "course_id", "province", "lat", "lon")
    places = sa.table("course_locations", *(sa.column(n) for n in names))
    masks: dict[str, int] = {}
    last = 0
    while True:
        batch = bind.execute(
            sa.select(places).where(places.c.id > last).order_by(places.c.id).limit(20000)
        ).all()
        if not batch:
            break
        for place in batch:
            masks[place.course_id] = masks.get(place.course_id, 0) | mask([place._mapping])
        last = batch[-1].id
    bind.execute(sa.text("CREATE TEMPORARY TABLE course_regions (id VARCHAR(120), regions BIGINT)"))
    rows = [{"id": k, "regions": v} for k, v in masks.items() if v]
    for start in range(0, len(rows), 5000):
        bind.execute(
            sa.text("INSERT INTO course_regions (id, regions) VALUES (:id, :regions)"),
            rows[start : start + 5000],
        )
    for table, key in (("courses", "id"), ("search_postings", "course_id")):
        bind.execute(
            sa.text(
                f"UPDATE {table} SET regions = r.regions FROM course_regions r "  # noqa: S608
                f"WHERE r.id = {table}.{key}"
            )
        )
    bind.execute(sa.text("DROP TABLE course_regions"))


def fill_impacts(bind) -> None:
    """Every course's `search_impacts` from its stored search fields."""
    from bot.catalog.postings import forward

    courses = sa.table("courses", *(sa.column(n) for n in ("id", "search_title", "search_body")))
    bind.execute(sa.text("CREATE TEMPORARY TABLE course_impacts (id VARCHAR(120), impacts TEXT)"))
    last = ""
    while True:
        batch = bind.execute(
            sa.select(courses).where(courses.c.id > last).order_by(courses.c.id).limit(5000)
        ).all()
        if not batch:
            break
        bind.execute(
            sa.text("INSERT INTO course_impacts (id, impacts) VALUES (:id, :impacts)"),
            [{"id": c.id, "impacts": forward(c.search_title, c.search_body)} for c in batch],
        )
        last = batch[-1].id
    bind.execute(
        sa.text(
            "UPDATE courses SET search_impacts = i.impacts FROM course_impacts i "
            "WHERE i.id = courses.id"
        )
    )
    bind.execute(sa.text("DROP TABLE course_impacts"))


def _places_index(postgres: bool, columns: list[str]) -> None:
    op.drop_index("ix_course_locations_course", "course_locations")
    extra = {"postgresql_include": ["id"]} if postgres and len(columns) > 1 else {}
    op.create_index("ix_course_locations_course", "course_locations", columns, **extra)


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("SET LOCAL statement_timeout = 0")  # a register-size catalog takes minutes
    for table in ("courses", "search_postings"):
        op.add_column(
            table, sa.Column("regions", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.add_column(
        "courses", sa.Column("search_impacts", sa.Text(), nullable=False, server_default="")
    )
    if postgres:  # uncompressed in the row: a search reads it for each word (else 4x slower)
        op.execute("ALTER TABLE courses ALTER COLUMN search_impacts SET STORAGE PLAIN")
    _fill(bind)
    fill_impacts(bind)
    _places_index(postgres, ["course_id", "province", "lat", "lon", "place"])
    if postgres:
        op.execute(
            "ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey, "
            "ADD CONSTRAINT search_postings_pkey PRIMARY KEY (term, impact, course_id) "
            f"INCLUDE ({FILTERS})"
        )
        op.execute("DROP INDEX ix_search_postings_course")
        op.execute(
            "CREATE INDEX ix_search_postings_course ON search_postings (course_id, term) "
            "INCLUDE (impact)"
        )
        op.execute("ANALYZE courses, search_postings")


def downgrade() -> None:
    _places_index(op.get_bind().dialect.name == "postgresql", ["course_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_postings_course")
        op.execute("CREATE INDEX ix_search_postings_course ON search_postings (course_id, term)")
        op.execute(
            "ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey, "
            "ADD CONSTRAINT search_postings_pkey PRIMARY KEY (term, impact, course_id)"
        )
    for table in ("search_postings", "courses"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN regions")
    op.execute("ALTER TABLE courses DROP COLUMN search_impacts")
