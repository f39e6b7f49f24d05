"""Impact-ordered postings: the course search's answer to common words at register size.

A full-text index has to score every course that contains a word before it knows the best ten;
for a word in a third of 140,000 courses that takes 70-250 ms. `search_postings` keeps, for
every index term and every course that has it, the term's BM25 weight in that course (the
formula of SQLite FTS5's bm25() with the title weighted 3 and the body 1), ordered by that
weight. The best courses for a word are then the first rows of one index range, and a search
with filters walks that range until enough courses pass, without scoring the rest.

The table also carries the course columns that the hard filters read (level, price, sector,
online, and the mask of its places' regions), so a row that fails them is skipped without a
look-up in `courses` or `course_locations`. Rows are made by `rows_for` from the analysed
fields that bot.catalog.index keeps; bot.catalog.index writes them on every flush and rebuilds
them with the term dictionary. The same impacts per course are in `courses.search_impacts`
(`forward`), for scoring a course whose row a search reads anyway.

`top` finds the n best courses for several words in one statement (rarely a few): the lists,
the exact scores of the courses read, the bound for the courses not read, and whatever columns
of other tables the caller wants with them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer, String

from bot.db import Base

# FTS5's bm25() parameters and column weights (bot.catalog.search ranks with the same).
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# The average course length in tokens, fixed so that a posting never changes when other
# courses come or go (FTS5 uses the live average; the order within one term is the same).
AVG_LENGTH = 45.0
TERM_LENGTH = 80  # as search_terms.term


class SearchPosting(Base):
    """One index term in one course, with its weight there and the course's filter columns."""

    __tablename__ = "search_postings"

    term = Column(String(TERM_LENGTH), primary_key=True)
    impact = Column(Float, primary_key=True)
    course_id = Column(String(120), ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    nlqf_rank = Column(Integer)
    price = Column(Float)
    sector = Column(String(40), nullable=False)
    online = Column(Integer, nullable=False, default=0)
    regions = Column(BigInteger, nullable=False, default=0)  # the course's (bot.catalog.regions)

    # A course's impact of one term: the threshold algorithm's look-up, and deletes by course.
    __table_args__ = (Index("ix_search_postings_course", "course_id", "term"),)


def impacts(search_title: str, search_body: str) -> dict[str, float]:
    """Every term of one course with its BM25 weight (without the term's idf)."""
    title, body = search_title.split(), search_body.split()
    freq: Counter = Counter()
    for token in title:
        freq[token] += TITLE_WEIGHT
    for token in body:
        freq[token] += BODY_WEIGHT
    norm = K1 * (1 - B + B * (len(title) + len(body)) / AVG_LENGTH)
    return {term[:TERM_LENGTH]: round(f * (K1 + 1) / (f + norm), 5) for term, f in freq.items()}


IMPACT_UNIT = 100_000  # impacts are rounded to 5 decimals: whole units of 1e-5


def forward(search_title: str, search_body: str) -> str:
    """A course's terms with their impacts in units of 1e-5, " term:89474 term:123456 ": what
    `Course.search_impacts` holds. Whole numbers give back exactly the impacts of the
    postings (the nearest double to n / 100000), and a term is found as " term:"."""
    weights = impacts(search_title, search_body)
    return " " + "".join(f"{t}:{round(w * IMPACT_UNIT)} " for t, w in weights.items())


def idf(docs: int, total: int) -> float:
    """FTS5's idf: log((N - n + 0.5) / (n + 0.5)), at least 1e-6."""
    return max(1e-6, math.log((total - docs + 0.5) / (docs + 0.5)))


def rows_for(course: Mapping[str, Any] | Any) -> list[dict[str, Any]]:
    """The postings of one course (a Course or a row dict with the same names)."""

    def get(name: str) -> Any:
        return course[name] if isinstance(course, Mapping) else getattr(course, name)

    weights = impacts(get("search_title") or "", get("search_body") or "")
    common = {
        "course_id": get("id"),
        "nlqf_rank": get("nlqf_rank"),
        "price": get("price"),
        "sector": get("sector"),
        "online": int(get("online") or 0),
        "regions": int(get("regions") or 0),
    }
    return [{"term": t, "impact": w, **common} for t, w in weights.items()]


# -- top n ----------------------------------------------------------------------------------

# One term's best postings that pass the filters, best first: a walk down one index range.
# `{where}` holds the filter clauses on the alias `p` (bot.catalog.search._filter_sql).
_LIST = (
    "SELECT * FROM (SELECT p.course_id, p.term, p.impact FROM search_postings p "
    "WHERE p.term = :t{i}{where} ORDER BY p.impact DESC, p.course_id DESC LIMIT :m) AS l{i}"
)
WITH_ALL_CAP = 2000  # more courses with every word than this: the plain bound must do


def unseen(per_group: list[float], lacks_a_group: bool) -> float:
    """The most a course not read can score, from each group's best unread weight * impact;
    without the weakest group when every course with all groups has been read (so a course
    not read lacks one)."""
    if lacks_a_group and len(per_group) > 1:
        return sum(per_group) - min(per_group)
    return sum(per_group)


@dataclass(frozen=True)
class Joined:
    """Columns of other tables to read with the best courses, in the same statement: `columns`
    on the aliases that `joins` makes (the scored course is `e.course_id`), `order` after
    the score."""

    columns: str = ""
    joins: str = ""
    order: str = ""


class _Statement:
    """The one statement that finds the n best courses by text score (see `top`).

    Its parts: `q` the query terms with their group and weight, `l` each term's best m rows,
    `s` how many rows each term gave and its last impact (a term that gave m rows is open: it
    has more), `c` the courses to score, `k` their impacts (`l`, plus a look-up of the open
    terms by the (course_id, term) index), `e` the best n with their score and terms.
    """

    def __init__(self, dialect: str, terms: list[str], groups: list[set[str]], where: str):
        self.dialect, self.terms, self.groups = dialect, terms, groups
        self.concat = "string_agg" if dialect == "postgresql" else "group_concat"
        pairs = [
            (i, g) for g, group in enumerate(groups) for i, t in enumerate(terms) if t in group
        ]
        self.q = (
            "q(term, grp, w) AS (VALUES "
            + ", ".join(f"(:t{i}, {g}, CAST(:w{i} AS FLOAT))" for i, g in pairs)
            + ")"
        )
        self.where = where
        self.lists = " UNION ALL ".join(_LIST.format(i=i, where=where) for i in range(len(terms)))

    def sql(self, with_all: str | None, joined: Joined) -> str:
        if len(self.terms) == 1:  # one list, read in its order: its first n rows
            return (
                "SELECT e.course_id, e.score, e.has" + joined.columns + " FROM (SELECT "
                "p.course_id, CAST(:w0 AS FLOAT) * p.impact AS score, p.term AS has FROM "
                f"search_postings p WHERE p.term = :t0{self.where} "
                "ORDER BY p.impact DESC, p.course_id DESC LIMIT :n) AS e" + joined.joins
                + f" ORDER BY e.score DESC, e.course_id DESC{joined.order}"
            )  # fmt: skip
        materialized = "" if _old_sqlite(self.dialect) else "MATERIALIZED "
        ctes = [self.q, f"l AS {materialized}({self.lists})"]
        bound = ""
        if len(self.groups) == 1:
            # One group: the n courses with the best weight * impact read are the n best (a
            # course not read has at most each list's last, which n courses read reach).
            ctes += [
                _STATS,
                "c AS (SELECT l.course_id, max(q.w * l.impact) AS lb FROM l JOIN q ON "
                "q.term = l.term GROUP BY l.course_id ORDER BY lb DESC, l.course_id DESC LIMIT :n)",
                "k AS (SELECT l.course_id, l.term, l.impact FROM l JOIN c ON c.course_id = "
                f"l.course_id UNION {self._look_up()})",
                f"e AS (SELECT k.course_id, max(q.w * k.impact) AS score, {self.concat}(k.term, ' ') "
                "AS has FROM k JOIN q ON q.term = k.term GROUP BY k.course_id "
                "ORDER BY score DESC, k.course_id DESC LIMIT :n)",
            ]  # fmt: skip
        else:
            ctes += self._groups(with_all)
            bound = "".join(
                f", (SELECT top FROM o WHERE grp = {g}) AS o{g}" for g in range(len(self.groups))
            ) + (", (SELECT n FROM cnt) < :cap1 AS all_seen" if with_all else "")
        return (
            "WITH " + ", ".join(ctes)
            + f" SELECT e.course_id, e.score, e.has{bound}{joined.columns} FROM e{joined.joins}"
            + f" ORDER BY e.score DESC, e.course_id DESC{joined.order}"
        )  # fmt: skip

    def _look_up(self) -> str:
        """The open terms' postings of the courses in `c`, by the (course_id, term) index (a
        CROSS JOIN keeps SQLite from walking every posting of the terms instead)."""
        if self.dialect == "postgresql":
            return (
                "SELECT p.course_id, p.term, p.impact FROM c JOIN search_postings p ON "
                "p.course_id = c.course_id AND p.term = ANY(ARRAY(SELECT term FROM s WHERE n >= :m))"
            )
        return (
            "SELECT p.course_id, p.term, p.impact FROM c CROSS JOIN search_postings p ON "
            "p.course_id = c.course_id AND p.term IN (SELECT term FROM s WHERE n >= :m)"
        )

    def _groups(self, with_all: str | None) -> list[str]:
        """Several groups: every course read is scored exactly; `o` holds each group's most
        for a course not read."""
        ctes = [_STATS, _OPEN]
        if with_all:
            return ctes + self._with_all(with_all)
        return ctes + [
            "c AS (SELECT DISTINCT course_id FROM l)",
            f"k AS (SELECT course_id, term, impact FROM l UNION {self._look_up()})",
            f"e AS ({self._scores('k')} ORDER BY score DESC, course_id DESC LIMIT :n)",
        ]

    def _scores(self, impacts: str) -> str:
        """Each course's score from the impacts in `impacts`: per group the best, summed."""
        return (
            f"SELECT course_id, sum(b) AS score, {self.concat}(has, ' ') AS has FROM ("
            f"SELECT k.course_id, q.grp, max(q.w * k.impact) AS b, {self.concat}(k.term, ' ') "
            f"AS has FROM {impacts} k JOIN q ON q.term = k.term GROUP BY k.course_id, q.grp) AS g "
            "GROUP BY course_id"
        )

    def _with_all(self, with_all: str) -> list[str]:
        """With every course that has all groups (`wa`, unless more than the cap): those are
        scored exactly from their rows' `search_impacts` (read anyway to test the filters); a
        course read that is not among them lacks a group, and with two groups it has only the
        one it was read in, so it is scored from that group's terms alone, and only when that
        can reach the n-th best of `wa` (`cs`, `es`)."""
        materialized = "" if _old_sqlite(self.dialect) else "MATERIALIZED "
        greatest = "greatest" if self.dialect == "postgresql" else "max"
        pruned = f"({1 if len(self.groups) == 2 else 0} = 1 AND (SELECT n FROM cnt) < :cap1)"
        return [
            f"w0 AS {materialized}(SELECT c.id AS course_id, c.search_impacts AS si "
            f"{with_all} LIMIT :cap1)",
            "cnt AS (SELECT count(*) AS n FROM w0)",
            # the impacts are read only when every course with all groups is here
            f"wu AS {materialized}(SELECT course_id, {self._units()} FROM w0 "
            "WHERE (SELECT n FROM cnt) < :cap1)",
            f"wa AS {materialized}(SELECT course_id, {self._row_score()} AS score, "
            f"{self._row_terms()} AS has FROM wu)",
            "nth AS (SELECT score FROM wa ORDER BY score DESC LIMIT 1 OFFSET :n1)",
            "sg AS (SELECT l.course_id, q.grp, max(q.w * l.impact) AS seen FROM l JOIN q ON "
            "q.term = l.term WHERE l.course_id NOT IN (SELECT course_id FROM wa) "
            "GROUP BY l.course_id, q.grp)",
            f"cs AS (SELECT DISTINCT sg.course_id FROM sg JOIN o ON o.grp = sg.grp WHERE NOT "
            f"{pruned} OR {greatest}(sg.seen, o.top) >= coalesce((SELECT score FROM nth), 0.0))",
            # the (course, term) pairs to look up: the course's own group's, or every term
            f"pp AS (SELECT sg.course_id, q.term FROM sg JOIN q ON q.grp = sg.grp WHERE {pruned} "
            "AND sg.course_id IN (SELECT course_id FROM cs) "
            f"UNION SELECT cs.course_id, q.term FROM cs CROSS JOIN q WHERE NOT {pruned})",
            "ks AS (SELECT course_id, term, impact FROM l WHERE course_id IN "
            "(SELECT course_id FROM cs) UNION SELECT p.course_id, p.term, p.impact FROM pp "
            f"{self._join} search_postings p ON p.course_id = pp.course_id AND p.term = pp.term "
            "WHERE pp.term IN (SELECT term FROM s WHERE n >= :m))",
            f"es AS ({self._scores('ks')})",
            "e AS (SELECT * FROM wa UNION ALL SELECT * FROM es "
            "ORDER BY score DESC, course_id DESC LIMIT :n)",
        ]  # fmt: skip

    def _units(self) -> str:
        """Each term's impact in a course's `search_impacts` (`si`), in units of 1e-5 and 0
        when it lacks the term: columns u0, u1, ..."""
        if self.dialect == "postgresql":
            unit = (
                "coalesce(split_part(substr(si, nullif(strpos(si, :k{i}), 0) + :kl{i}, 7), ' ', 1)"
                "::integer, 0) AS u{i}"
            )
        else:
            unit = (
                "coalesce(CAST(substr(si, nullif(instr(si, :k{i}), 0) + :kl{i}, 7) AS INTEGER), 0) "
                "AS u{i}"
            )
        return ", ".join(unit.format(i=i) for i in range(len(self.terms)))

    def _row_score(self) -> str:
        """A row's score from its units: per group the best weight * impact, summed."""
        greatest = "greatest" if self.dialect == "postgresql" else "max"
        index = {t: i for i, t in enumerate(self.terms)}
        best = []
        for group in self.groups:
            values = [
                f"CAST(:w{index[t]} AS FLOAT) * (u{index[t]} / CAST({IMPACT_UNIT} AS FLOAT))"
                for t in sorted(group)
            ]
            best.append(values[0] if len(values) == 1 else f"{greatest}({', '.join(values)})")
        return " + ".join(best)

    def _row_terms(self) -> str:
        """The query terms a row has (a unit above 0), space separated."""
        return (
            "trim("
            + " || ".join(
                f"CASE WHEN u{i} > 0 THEN :t{i} || ' ' ELSE '' END" for i in range(len(self.terms))
            )
            + ")"
        )

    @property
    def _join(self) -> str:
        return "JOIN" if self.dialect == "postgresql" else "CROSS JOIN"


_STATS = "s AS (SELECT term, count(*) AS n, min(impact) AS last FROM l GROUP BY term)"
_OPEN = (
    "o AS (SELECT q.grp, max(CASE WHEN s.n >= :m THEN q.w * s.last ELSE 0.0 END) AS top "
    "FROM q LEFT JOIN s ON s.term = q.term GROUP BY q.grp)"
)


def _old_sqlite(dialect: str) -> bool:
    """SQLite before 3.35 knows no MATERIALIZED hint (it materializes CTEs used twice anyway)."""
    import sqlite3

    return dialect == "sqlite" and sqlite3.sqlite_version_info < (3, 35)


def top(
    session: Any,
    weights: Mapping[str, float],
    where: list[str],
    params: dict[str, Any],
    n: int,
    groups: list[set[str]] | None = None,
    with_all: str | None = None,
    joined: Joined | None = None,
) -> list[Any]:
    """The n courses with the highest score, best first, in one statement (rarely more).

    A course's score is, per group (one per word typed: the word and its synonyms, typo
    corrections or compound head), the best weight * impact of the group's terms, summed.
    The statement reads the best m rows of each term's ordered postings that pass the filters
    (`where`), and scores exactly, from the postings, the courses read: with one group those
    are the n best at once. With several groups a course not read can score at most each
    group's last weight * impact read (Fagin's threshold algorithm); when the n-th best score
    reaches that, they are the n best, else it reads four times deeper. `with_all` is a query
    for every course (that passes the filters) with a term of each group: those are scored
    too, and a course not read then lacks a whole group, which bounds it much lower when the
    words are common; it is the FROM and WHERE of a query on the courses `c`, whose rows
    carry their terms' impacts (`search_impacts`).

    Returns rows with `course_id`, `score` and `has` (the query terms the course has, space
    separated), and the `joined` columns (one row per joined row).
    """
    from sqlalchemy import text

    terms = sorted(t for t, w in weights.items() if w > 0)
    if not terms:
        return []
    groups = [g & set(terms) for g in (groups or [{t} for t in terms])]
    groups = [g for g in groups if g]
    dialect = session.get_bind().dialect.name
    statement = _Statement(dialect, terms, groups, "".join(f" AND {w}" for w in where))
    several = len(groups) > 1
    sql = text(statement.sql(with_all if several else None, joined or Joined()))
    binds = {**params, "n": n, "n1": n - 1, "cap1": WITH_ALL_CAP + 1}
    binds.update({f"k{i}": f" {t}:" for i, t in enumerate(terms)})
    binds.update({f"kl{i}": len(t) + 2 for i, t in enumerate(terms)})
    binds.update({f"t{i}": t for i, t in enumerate(terms)})
    binds.update({f"w{i}": float(weights[t]) for i, t in enumerate(terms)})
    m = n
    while True:
        rows = session.execute(sql, {**binds, "m": m}).all()
        if not several or _decided(rows, len(groups), n, with_all is not None):
            return rows
        if with_all is not None and rows and not rows[0].all_seen:
            with_all = None  # more courses with every word than the cap: no need to ask again
            sql = text(statement.sql(None, joined or Joined()))
        m *= 4


def _decided(rows: list[Any], groups: int, n: int, with_all: bool) -> bool:
    """Do the scored courses hold the n best? Yes when fewer than n were found (every list
    was read whole) or the n-th best scores at least what a course not read could."""
    scores = {r[0]: r[1] for r in rows}  # course_id, score (joined columns may reuse names)
    if len(scores) < n:
        return True
    first = rows[0]
    per_group = [getattr(first, f"o{g}") or 0.0 for g in range(groups)]
    return sorted(scores.values(), reverse=True)[n - 1] >= unseen(
        per_group, with_all and bool(first.all_seen)
    )
