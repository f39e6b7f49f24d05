"""The eligibility engine: a pure function from profile and scheme to a verdict with reasons."""

import ast
import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.catalog import eligibility
from bot.catalog.eligibility import (
    FIT_CODES,
    MAYBE,
    MAYBE_CODES,
    NO,
    NO_CODES,
    YES,
    evaluate,
    match,
    why_not,
)
from bot.catalog.models import Scheme
from bot.catalog.profile import Profile

TODAY = dt.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[3]


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


VVT = scheme(
    id="aovvt", type="fonds", applicant="werkgever",
    conditions={"work_situations": ["employed"], "sectors": ["zorg"], "sector_partly": True,
                "occupations": ["verzorgende", "thuiszorgmedewerker"], "needs_employer": True},
)  # fmt: skip
OOM_WITH_JOBS = scheme(
    id="oom", type="fonds", applicant="werkgever",
    conditions={"sectors": ["metaal"], "occupations": ["lasser"], "needs_employer": True},
)  # fmt: skip
BIJSTAND = scheme(
    id="bijstand", conditions={"work_situations": ["bijstand"], "school_first_under": 27}
)
LLK_STUDENT = scheme(
    id="llk", conditions={"work_situations": ["employed", "student"], "no_student_finance": True}
)


def codes(result) -> list[str]:
    return [r.code for r in result.reasons]


@pytest.mark.parametrize(
    ("profile", "scheme_", "verdict", "code"),
    [
        # An occupation on the fund's list counts like its sector, also with the sector unknown.
        (Profile(occupation="lasser"), OOM_WITH_JOBS, MAYBE, "occupation_fits"),
        (Profile(sector="metaal", occupation="cnc_operator"), OOM_WITH_JOBS, MAYBE, "sector_fits"),
        (Profile(sector="uitzend", occupation="lasser"), OOM_WITH_JOBS, MAYBE, "occupation_fits"),
        (Profile(), OOM_WITH_JOBS, NO, "sector_unknown"),
        (Profile(occupation="kok"), OOM_WITH_JOBS, NO, "sector_unknown"),
        (Profile(sector="horeca", occupation="kok"), OOM_WITH_JOBS, NO, "sector_not"),
        # A fund for part of a sector: the occupation decides when it is known.
        (Profile(work_situation="employed", sector="zorg"), VVT, MAYBE, "sector_partly"),
        (
            Profile(work_situation="employed", occupation="verzorgende"),
            VVT,
            MAYBE,
            "occupation_fits",
        ),
        (
            Profile(work_situation="employed", sector="zorg", occupation="arts"),
            VVT,
            NO,
            "occupation_not",
        ),
        (Profile(age="<27", work_situation="bijstand"), BIJSTAND, MAYBE, "school_first"),
        (Profile(age="35", work_situation="bijstand"), BIJSTAND, YES, "work_situation_fits"),
        (Profile(work_situation="student"), LLK_STUDENT, MAYBE, "student_finance"),
        (Profile(work_situation="employed"), LLK_STUDENT, YES, "work_situation_fits"),
    ],
)
def test_sector_occupation_and_situation_rules(profile, scheme_, verdict, code) -> None:
    result = evaluate(profile, scheme_, TODAY)
    assert result.verdict == verdict
    assert code in codes(result)


def test_an_occupation_match_is_specific() -> None:
    assert evaluate(Profile(occupation="lasser"), OOM_WITH_JOBS, TODAY).specific
    assert not evaluate(Profile(sector="zorg"), VVT, TODAY).specific


def test_why_not_explains_a_named_scheme_with_only_its_limiting_reasons() -> None:
    answer = why_not(Profile(age="58", work_situation="ww"), [LLK, STAP], TODAY, asked=["llk"])
    assert [(i.scheme_id, i.verdict) for i in answer.items] == [("llk", NO)]
    assert [r.code for r in answer.items[0].reasons] == ["age_over_max"]
    assert answer.items[0].reasons[0].values == {"age_max": 57}
    assert not answer.employer_route


def test_why_not_without_a_named_scheme_takes_the_main_ones_that_are_not_ja() -> None:
    main_llk = scheme(id="llk", conditions={"age_max_exclusive": 57})
    bijstand = scheme(id="bijstand_gemeente", conditions={"work_situations": ["bijstand"]})
    answer = why_not(
        Profile(age="30", work_situation="employed", sector="metaal"),
        [STAP, main_llk, bijstand, OOM_WITH_JOBS],
        TODAY,
    )
    # STAP has ended; LLK fits (ja) and bijstand is for another group: neither is explained.
    assert [i.scheme_id for i in answer.items] == ["stap"]
    assert answer.items[0].reasons[0].code == "scheme_ended"
    assert answer.employer_route and answer.employer_schemes == ("oom",)


def test_why_not_for_a_maybe_names_the_doubt() -> None:
    answer = why_not(Profile(work_situation="ww"), [LLK], TODAY, asked=["llk", "unknown_id"])
    assert [(i.scheme_id, i.verdict) for i in answer.items] == [("llk", MAYBE)]
    assert [r.code for r in answer.items[0].reasons] == ["age_unknown"]


def test_every_reason_code_is_classified() -> None:
    assert set(emitted_codes()) <= NO_CODES | MAYBE_CODES | FIT_CODES
    assert not NO_CODES & MAYBE_CODES and not MAYBE_CODES & FIT_CODES and not NO_CODES & FIT_CODES


def emitted_codes() -> set[str]:
    """Every reason code the eligibility module can emit, read from its source."""
    tree = ast.parse(Path(eligibility.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Reason":
            first = node.args[0]
            assert isinstance(first, ast.Constant), "a reason code must be a literal string"
            found.add(first.value)
    assert len(found) >= 20
    return found


def test_every_reason_code_has_a_response() -> None:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    missing = sorted(c for c in emitted_codes() if f"utter_reason_{c}" not in responses)
    assert not missing, f"no utter_reason_<code> response for: {missing}"
