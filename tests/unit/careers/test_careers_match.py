"""Other work that fits, ranked on the real ESCO data for occupations from many sectors."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import pytest

from bot.careers.match import (
    MIN_NEEDED,
    MIN_SCORE,
    MIN_SHARED,
    SAME_JOB,
    practically_same,
    similarity,
    suggest,
)

TOP = 5
# Occupation -> work a careers adviser would expect among the first five (at least one of them).
# Sectors: transport, retail, care, hospitality, construction, metal and installation, logistics,
# cleaning, office, ICT, security, green, animals.
EXPECTED = {
    "buschauffeur": {"trambestuurder", "trolleybuschauffeur"},
    "taxichauffeur": {"privéchauffeur", "buschauffeur"},
    "vrachtwagenchauffeur": {"chauffeur gevaarlijke stoffen", "chauffeur/verhuizer"},
    "kassamedewerker": {"winkelmedewerker", "kaartjesverkoper", "verkoopmedewerker"},
    "winkelmedewerker": {"verkoopmedewerker", "kassamedewerker", "schappenvuller"},
    "thuiszorgmedewerker": {"interieurverzorger", "huishoud(st)er", "gezelschapspersoon"},
    "zorghulp": {"verpleeghulp", "kraamverzorgende"},
    "kok": {"keukenhulp", "privékok", "chef"},
    "ober/serveerster": {"gastheer/gastvrouw", "medewerker fastfood", "barman/barvrouw"},
    "metselaar": {"stukadoor", "betonafwerker", "steigerbouwer"},
    "timmerman": {"trappensteller", "parketteur", "dakdekker"},
    "schilder bouw": {"behanger", "plafondmonteur", "voorman-industrieschilder"},
    "lasser": {"hardsoldeerder", "ketelmaker", "arbeider klinkwerk"},
    "automonteur": {"assistent-automonteur", "auto-elektricien", "monteur voertuigelektronica"},
    "loodgieter": {"teamleider-loodgieter", "monteur waterzuiveringsinstallaties"},
    "magazijnmedewerker": {"orderpicker", "pakhuismedewerker", "heftruckchauffeur"},
    "schoonmaker gebouwen": {"interieurverzorger", "glazenwasser", "schoonmaker treinen"},
    "callcentermedewerker": {"chatmedewerker", "medewerker klantencontactcentrum"},
    "receptionist": {"kantoorbediende", "administratief medewerker"},
    "boekhouder": {"assistent-boekhouder", "facturist"},
    "software ontwikkelaar": {"web developer", "mobile app developer", "systeemontwikkelaar"},
    "beveiliger": {"evenementenbeveiliger", "portier", "winkeldetective"},
    "hovenier": {"tuinier"},
    "dierenverzorger": {"huisdierenoppas", "dierenartsassistent"},
}


def labels(suggestions) -> list[str]:
    return [s.occupation.label for s in suggestions]


@pytest.mark.parametrize("occupation", sorted(EXPECTED))
def test_expected_work_is_among_the_first(data, by_label, occupation: str) -> None:
    person = by_label(occupation)
    found = suggest(data, person, limit=TOP)
    assert EXPECTED[occupation] & set(labels(found)), labels(found)
    for s in found:
        # What the bot shows: a reason in words, never a job that is practically the same.
        assert s.can, s.occupation.label
        assert s.score >= MIN_SCORE and s.shared >= MIN_SHARED
        assert len(s.occupation.essential) >= MIN_NEEDED
        assert not practically_same(person, s.occupation)
        assert len(s.can) <= 3 and len(s.learn) <= 3
        assert not set(s.can) & set(s.learn)
    scores = [s.score for s in found]
    assert len(set(labels(found))) == len(found)
    assert max(scores) == scores[0]


def test_the_measure_is_the_share_of_the_other_jobs_essential_skills(esco_download: Path) -> None:
    # Computed here straight from ESCO's relations file, apart from the project's data file.
    ess, every = defaultdict(set), defaultdict(set)
    with gzip.open(esco_download / "occupationSkillRelations.csv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            every[row["occupationUri"]].add(row["skillUri"])
            if row["relationType"] == "essential":
                ess[row["occupationUri"]].add(row["skillUri"])
    names = {}
    with gzip.open(esco_download / "occupations_nl.csv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names[row["preferredLabel"]] = row["conceptUri"]
    bus, tram = names["buschauffeur"], names["trambestuurder"]
    expected = len(every[bus] & ess[tram]) / len(ess[tram])
    from bot.careers.data import default_data

    data = default_data()
    by = {o.label: o for o in data.occupations}
    assert similarity(by["buschauffeur"], by["trambestuurder"]) == pytest.approx(expected)
    assert expected == pytest.approx(23 / 33)


def test_the_shared_group_is_said_in_words(data, by_label, careers) -> None:
    tram = careers.explain(by_label("buschauffeur"), by_label("trambestuurder"))
    assert "besturen van voertuigen" in tram.can
    assert "treinen en trams besturen" in tram.learn  # plainer words for ESCO's group


def test_practically_the_same_job_is_left_out(data, by_label) -> None:
    bus, trolley = by_label("buschauffeur"), by_label("trolleybuschauffeur")
    assert similarity(bus, trolley) >= SAME_JOB and similarity(trolley, bus) >= SAME_JOB
    assert "trolleybuschauffeur" not in labels(suggest(data, bus, limit=20))
    # A cook and a fish cook (poissonnier) need the very same skills.
    assert not {"poissonnier", "rotisseur", "dieetkok"} & set(
        labels(suggest(data, by_label("kok"), limit=20))
    )


def test_much_higher_work_is_left_out_without_a_word(data, by_label) -> None:
    clerk = by_label("administratief medewerker")  # ISCO 3343, skill level 3
    open_to_all = suggest(data, clerk, nlqf="6", limit=50)
    assert any(s.occupation.level == 4 for s in open_to_all)
    for nlqf, highest in (("1", 2), ("2", 3), ("5", 4)):
        found = suggest(data, clerk, nlqf=nlqf, limit=50)
        assert found and max(s.occupation.level for s in found) <= highest
    # Without a known diploma the level of the person's own work counts.
    assert max(s.occupation.level for s in suggest(data, by_label("kok"), limit=50)) <= 3


def test_more_suggestions_page_by_page(data, by_label) -> None:
    bus = by_label("buschauffeur")
    first, second = suggest(data, bus, limit=3), suggest(data, bus, limit=3, offset=3)
    assert first and second and not set(labels(first)) & set(labels(second))
    # The first page shows one job per ISCO group, so a cashier does not get three kinds of
    # 'verkoopspecialist'.
    assert len({s.occupation.isco for s in first}) == len(first)


@pytest.mark.parametrize(
    ("occupation", "most"),
    [
        ("vanger", 0),  # three essential skills: too little to compare on
        ("escort", 0),
        ("medewerker fitness", 1),  # eight essential skills, no optional ones
        ("parelduiker", 1),
        ("medewerker linnenkamer", 6),  # two essential skills, five optional
    ],
)
def test_occupations_with_few_skills_get_few_suggestions_or_none(
    data, by_label, occupation: str, most: int
) -> None:
    person = by_label(occupation)
    assert len(person.skills) <= 10
    found = suggest(data, person, limit=10)
    assert len(found) <= most
    for s in found:
        assert s.shared >= MIN_SHARED and s.can


def test_the_suggest_command(capsys) -> None:
    from bot.cli import main

    assert main(["careers", "suggest", "ik zit achter de kassa", "--nlqf", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("kassamedewerker (ISCO 5230")
    assert "winkelmedewerker" in out and "kan al:" in out
    assert "Deze dienst gebruikt de ESCO-classificatie" in out
    assert main(["careers", "suggest", "ik ben chauffeur"]) == 1
    assert "Welk beroep?" in capsys.readouterr().out
