"""Impact-ordered postings: the course search's answer to common words at register size.

A full-text index has to score every course that contains a word before it knows the best ten;
for a word in a third of 140,000 courses that takes 70-250 ms. `search_postings` keeps, for
every index term and every course that has it, the term's BM25 weight in that course (the
formula of SQLite FTS5's bm25() with the title weighted 3 and the body 1), ordered by that
weight. The best courses for a word are then the first rows of one index range, and a search
with filters walks that range until enough courses pass, without scoring the rest.

The table also carries the course columns that the hard filters read (level, price, sector,
online), so a row that fails them is skipped without a look-up in `courses`. Rows are made by
`rows_for` from the analysed fields that bot.catalog.index keeps; bot.catalog.index writes them
on every flush and rebuilds them with the term dictionary.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String

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
    }
    return [{"term": t, "impact": w, **common} for t, w in weights.items()]


# -- top n ----------------------------------------------------------------------------------

# One term's best postings that pass the filters, best first: a walk down one index range.
# `{where}` holds the filter clauses on the alias `p` (bot.catalog.search._filter_sql).
_LIST = (
    "SELECT * FROM (SELECT p.course_id, p.term, p.impact FROM search_postings p "
    "WHERE p.term = :t{i}{where} ORDER BY p.impact DESC, p.course_id DESC LIMIT :m{i}) AS l{i}"
)
# A term in at most this many courses is read whole in the first round: cheap, and then it
# adds nothing to the bound on courses not seen.
READ_WHOLE = 250


class _Score:
    """A course's score: per group (one per word typed: the word and its synonyms, typo
    corrections or compound head), the best weight * impact of the group's terms, summed."""

    def __init__(self, weights: Mapping[str, float], groups: list[set[str]] | None):
        self.weights = weights
        self.groups = [g for g in (groups or [{t} for t in weights]) if g]

    def low(self, imp: dict[str, float]) -> float:
        """What the impacts read so far give (the exact score when none is missing)."""
        w = self.weights
        return sum(max((w[t] * imp[t] for t in g if t in imp), default=0.0) for g in self.groups)

    def high(self, imp: dict[str, float], open_terms: dict[str, float]) -> float:
        """The most this course can score: an unread open term at most its last impact."""
        w = self.weights
        return sum(
            max(
                [w[t] * imp[t] for t in g if t in imp]
                + [open_terms[t] for t in g if t in open_terms and t not in imp],
                default=0.0,
            )
            for g in self.groups
        )

    def unseen(self, open_terms: dict[str, float], lacks_a_group: bool) -> float:
        """The most a course not seen yet can score; without its weakest group when every
        course with all groups has been seen (so a course not seen lacks one)."""
        per_group = [max((open_terms.get(t, 0.0) for t in g), default=0.0) for g in self.groups]
        if lacks_a_group and len(per_group) > 1:
            return sum(per_group) - min(per_group)
        return sum(per_group)


