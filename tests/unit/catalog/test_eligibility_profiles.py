"""Table-driven eligibility on the real seed schemes: one row per kind of person.

Each row is a profile with the verdict it must get for several named schemes, and for
some of them the reason code that carries the verdict. The schemes are read from
data/catalog/schemes.yml through the loader, so the table tests the data and the engine
together; no database is needed.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalog.eligibility import MAYBE, NO, YES, evaluate, match
from bot.catalog.loader import SEED_DIR, read_yaml_list, scheme_from_record
from bot.catalog.models import Scheme
from bot.catalog.profile import Profile

TODAY = dt.date(2026, 11, 23)
SCHEMES: list[Scheme] = [
    scheme_from_record(rec, rec["id"])
    for rec in read_yaml_list(SEED_DIR / "schemes.yml", "schemes")
]
BY_ID = {s.id: s for s in SCHEMES}
ENDED = ("stap", "scholingsvoucher", "aftrek_scholingsuitgaven", "rmt", "ontwikkeladvies",
         "ontwikkeladvies_stap", "nl_leert_door", "ontwikkeladvies_45plus", "tel_mee_met_taal")  # fmt: skip


def P(**kw) -> Profile:  # noqa: N802 - short on purpose: the table reads better
    return Profile(**kw)


W = "employed"

# (row id, profile, {scheme id: (verdict, key reason code or None)})
ROWS = [
    # -- metal
    ("metal worker 50 mbo-2, lasser", P(work_situation=W, sector="metaal", occupation="lasser", age="50", nlqf="2"),
     {"oom": (MAYBE, "occupation_fits"), "llk": (YES, "age_under_max"), "slim_scholing": (MAYBE, "sector_fits"),
      "werkgeversplicht": (MAYBE, "via_employer"), "uwv_ww_scholing": (NO, "work_situation_not")}),
    ("metal worker 35, sector only", P(work_situation=W, sector="metaal", age="35"),
     {"oom": (MAYBE, "sector_fits"), "wij_techniek": (NO, "sector_not"), "llk": (YES, None)}),
    ("lasser, sector not known", P(work_situation=W, occupation="lasser", age="40"),
     {"oom": (MAYBE, "occupation_fits"), "colland": (NO, "sector_unknown")}),
    # -- self-employed
    ("zzp in ICT, 40, hbo", P(work_situation="self_employed", sector="ict", occupation="programmeur", age="40", nlqf="6"),
     {"zzp_aftrek": (YES, "work_situation_fits"), "llk": (YES, None), "oo_fondsen": (NO, "work_situation_not"),
      "werkgeversplicht": (NO, "work_situation_not"), "leerwerkloket": (YES, "for_everyone")}),
    ("zzp hovenier", P(work_situation="self_employed", sector="groen", occupation="hovenier", age="33"),
     {"colland": (NO, "work_situation_not"), "zzp_aftrek": (YES, None), "slim_scholing": (MAYBE, "sector_fits")}),
    ("zzp timmerman", P(work_situation="self_employed", sector="bouw", occupation="timmerman", age="45-56"),
     {"fundeon": (NO, "work_situation_not"), "zzp_aftrek": (YES, None), "llk": (YES, "age_under_max")}),
    # -- WW
    ("WW aged 58", P(work_situation="ww", age="58", nlqf="3"),
     {"llk": (NO, "age_over_max"), "uwv_ww_scholing": (YES, "work_situation_fits"),
      "scholingsbudget_ww": (MAYBE, "status_uncertain"), "bijstand_gemeente": (NO, "work_situation_not")}),
    ("WW in the 57+ group", P(work_situation="ww", age="57+"),
     {"llk": (NO, "age_over_max"), "uwv_ww_scholing": (YES, None)}),
    ("WW in the 45-56 group", P(work_situation="ww", age="45-56"),
     {"llk": (YES, "age_under_max"), "oom": (NO, "sector_unknown")}),
    ("WW, age not known", P(work_situation="ww"),
     {"llk": (MAYBE, "age_unknown"), "uwv_ww_scholing": (YES, None)}),
    ("WW, mbo-2, 50, asks about ontwikkeladvies", P(work_situation="ww", age="50", nlqf="2"),
     {"ontwikkeladvies": (NO, "scheme_ended"), "ontwikkeladvies_stap": (NO, "scheme_ended"),
      "uwv_ww_scholing": (YES, None), "leerwerkloket": (YES, None)}),
    ("WW, was a zorg worker", P(work_situation="ww", sector="zorg", age="30"),
     {"slim_scholing": (MAYBE, "via_employer"), "aovvt": (NO, "work_situation_not"), "llk": (YES, None)}),
    # -- bijstand
    ("bijstand under 27", P(work_situation="bijstand", age="<27"),
     {"bijstand_gemeente": (MAYBE, "school_first"), "llk": (YES, None), "uwv_ww_scholing": (NO, "work_situation_not")}),
    ("bijstand aged 26", P(work_situation="bijstand", age="26"),
     {"bijstand_gemeente": (MAYBE, "school_first")}),
    ("bijstand aged 27", P(work_situation="bijstand", age="27"),
     {"bijstand_gemeente": (YES, "work_situation_fits")}),
    ("bijstand aged 35", P(work_situation="bijstand", age="35"),
     {"bijstand_gemeente": (YES, "work_situation_fits"), "llk": (YES, None), "oo_fondsen": (NO, "work_situation_not")}),
    ("low literacy on bijstand", P(work_situation="bijstand", age="45", nlqf="1", goal="basic_skills"),
     {"taalhuis": (YES, "for_everyone"), "bijstand_gemeente": (YES, None), "tel_mee_met_taal": (NO, "scheme_ended")}),
    # -- students and the old
    ("student aged 19", P(work_situation="student", age="19", nlqf="2"),
     {"llk": (MAYBE, "student_finance"), "oo_fondsen": (NO, "work_situation_not"), "leerwerkloket": (YES, None)}),
    ("scholier under 27", P(work_situation="student", age="<27"),
     {"llk": (MAYBE, "student_finance"), "bijstand_gemeente": (NO, "work_situation_not")}),
    ("older than AOW age, not working", P(work_situation="other", age="68"),
     {"llk": (NO, "age_over_max"), "leerwerkloket": (YES, "for_everyone"), "taalhuis": (YES, None)}),
    ("working past AOW age", P(work_situation=W, age="70", sector="detailhandel"),
     {"llk": (NO, "age_over_max"), "werkgeversplicht": (MAYBE, "via_employer")}),
    ("WIA, 45 (situation other)", P(work_situation="other", age="45"),
     {"llk": (YES, "work_situation_fits"), "werkgeversplicht": (NO, "work_situation_not")}),
    ("no work, no benefit, 30", P(work_situation="no_benefit", age="30"),
     {"llk": (YES, None), "uwv_ww_scholing": (NO, "work_situation_not"), "bijstand_gemeente": (NO, "work_situation_not"),
      "leerwerkloket": (YES, None)}),
    # -- care
    ("verzorgende in the zorg", P(work_situation=W, sector="zorg", occupation="verzorgende", age="40", nlqf="3"),
     {"aovvt": (MAYBE, "occupation_fits"), "slim_scholing": (MAYBE, "sector_fits"), "oom": (NO, "sector_not")}),
    ("thuiszorg worker, sector not known", P(work_situation=W, occupation="thuiszorgmedewerker"),
     {"aovvt": (MAYBE, "occupation_fits")}),
    ("zorg worker, job not known", P(work_situation=W, sector="zorg", age="45"),
     {"aovvt": (MAYBE, "sector_partly"), "llk": (YES, None)}),
    ("doctor in the zorg", P(work_situation=W, sector="zorg", occupation="arts", nlqf="7"),
     {"aovvt": (NO, "occupation_not"), "slim_scholing": (MAYBE, "sector_fits")}),
    ("kinderopvang", P(work_situation=W, sector="kinderopvang", occupation="pedagogisch_medewerker"),
     {"slim_scholing": (MAYBE, "sector_fits"), "aovvt": (NO, "sector_not")}),
    # -- horeca
    ("cook in horeca", P(work_situation=W, sector="horeca", occupation="kok", age="<27"),
     {"horeca_ontwikkelbudget": (MAYBE, "occupation_fits"), "hop": (MAYBE, "occupation_fits"),
      "slim_scholing": (NO, "sector_not"), "llk": (YES, None)}),
    ("horeca, job not known", P(work_situation=W, sector="horeca"),
     {"horeca_ontwikkelbudget": (MAYBE, "sector_fits"), "colland": (NO, "sector_not")}),
    # -- building and installation
    ("timmerman in the bouw", P(work_situation=W, sector="bouw", occupation="timmerman", age="38"),
     {"fundeon": (MAYBE, "occupation_fits"), "slim_scholing": (MAYBE, "sector_fits"), "wij_techniek": (NO, "sector_not")}),
    ("elektricien in installatie", P(work_situation=W, sector="installatie", occupation="elektricien"),
     {"wij_techniek": (MAYBE, "occupation_fits"), "slim_scholing": (MAYBE, "sector_fits"), "fundeon": (NO, "sector_not")}),
    ("monteur in techniek/industrie", P(work_situation=W, sector="techniek", occupation="monteur"),
     {"wij_techniek": (NO, "sector_not"), "slim_scholing": (MAYBE, "sector_fits"), "oo_fondsen": (MAYBE, "via_employer")}),
    # -- green
    ("farmer in landbouw", P(work_situation=W, sector="groen", occupation="boer", age="52"),
     {"colland": (MAYBE, "occupation_fits"), "slim_scholing": (MAYBE, "sector_fits"), "llk": (YES, None)}),
    # -- cleaning, transport, security, education, temp work, others
    ("schoonmaker", P(work_situation=W, sector="schoonmaak", occupation="schoonmaker", nlqf="1"),
     {"oo_fondsen": (MAYBE, "via_employer"), "slim_scholing": (NO, "sector_not"), "werkgeversplicht": (MAYBE, None),
      "persoonlijk_leerbudget": (MAYBE, "via_employer")}),
    ("taxi driver", P(work_situation=W, sector="mobiliteit", occupation="taxichauffeur"),
     {"oomt": (NO, "occupation_not"), "ootw": (NO, "occupation_not"), "oo_fondsen": (MAYBE, None)}),
    ("car mechanic", P(work_situation=W, sector="mobiliteit", occupation="automonteur"),
     {"oomt": (MAYBE, "occupation_fits"), "ootw": (NO, "occupation_not")}),
    ("carwash worker", P(work_situation=W, sector="mobiliteit", occupation="autopoetser"),
     {"ootw": (MAYBE, "occupation_fits"), "oomt": (NO, "occupation_not")}),
    ("mobiliteit, job not known", P(work_situation=W, sector="mobiliteit"),
     {"oomt": (MAYBE, "sector_partly"), "ootw": (MAYBE, "sector_partly")}),
    ("truck driver in logistiek", P(work_situation=W, sector="logistiek", occupation="vrachtwagenchauffeur"),
     {"slim_scholing": (NO, "sector_not"), "oo_fondsen": (MAYBE, "via_employer"), "oomt": (NO, "sector_not")}),
    ("security guard", P(work_situation=W, sector="beveiliging", occupation="beveiliger"),
     {"sfpb": (MAYBE, "occupation_fits"), "oo_fondsen": (MAYBE, None)}),
    ("teacher in secondary school", P(work_situation=W, sector="onderwijs", occupation="leraar", nlqf="6"),
     {"voion": (MAYBE, "occupation_fits"), "slim_scholing": (NO, "sector_not")}),
    ("primary school teacher", P(work_situation=W, sector="onderwijs", occupation="leerkracht"),
     {"voion": (NO, "occupation_not")}),
    ("temp worker via an uitzendbureau", P(work_situation=W, sector="uitzend", nlqf="3"),
     {"doorzaam": (MAYBE, "sector_fits"), "oo_fondsen": (MAYBE, None)}),
    ("police officer", P(work_situation=W, sector="overheid", occupation="politieagent"),
     {"slim_scholing": (NO, "sector_not"), "werkgeversplicht": (MAYBE, "via_employer")}),
    ("programmer in ICT, employed", P(work_situation=W, sector="ict", occupation="programmeur", age="29"),
     {"slim_scholing": (NO, "sector_not"), "zzp_aftrek": (NO, "work_situation_not"), "llk": (YES, None)}),
    # -- unknowns and age limits
    ("nothing known", P(),
     {"llk": (MAYBE, "age_unknown"), "oom": (NO, "sector_unknown"), "leerwerkloket": (YES, "for_everyone"),
      "uwv_ww_scholing": (MAYBE, "work_situation_unknown")}),
    ("worker, age not known", P(work_situation=W, sector="zorg"),
     {"llk": (MAYBE, "age_unknown")}),
    ("worker, sector not known", P(work_situation=W, age="40"),
     {"oom": (NO, "sector_unknown"), "slim_scholing": (NO, "sector_unknown"), "persoonlijk_leerbudget": (MAYBE, None)}),
    ("worker aged 56", P(work_situation=W, age="56"),
     {"llk": (YES, "age_under_max")}),
    ("worker aged 57", P(work_situation=W, age="57"),
     {"llk": (NO, "age_over_max")}),
]  # fmt: skip


@pytest.mark.parametrize(("row", "profile", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_profile_verdicts(row: str, profile: Profile, expected: dict) -> None:
    for scheme_id, (verdict, code) in expected.items():
        result = evaluate(profile, BY_ID[scheme_id], TODAY)
        assert result.verdict == verdict, f"{row}: {scheme_id} is {result.verdict} {result.reasons}"
        if code is not None:
            assert code in [r.code for r in result.reasons], f"{row}: {scheme_id} {result.reasons}"


@pytest.mark.parametrize(("row", "profile", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_ended_schemes_are_always_nee_and_never_offered(row, profile, expected) -> None:
    for scheme_id in ENDED:
        result = evaluate(profile, BY_ID[scheme_id], TODAY)
        assert result.verdict == NO and result.reasons[0].code == "scheme_ended", scheme_id
    offered = {v.scheme_id for v in match(profile, SCHEMES, TODAY)}
    assert not offered & set(ENDED)


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 40
    assert len({r[0] for r in ROWS}) == len(ROWS)


def test_low_literacy_gets_the_taalhuis_first() -> None:
    profile = P(work_situation="bijstand", age="45", nlqf="1", goal="basic_skills")
    assert match(profile, SCHEMES, TODAY)[0].scheme_id == "taalhuis"


def test_a_metal_worker_sees_the_metal_fund_first() -> None:
    profile = P(work_situation=W, sector="metaal", occupation="lasser", age="50", nlqf="2")
    assert match(profile, SCHEMES, TODAY)[0].scheme_id == "oom"
