"""Eligibility: a pure function from a profile and a scheme to a verdict with its reasons.

Reasons are codes with variables, never sentences: the bot renders each code with the
response `utter_reason_<code>` from the domain, so all Dutch copy stays in response YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.catalog.models import Scheme, nlqf_rank
from bot.catalog.profile import Profile

YES, MAYBE, NO = "ja", "misschien", "nee"
_ORDER = {YES: 2, MAYBE: 1, NO: 0}


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    scheme_id: str
    verdict: str
    reasons: tuple[Reason, ...]
    specific: bool = False  # matched on a sector or level: more useful than a general scheme


def _worse(a: str, b: str) -> str:
    return a if _ORDER[a] < _ORDER[b] else b


def evaluate(profile: Profile, scheme: Scheme, today: dt.date) -> Verdict:
    """Judge one scheme for one profile. Ended schemes are always `nee`."""
    if scheme.is_ended(today):
        end = scheme.valid_until.isoformat() if scheme.valid_until else ""
        return Verdict(scheme.id, NO, (Reason("scheme_ended", {"end_date": end}),))

    cond = scheme.conditions or {}
    verdict = YES
    reasons: list[Reason] = []
    specific = False

    situations = cond.get("work_situations")
    if situations:
        if profile.work_situation is None:
            verdict = _worse(verdict, MAYBE)
            reasons.append(Reason("work_situation_unknown"))
        elif profile.work_situation in situations:
            reasons.append(
                Reason("work_situation_fits", {"work_situation": profile.work_situation})
            )
        else:
            verdict = NO
            reasons.append(Reason("work_situation_not", {"work_situation": profile.work_situation}))

    age_max = cond.get("age_max_exclusive")
    age_min = cond.get("age_min")
    bounds = profile.age_range
    if age_max is not None:
        if bounds is None:
            verdict = _worse(verdict, MAYBE)
            reasons.append(Reason("age_unknown", {"age_max": age_max}))
        elif bounds[1] < age_max:
            reasons.append(Reason("age_under_max", {"age_max": age_max}))
        elif bounds[0] >= age_max:
            verdict = NO
            reasons.append(Reason("age_over_max", {"age_max": age_max}))
        else:
            verdict = _worse(verdict, MAYBE)
            reasons.append(Reason("age_unknown", {"age_max": age_max}))
    if age_min is not None and bounds is not None and bounds[1] < age_min:
        verdict = NO
        reasons.append(Reason("age_under_min", {"age_min": age_min}))

    sectors = cond.get("sectors")
    if sectors:
        if profile.sector in sectors:
            specific = True
            reasons.append(Reason("sector_fits", {"sector": profile.sector}))
        else:
            # A sector fund is only useful to someone known to work in its sector.
            verdict = NO
            reasons.append(Reason("sector_not", {"sector": profile.sector or ""}))

    level_max = cond.get("nlqf_max")
    level_min = cond.get("nlqf_min")
    rank = profile.level_rank
    if level_max is not None:
        if rank is None:
            verdict = _worse(verdict, MAYBE)
            reasons.append(Reason("level_unknown"))
        elif rank <= nlqf_rank(str(level_max)):
            specific = True
            reasons.append(Reason("level_fits_max", {"nlqf_max": str(level_max)}))
        else:
            verdict = NO
            reasons.append(Reason("level_too_high", {"nlqf_max": str(level_max)}))
    if level_min is not None and rank is not None and rank < nlqf_rank(str(level_min)):
        verdict = NO
        reasons.append(Reason("level_too_low", {"nlqf_min": str(level_min)}))

    if cond.get("needs_employer") or scheme.applicant == "werkgever":
        if verdict != NO:
            verdict = _worse(verdict, MAYBE)
        reasons.append(Reason("via_employer"))
    if scheme.status == "onzeker" and verdict != NO:
        verdict = _worse(verdict, MAYBE)
        reasons.append(Reason("status_uncertain"))
    if not reasons:
        reasons.append(Reason("for_everyone"))
    return Verdict(scheme.id, verdict, tuple(reasons), specific)


def relevance(profile: Profile, scheme: Scheme, verdict: Verdict) -> float:
    """How useful a scheme is to show this person: specific before general, sure before unsure."""
    score = float(_ORDER[verdict.verdict])
    if verdict.specific:
        score += 3
    goals = (scheme.conditions or {}).get("goals")
    if goals and profile.goal:
        score += 2 if profile.goal in goals else -1
    employer_route = scheme.applicant == "werkgever" or (scheme.conditions or {}).get(
        "needs_employer"
    )
    if employer_route and profile.work_situation == "employed":
        score += 1  # most money for workers now flows through the employer
    elif employer_route and profile.work_situation in {"ww", "bijstand", "no_benefit", "student"}:
        score -= 3  # without an employer that route is far away
    if scheme.status == "onzeker":
        score -= 0.5
    return score


def match(profile: Profile, schemes: list[Scheme], today: dt.date) -> list[Verdict]:
    """Every scheme that is not `nee`, most useful first; ended schemes never appear."""
    by_id = {s.id: s for s in schemes}
    verdicts = [evaluate(profile, s, today) for s in schemes]
    offered = [v for v in verdicts if v.verdict != NO]
    return sorted(
        offered,
        key=lambda v: (-relevance(profile, by_id[v.scheme_id], v), v.scheme_id),
    )


def main_reason(verdict: Verdict) -> Reason:
    """The one reason worth a line in a chat: the most telling one."""
    priority = [
        "scheme_ended", "sector_fits", "level_fits_max", "age_under_max", "via_employer",
        "work_situation_fits", "age_unknown", "level_unknown", "status_uncertain", "for_everyone",
    ]  # fmt: skip
    codes = {r.code: r for r in verdict.reasons}
    for code in priority:
        if code in codes:
            return codes[code]
    return verdict.reasons[0]


def funding_by_sector(matches: list[tuple[Scheme, Verdict]]) -> dict[str, str]:
    """Sector -> name of a matched sector fund that may pay for courses in that sector."""
    funding: dict[str, str] = {}
    for scheme, verdict in matches:
        if verdict.verdict == NO or scheme.type != "fonds":
            continue
        for sector in (scheme.conditions or {}).get("sectors") or []:
            funding.setdefault(sector, scheme.name)
    return funding