def top(
    session: Any,
    weights: Mapping[str, float],
    where: list[str],
    params: dict[str, Any],
    n: int,
    docs: Mapping[str, int] | None = None,
    groups: list[set[str]] | None = None,
    with_all: list[str] | None = None,
) -> list[tuple[str, float]]:
    """The n courses with the highest score (`_Score`), best first, and their scores.

    Reads the best m rows of each term's ordered postings (one statement), then decides
    without looking further when it can: a course's score lies between what its rows read so
    far give and what unread terms could add at most (each open term's last impact read), and
    a course not seen at all is bounded the same way (Fagin's NRA). When bounds alone do not
    settle the n best, the seen courses' missing impacts are read (the combined algorithm);
    else it reads four times deeper. A one-word query is decided by its first n rows. `docs`
    (the term dictionary's counts) lets a rare term be read whole at once. `with_all` lists
    every course (that passes the filters) with a term of each group: a course not seen then
    lacks a whole group, which bounds it much lower when the words are common and flat.
    """
    from sqlalchemy import text

    terms = sorted(t for t, w in weights.items() if w > 0)
    if not terms:
        return []
    score = _Score(weights, groups)
    clause = "".join(f" AND {w}" for w in where)
    sql = " UNION ALL ".join(_LIST.format(i=i, where=clause) for i in range(len(terms)))
    binds = {**params, **{f"t{i}": t for i, t in enumerate(terms)}}
    m = n
    while True:
        limits = {
            t: max(m, READ_WHOLE) if (docs or {}).get(t, READ_WHOLE + 1) <= READ_WHOLE else m
            for t in terms
        }
        known: dict[str, dict[str, float]] = {cid: {} for cid in with_all or []}
        last: dict[str, float] = {}
        count: Counter = Counter()
        depth = {f"m{i}": limits[t] for i, t in enumerate(terms)}
        for course_id, term, impact in session.execute(text(sql), {**binds, **depth}):
            known.setdefault(course_id, {})[term] = impact
            last[term] = impact
            count[term] += 1
        open_terms = {t: weights[t] * last[t] for t in terms if count[t] == limits[t]}
        unseen = score.unseen(open_terms, with_all is not None)
        best = _decided(known, score, open_terms, unseen, n)
        if best is None and len(known) >= n:
            _complete(session, [c for c, imp in known.items() if set(open_terms) - set(imp)],
                      known, open_terms)  # fmt: skip
            best = _decided(known, score, open_terms, unseen, n)
        if best is not None:
            return _exact(session, best, known, score, open_terms)
        m *= 4


def _complete(
    session: Any, ids: list[str], known: dict[str, dict[str, float]], open_terms: Mapping
) -> None:
    """Fill in the open terms' impacts of these courses; 0 where the course lacks the term."""
    from sqlalchemy import text

    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        sql = (
            "SELECT course_id, term, impact FROM search_postings "
            "WHERE course_id = ANY(:ids) AND term = ANY(:terms)"
        )
        binds = {"ids": ids, "terms": sorted(open_terms)}
    else:
        sql = (
            "SELECT course_id, term, impact FROM search_postings "
            "WHERE course_id IN (SELECT value FROM json_each(:ids)) "
            "AND term IN (SELECT value FROM json_each(:terms))"
        )
        binds = {"ids": json.dumps(ids), "terms": json.dumps(sorted(open_terms))}
    for course_id, term, impact in session.execute(text(sql), binds):
        known[course_id][term] = impact
    for course_id in ids:
        for term in open_terms:
            known[course_id].setdefault(term, 0.0)


def _decided(
    known: dict[str, dict[str, float]],
    score: _Score,
    open_terms: dict[str, float],
    unseen: float,
    n: int,
) -> list[str] | None:
    """The ids of the n best courses when the rows read so far settle them, else None."""
    low = {cid: score.low(imp) for cid, imp in known.items()}
    ranked = sorted(low, key=lambda cid: (-low[cid], cid))
    if not open_terms:
        return ranked[:n]  # every term's rows were all read: the scores are exact
    if len(ranked) < n:
        return None
    rest = max((score.high(known[cid], open_terms) for cid in ranked[n:]), default=0.0)
    return ranked[:n] if low[ranked[n - 1]] >= max(unseen, rest) else None


def _exact(
    session: Any,
    best: list[str],
    known: dict[str, dict[str, float]],
    score: _Score,
    open_terms: dict[str, float],
) -> list[tuple[str, float]]:
    """The exact scores of the chosen courses, reading the impacts their rows lacked."""
    from sqlalchemy import select

    missing = [cid for cid in best if set(open_terms) - set(known[cid])]
    if missing:
        table = SearchPosting.__table__
        query = select(table.c.course_id, table.c.term, table.c.impact).where(
            table.c.course_id.in_(missing), table.c.term.in_(sorted(open_terms))
        )
        for course_id, term, impact in session.execute(query):
            known[course_id][term] = impact
    scored = [(score.low(known[cid]), cid) for cid in best]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(cid, value) for value, cid in scored]
