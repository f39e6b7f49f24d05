"""UWV's demand facts (data/careers/demand.yml): which apply, and the check like the schemes'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.careers import demand
from bot.careers.demand import DEMAND_FILE, Demand, read_facts, verify
from bot.cli import main

TODAY = dt.date(2026, 12, 7)
GOOD = {
    "id": "x",
    "kind": "tighter",
    "group": "bus- en trambestuurders",
    "isco": ["8331"],
    "until": 2030,
    "source": "UWV en ROA, vooruitblik tot 2030, gemeld door ANP",
    "published": "2025-12-18",
    "last_verified": "2026-12-01",
}


def write(tmp_path: Path, *facts: dict) -> Path:
    path = tmp_path / "demand.yml"
    path.write_text(yaml.safe_dump({"facts": list(facts)}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lexicon_ids(careers) -> set[str]:
    return {e.id for e in careers.recogniser.lexicon.by_kind["occupation"]}


def test_the_shipped_facts_pass(data, lexicon_ids) -> None:
    facts = read_facts(DEMAND_FILE)
    assert len(facts) >= 10
    problems = verify(facts, data, lexicon_ids, TODAY, 180)
    assert [p for p in problems if p.fatal] == []
    # Every fact names its source and its date; the 2022 and 2023 reports are flagged as old.
    assert all(f.source and f.published_on for f in facts)
    assert {p.subject for p in problems} == {f.id for f in facts if f.year <= 2023}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source": ""}, "geen bron"),
        ({"published": None}, "publicatiedatum"),
        ({"published": "2027-01"}, "in de toekomst"),
        ({"last_verified": None}, "laatste controle"),
        ({"last_verified": "2026-01-02"}, "339 dagen niet gecontroleerd"),
        ({"kind": "heel_krap"}, "onbekende soort"),
        ({"until": None}, "'until'"),
        ({"isco": ["9999"]}, "past bij geen enkel beroep"),
        ({"isco": [], "esco": ["astronaut op de maan"]}, "bestaat niet"),
        ({"isco": [], "lexicon": ["astronaut"]}, "occupations.yml"),
        ({"isco": []}, "noemt geen beroepen"),
    ],
)
def test_a_bad_fact_fails(tmp_path, data, lexicon_ids, change: dict, message: str) -> None:
    facts = read_facts(write(tmp_path, {**GOOD, **change}))
    problems = [p for p in verify(facts, data, lexicon_ids, TODAY, 180) if p.fatal]
    assert problems and message in problems[0].message, problems


def test_facts_apply_by_isco_esco_label_or_lexicon_link(careers, by_label) -> None:
    facts = careers.facts(by_label("trambestuurder"), TODAY)
    assert [f.id for f in facts] == ["outlook_2030_bus_tram"]
    accountant = careers.facts(by_label("accountant"), TODAY)
    # Newest first, at most two; both are UWV's, and they differ in time.
    assert [f.id for f in accountant] == ["outlook_2030_accountants", "spanning_2023q1_accountants"]
    # The activiteitenbegeleider of the lexicon is linked to ESCO's recreatiebegeleider.
    linked = careers.facts(by_label("recreatiebegeleider"), TODAY)
    assert [f.kind for f in linked] == ["switches"]
    # No fact, no word about demand.
    assert careers.facts(by_label("kok"), TODAY) == []


def test_a_fact_without_source_or_date_is_never_said(tmp_path, data, by_label) -> None:
    facts = read_facts(
        write(tmp_path, {**GOOD, "id": "a", "source": ""}, {**GOOD, "id": "b", "published": "x"})
    )
    assert Demand(facts, data).for_occupation(by_label("trambestuurder"), TODAY) == []


def test_catalog_verify_fails_on_a_bad_fact(settings, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OVERSTAP_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("OVERSTAP_CATALOG_MAX_AGE_DAYS", "3650")  # the shipped DUO snapshot's age
    assert main(["catalog", "load"]) == 0
    assert main(["catalog", "verify", "--max-age-days", "3650"]) == 0
    out = capsys.readouterr().out
    assert "feiten van UWV gecontroleerd, 0 fouten" in out
    monkeypatch.setattr(demand, "DEMAND_FILE", write(tmp_path, {**GOOD, "source": ""}))
    assert main(["catalog", "verify", "--max-age-days", "3650"]) == 1
    assert "FOUT: UWV-feit x heeft geen bron" in capsys.readouterr().out
