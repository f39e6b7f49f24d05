"""Eligibility: a pure function from a profile and a scheme to a verdict with its reasons.

Reasons are codes with variables, never sentences: the bot renders each code with the
response `utter_reason_<code>` from the domain, so all Dutch copy stays in response YAML.

Conditions a scheme record can carry (all optional):

* `work_situations`: who it is for; anyone else gets `nee`.
* `age_max_exclusive`, `age_min`: age limits.
* `sectors`, `occupations`: a sector fund serves the people who work in one of its sectors,
  or in one of its occupations (an occupation counts like its sector, also when the
  sector is not known). With `sector_partly: true` the fund serves only part of its
  sectors: a known occupation must then be on the list.
* `nlqf_max`, `nlqf_min`: limits on the highest diploma.
* `needs_employer`: the employer applies or decides (`misschien` at best).
* `no_student_finance`: not for someone who still gets studiefinanciering.
* `school_first_under`: below this age the gemeente first expects regular education.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalog.models import Scheme, nlqf_rank
from bot.catalog.profile import Profile

YES, MAYBE, NO = "ja", "misschien", "nee"
_ORDER = {YES: 2, MAYBE: 1, NO: 0}

# What each reason does to the verdict on its own; every code evaluate() can emit is here.
NO_CODES = frozenset(
    {
        "scheme_ended", "work_situation_not", "age_over_max", "age_under_min", "sector_not",
        "sector_unknown", "occupation_not", "level_too_high", "level_too_low",
    }
)  # fmt: skip
MAYBE_CODES = frozenset(
    {
        "work_situation_unknown", "age_unknown", "level_unknown", "via_employer",
        "status_uncertain", "sector_partly", "student_finance", "school_first",
    }
)  # fmt: skip
FIT_CODES = frozenset(
    {
        "work_situation_fits", "age_under_max", "sector_fits", "occupation_fits",
        "level_fits_max", "for_everyone",
    }
)  # fmt: skip

# Schemes people ask about most; "waarom niet?" without a named scheme explains these.
MAIN_SCHEMES = (
    "stap", "llk", "slim_scholing", "oo_fondsen", "uwv_ww_scholing", "bijstand_gemeente",
    "zzp_aftrek",
)  # fmt: skip


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    scheme_id: str
    verdict: str
    reasons: tuple[Reason, ...]
    specific: bool = False  # matched on a sector, occupation or level: more useful than general


@dataclass(frozen=True)
class WhyNot:
    """One scheme in the answer to "waarom kom ik niet in aanmerking?"."""

    scheme_id: str
    verdict: str
    reasons: tuple[Reason, ...]  # what made it `nee` or `misschien`; for a `ja`, why it fits


@dataclass(frozen=True)
class WhyNotAnswer:
    items: tuple[WhyNot, ...]
    employer_route: bool  # a worker: the answer names the employer route and the script
    employer_schemes: tuple[str, ...] = ()  # employer routes open to this worker, best first


def _worse(a: str, b: str) -> str:
    return a if _ORDER[a] < _ORDER[b] else b


def is_employer_route(scheme: Scheme) -> bool:
    return scheme.applicant == "werkgever" or bool((scheme.conditions or {}).get("needs_employer"))


def _sector_reason(profile: Profile, cond: dict[str, Any]) -> tuple[str, Reason, bool]:
    """Verdict effect, reason and specificity of a sector fund's sector and occupation lists."""
    sectors = tuple(cond.get("sectors") or ())
    occupations = tuple(cond.get("occupations") or ())
    if profile.occupation is not None and profile.occupation in occupations:
        return YES, Reason("occupation_fits", {"occupation": profile.occupation}), True
    if profile.sector is not None and profile.sector in sectors:
        if not cond.get("sector_partly"):
            return YES, Reason("sector_fits", {"sector": profile.sector}), True
        if profile.occupation is None:
            return MAYBE, Reason("sector_partly", {"sector": profile.sector}), False
        values = {"occupation": profile.occupation, "sector": profile.sector}
        return NO, Reason("occupation_not", values), False
    # A sector fund is only useful to someone known to work in its sector.
    if profile.sector is None:
        return NO, Reason("sector_unknown", {"fund_sectors": sectors}), False
    return NO, Reason("sector_not", {"sector": profile.sector, "fund_sectors": sectors}), False


