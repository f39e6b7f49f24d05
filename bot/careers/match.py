"""Other work that fits: occupations whose essential skills someone's occupation already covers.

The measure (domain notes 4.1): for the person's occupation A and another occupation B, the
share of B's essential skills that A also has, essential or optional. It stays hidden; what a
person sees is the reason in words: the Dutch skill groups A and B share ("je kunt al") and
the groups of B's essential skills that A lacks ("je leert nog").

Left out without a word: B practically the same job as A (each covers the other's essential
skills for at least SAME_JOB), B needing a much higher level than the person's education
(ISCO skill level two or more above it), and B sharing too little (below MIN_SCORE, or fewer
than MIN_SHARED essential skills: a match on one or two skills says little). B must also list at
least MIN_NEEDED essential skills: with three, any job that shares them scores 1.0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.careers.data import CareersData, Occupation

MIN_SCORE = 0.25
MIN_SHARED = 3
MIN_NEEDED = 5
SAME_JOB = 0.8
MUCH_HIGHER = 2  # ISCO skill levels above the person's
MAX_GROUPS = 3
# NLQF level of the person's highest diploma -> ISCO-08 skill level it prepares for
# (ISCO: level 1 primary, 2 secondary (vmbo to mbo 4, havo, vwo), 3 short tertiary (Ad),
# 4 a bachelor or more).
NLQF_TO_ISCO_LEVEL = {
    "0": 1, "1": 1, "2": 2, "3": 2, "4": 2, "4+": 2, "5": 3, "6": 4, "7": 4, "8": 4,
}  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    occupation: Occupation
    score: float  # never shown; for tests, the benchmark and the order
    shared: int  # essential skills of B that A has
    needed: int  # essential skills of B
    can: tuple[str, ...]  # Dutch skill groups A and B share, most shared first
    learn: tuple[str, ...]  # Dutch skill groups of B's essential skills A lacks


def similarity(a: Occupation, b: Occupation) -> float:
    """Share of B's essential skills that A has (essential or optional)."""
    if not b.essential:
        return 0.0
    return len(a.skills & b.essential) / len(b.essential)


def practically_same(a: Occupation, b: Occupation) -> bool:
    return similarity(a, b) >= SAME_JOB and similarity(b, a) >= SAME_JOB


def person_level(nlqf: str | None) -> int | None:
    return NLQF_TO_ISCO_LEVEL.get(str(nlqf)) if nlqf is not None else None


def top_groups(data: CareersData, skills: set[int], exclude: tuple[str, ...] = ()) -> list[str]:
    """The Dutch groups most of these skills belong to, at most MAX_GROUPS."""
    counts: Counter[int] = Counter()
    for skill in skills:
        counts.update(data.skill_groups[skill])
    order = sorted(
        counts.items(),
        key=lambda item: (data.group_ranks[item[0]], -item[1], data.group_label(item[0])),
    )
    labels = dict.fromkeys(data.group_label(group) for group, _ in order)
    return [label for label in labels if label not in exclude][:MAX_GROUPS]


def explain(
    data: CareersData, a: Occupation, b: Occupation
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(groups A and B share, groups of B's essential skills A lacks)."""
    shared = set(a.skills & b.essential)
    missing = set(b.essential - a.skills)
    can = tuple(top_groups(data, shared))
    return can, tuple(top_groups(data, missing, exclude=can))


def ranked(
    data: CareersData, a: Occupation, max_level: int | None
) -> list[tuple[float, int, Occupation]]:
    """(score, shared, B) for every B that passes the filters, best first."""
    counts: Counter[int] = Counter()
    postings = data.essential_postings
    for skill in a.skills:
        counts.update(postings[skill])
    found = []
    for index, shared in counts.items():
        b = data.occupations[index]
        if b is a or shared < MIN_SHARED or len(b.essential) < MIN_NEEDED:
            continue
        score = shared / len(b.essential)
        if score < MIN_SCORE:
            continue
        if max_level is not None and b.level > max_level:
            continue
        if score >= SAME_JOB and similarity(b, a) >= SAME_JOB:
            continue
        found.append((score, shared, b))
    found.sort(key=lambda item: (-item[0], -item[1], item[2].label))
    return found


def diversified(found: list[tuple[float, int, Occupation]]) -> list[tuple[float, int, Occupation]]:
    """The best of each ISCO unit group first, then the rest in order.

    Without this the first three for a cashier are three kinds of 'verkoopspecialist'.
    """
    first, rest, seen = [], [], set()
    for item in found:
        (rest if item[2].isco in seen else first).append(item)
        seen.add(item[2].isco)
    return first + rest


def suggest(
    data: CareersData,
    a: Occupation,
    nlqf: str | None = None,
    limit: int = 3,
    offset: int = 0,
) -> list[Suggestion]:
    """Other work for someone in occupation `a` with a diploma at NLQF level `nlqf`.

    Without a known diploma, the level of the person's own work stands in for it.
    """
    own = person_level(nlqf)
    if own is None:
        own = a.level
    found = diversified(ranked(data, a, own + MUCH_HIGHER - 1))
    suggestions = []
    for score, shared, b in found[offset : offset + limit]:
        can, learn = explain(data, a, b)
        suggestions.append(Suggestion(b, score, shared, len(b.essential), can, learn))
    return suggestions
