"""The seed schemes themselves: sector funds map to real sector and occupation ids, and every
uncertain fact tells the person whom to ask."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.catalog.loader import read_yaml_list

ROOT = Path(__file__).resolve().parents[3]
SCHEMES = read_yaml_list(ROOT / "data" / "catalog" / "schemes.yml", "schemes")
BY_ID = {rec["id"]: rec for rec in SCHEMES}


def lexicon_ids(name: str, key: str) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "data" / "lexicon" / name).read_text(encoding="utf-8"))
    return {rec["id"]: rec for rec in data[key]}


SECTORS = lexicon_ids("sectors.yml", "sectors")
OCCUPATIONS = lexicon_ids("occupations.yml", "occupations")
WORK_SITUATIONS = {rec["id"] for rec in yaml.safe_load(
    (ROOT / "data" / "lexicon" / "answers.yml").read_text(encoding="utf-8")
)["work_situations"]}  # fmt: skip
KNOWN_CONDITIONS = {
    "work_situations", "age_max_exclusive", "age_min", "sectors", "sector_partly", "occupations",
    "nlqf_max", "nlqf_min", "needs_employer", "no_student_finance", "school_first_under", "goals",
}  # fmt: skip
# Sector funds whose occupation list may stay empty, and why.
NO_OCCUPATION_LIST = {"doorzaam": "temp workers do every kind of job; the uitzend sector decides"}


def sector_funds() -> list[dict]:
    return [
        r for r in SCHEMES if r["type"] == "fonds" and (r.get("conditions") or {}).get("sectors")
    ]


@pytest.mark.parametrize("rec", SCHEMES, ids=[r["id"] for r in SCHEMES])
def test_conditions_use_known_keys_and_ids(rec: dict) -> None:
    cond = rec.get("conditions") or {}
    assert set(cond) <= KNOWN_CONDITIONS, set(cond) - KNOWN_CONDITIONS
    assert set(cond.get("work_situations") or []) <= WORK_SITUATIONS
    assert set(cond.get("sectors") or []) <= set(SECTORS)
    unknown = [o for o in cond.get("occupations") or [] if o not in OCCUPATIONS]
    assert not unknown, f"{rec['id']}: occupation ids not in occupations.yml: {unknown}"


@pytest.mark.parametrize("rec", sector_funds(), ids=[r["id"] for r in sector_funds()])
def test_sector_funds_map_to_occupations_of_their_own_sectors(rec: dict) -> None:
    cond = rec["conditions"]
    occupations = cond.get("occupations")
    assert occupations is not None, f"{rec['id']}: no occupations list"
    if rec["id"] not in NO_OCCUPATION_LIST:
        assert occupations, f"{rec['id']}: empty occupations list"
    for occupation in occupations:
        assert OCCUPATIONS[occupation]["sector"] in cond["sectors"], (rec["id"], occupation)


def test_sector_funds_cover_at_least_ten_sectors() -> None:
    covered = {s for rec in sector_funds() for s in rec["conditions"]["sectors"]}
    assert len(covered) >= 10, sorted(covered)


def test_every_uncertain_fact_says_whom_to_ask() -> None:
    for rec in SCHEMES:
        if rec.get("uncertain"):
            assert "Vraag dit na bij" in rec["uncertain"], rec["id"]


def test_ended_schemes_have_an_end_and_what_came_instead() -> None:
    for rec in SCHEMES:
        if rec["status"] != "beeindigd":
            continue
        assert rec.get("valid_until"), f"{rec['id']}: no end date"
        assert rec.get("ended_note"), f"{rec['id']}: no ended_note"
        assert rec.get("replaced_by"), f"{rec['id']}: no replaced_by"
        assert set(rec["replaced_by"]) <= set(BY_ID), rec["id"]


def test_the_ontwikkeladvies_rounds_are_each_there_and_ended() -> None:
    rounds = ["ontwikkeladvies_45plus", "nl_leert_door", "ontwikkeladvies_stap", "ontwikkeladvies"]
    ends = [BY_ID[r]["valid_until"] for r in rounds]
    assert ends == sorted(ends)
    assert all(BY_ID[r]["status"] == "beeindigd" for r in rounds)


def test_aliases_name_one_scheme_only() -> None:
    seen: dict[str, str] = {}
    for rec in SCHEMES:
        for alias in {rec["name"].lower(), *rec.get("aliases", [])}:
            assert alias not in seen, f"{alias!r} names {seen.get(alias)} and {rec['id']}"
            seen[alias] = rec["id"]