def _age_reasons(profile: Profile, cond: dict[str, Any]) -> tuple[str, list[Reason]]:
    """The age conditions of a scheme: (the verdict they allow at best, their reasons)."""
    verdict = YES
    reasons: list[Reason] = []
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
            verdict = _worse(verdict, NO)
            reasons.append(Reason("age_over_max", {"age_max": age_max}))
        else:
            verdict = _worse(verdict, MAYBE)
            reasons.append(Reason("age_unknown", {"age_max": age_max}))
    if age_min is not None and bounds is not None and bounds[1] < age_min:
        verdict = _worse(verdict, NO)
        reasons.append(Reason("age_under_min", {"age_min": age_min}))
    school_first = cond.get("school_first_under")
    if school_first is not None and bounds is not None and bounds[1] < school_first:
        verdict = _worse(verdict, MAYBE)
        reasons.append(Reason("school_first", {"age_limit": school_first}))
    return verdict, reasons


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
    if cond.get("no_student_finance") and profile.work_situation == "student":
        verdict = _worse(verdict, MAYBE)
        reasons.append(Reason("student_finance"))

    effect, found = _age_reasons(profile, cond)
    verdict = _worse(verdict, effect)
    reasons.extend(found)

    if cond.get("sectors") or cond.get("occupations"):
        effect, reason, fits = _sector_reason(profile, cond)
        verdict = _worse(verdict, effect)
        reasons.append(reason)
        specific = specific or fits

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

    if is_employer_route(scheme):
        verdict = _worse(verdict, MAYBE)
        reasons.append(Reason("via_employer"))
    if scheme.status == "onzeker" and verdict != NO:
        verdict = MAYBE
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
    employer_route = is_employer_route(scheme)
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
        "scheme_ended", "occupation_fits", "sector_fits", "sector_partly", "school_first",
        "student_finance", "level_fits_max", "age_under_max", "via_employer", "work_situation_fits",
        "age_unknown", "level_unknown", "status_uncertain", "for_everyone",
    ]  # fmt: skip
    codes = {r.code: r for r in verdict.reasons}
    for code in priority:
        if code in codes:
            return codes[code]
    return verdict.reasons[0]


def limiting_reasons(verdict: Verdict) -> tuple[Reason, ...]:
    """The reasons that made a verdict `nee` or `misschien`; for a `ja`, the reasons it fits."""
    wanted = {NO: NO_CODES, MAYBE: MAYBE_CODES, YES: FIT_CODES}[verdict.verdict]
    return tuple(r for r in verdict.reasons if r.code in wanted)


def why_not(
    profile: Profile,
    schemes: list[Scheme],
    today: dt.date,
    asked: Sequence[str] = (),
    limit: int = 3,
) -> WhyNotAnswer:
    """Answer "waarom kom ik niet in aanmerking?" for the schemes asked about, or the main ones.

    A scheme asked about is always explained, whatever its verdict. Without one, the main
    schemes that are not a `ja` are explained, except those meant for another group: a
    worker does not wonder why bijstand rules do not apply, and someone without an employer
    learns nothing from an employer route that is closed anyway. A worker also hears that
    most money now flows through the employer, and which employer routes are open.
    """
    by_id = {s.id: s for s in schemes}
    has_employer = profile.work_situation == "employed"
    items: list[WhyNot] = []
    asked_ids = [i for i in dict.fromkeys(asked) if i in by_id]
    for scheme_id in asked_ids or [i for i in MAIN_SCHEMES if i in by_id]:
        scheme = by_id[scheme_id]
        verdict = evaluate(profile, scheme, today)
        reasons = limiting_reasons(verdict)
        if not asked_ids and (
            verdict.verdict == YES
            or {r.code for r in reasons} == {"work_situation_not"}
            or (verdict.verdict == NO and is_employer_route(scheme) and not has_employer)
        ):
            continue
        items.append(WhyNot(scheme_id, verdict.verdict, reasons))
    employer_schemes: tuple[str, ...] = ()
    if has_employer:
        employer_schemes = tuple(
            v.scheme_id
            for v in match(profile, schemes, today)
            if is_employer_route(by_id[v.scheme_id])
        )[:limit]
    return WhyNotAnswer(tuple(items[:limit]), has_employer, employer_schemes)


def funding_by_sector(matches: list[tuple[Scheme, Verdict]]) -> dict[str, str]:
    """Sector -> name of a matched sector fund that may pay for courses in that sector."""
    funding: dict[str, str] = {}
    for scheme, verdict in matches:
        if verdict.verdict == NO or scheme.type != "fonds":
            continue
        for sector in (scheme.conditions or {}).get("sectors") or []:
            funding.setdefault(sector, scheme.name)
    return funding
