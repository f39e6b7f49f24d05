"""The eligibility engine: a pure function from profile and scheme to a verdict with reasons."""

import datetime as dt

import pytest

from bot.catalog.eligibility import MAYBE, NO, YES, evaluate, match
from bot.catalog.models import Scheme
from bot.catalog.profile import Profile

TODAY = dt.date(2026, 11, 23)


def scheme(**kw) -> Scheme:
    base = dict(
        id="x", name="X", runner="R", type="subsidie", applicant="persoon", status="actief",
        conditions={}, explanation_b1="Uitleg.", last_verified=TODAY, replaced_by=[], sources=["https://e"],
    )  # fmt: skip
    base.update(kw)
    return Scheme(**base)


LLK = scheme(
    id="llk", type="lening",
    conditions={"age_max_exclusive": 57, "work_situations": ["employed", "ww", "bijstand", "self_employed", "no_benefit", "other"]},
)  # fmt: skip
OOM = scheme(
    id="oom",
    type="fonds",
    applicant="werkgever",
    conditions={"sectors": ["metaal"], "needs_employer": True},
)
ADVICE = scheme(id="advies", conditions={"nlqf_max": "2"})
STAP = scheme(id="stap", status="beeindigd", valid_until=dt.date(2024, 1, 1))
EXPIRED_BY_DATE = scheme(id="old", status="actief", valid_until=dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    ("profile", "scheme_", "verdict", "code"),
    [
        (Profile(age="45", work_situation="employed"), LLK, YES, "age_under_max"),
        (Profile(age="58", work_situation="employed"), LLK, NO, "age_over_max"),
        (Profile(age="57+", work_situation="ww"), LLK, NO, "age_over_max"),
        (Profile(age="45-56", work_situation="ww"), LLK, YES, "age_under_max"),
        (Profile(work_situation="ww"), LLK, MAYBE, "age_unknown"),
        (Profile(age="30", work_situation="student"), LLK, NO, "work_situation_not"),
        (Profile(sector="metaal", age="50", nlqf="2"), OOM, MAYBE, "sector_fits"),
        (Profile(sector="zorg"), OOM, NO, "sector_not"),
        (Profile(nlqf="2"), ADVICE, YES, "level_fits_max"),
        (Profile(nlqf="4"), ADVICE, NO, "level_too_high"),
        (Profile(), ADVICE, MAYBE, "level_unknown"),
        (Profile(age="30"), STAP, NO, "scheme_ended"),
        (Profile(age="30"), EXPIRED_BY_DATE, NO, "scheme_ended"),
    ],
)
def test_verdicts(profile: Profile, scheme_: Scheme, verdict: str, code: str) -> None:
    result = evaluate(profile, scheme_, TODAY)
    assert result.verdict == verdict
    assert code in [r.code for r in result.reasons]


def test_employer_route_is_named_for_sector_funds() -> None:
    result = evaluate(Profile(sector="metaal"), OOM, TODAY)
    assert "via_employer" in [r.code for r in result.reasons]


def test_match_never_offers_ended_schemes_and_puts_specific_first() -> None:
    profile = Profile(sector="metaal", age="50", work_situation="employed", nlqf="2")
    ids = [v.scheme_id for v in match(profile, [STAP, EXPIRED_BY_DATE, LLK, OOM, ADVICE], TODAY)]
    assert "stap" not in ids and "old" not in ids
    assert ids[0] in {"llk", "advies"}  # a sure "ja" comes before a "misschien"
    assert set(ids) == {"llk", "oom", "advies"}
