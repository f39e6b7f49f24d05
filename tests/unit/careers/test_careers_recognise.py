"""Recognising someone's occupation from their own words, and the link to the lexicon."""

from __future__ import annotations

import pytest

from bot.careers.recognise import MAX_CHOICES, label_variants

ONE = {
    "ik ben buschauffeur": "buschauffeur",
    "ik ben buschauffeur, wat voor ander werk kan ik doen?": "buschauffeur",
    "ik zit achter de kassa": "kassamedewerker",  # a phrase from the lexicon
    "ik ben caissière bij de supermarkt": "kassamedewerker",
    "ik was schoonmaakster": "schoonmaker gebouwen",  # a female form
    "ik ben trambestuurster": "trambestuurder",
    "ik werk als kok in een restaurant": "kok",
    "ik ben lasser": "lasser",
    "heftruckchauffeur": "heftruckchauffeur",
    "ik ben zorgassistente": "zorghulp",
    "ik werk als verpleegkundige": "algemeen verpleegkundige",
    # typos
    "buschaufeur": "buschauffeur",
    "vrachtwagenchaufeur": "vrachtwagenchauffeur",
    "ik ben verpleegkundge": "algemeen verpleegkundige",
    "ik ben kasiere": "kassamedewerker",
    "ik ben metselaat": "metselaar",
}


@pytest.mark.parametrize(("text", "label"), sorted(ONE.items()))
def test_one_occupation(careers, text: str, label: str) -> None:
    found = careers.recognise(text)
    assert found.occupation is not None, (text, [o.label for o in found.choices])
    assert found.occupation.label == label


@pytest.mark.parametrize(
    ("text", "some"),
    [
        # "helpende" is a lexicon occupation linked to three ESCO occupations.
        ("ik werkte in de thuiszorg als helpende", {"thuiszorgmedewerker", "zorghulp"}),
        ("ik ben chauffeur", {"vrachtwagenchauffeur", "taxichauffeur"}),
        ("ik ben helpnde", {"thuiszorgmedewerker"}),
    ],
)
def test_several_fit_and_at_most_three_are_offered(careers, text: str, some: set[str]) -> None:
    found = careers.recognise(text)
    assert found.occupation is None
    assert 2 <= len(found.choices) <= MAX_CHOICES
    assert some <= {o.label for o in found.choices}


@pytest.mark.parametrize(
    "text",
    [
        "wat kan ik nog meer",
        "welk werk past bij mij",
        "ik wil iets anders maar ik weet niet wat",
        "mijn werk verdwijnt",
        "ik doe de administratie bij een bouwbedrijf",  # a common word is not a typo
        "weet ik niet",
        "",
    ],
)
def test_words_without_an_occupation_find_none(careers, text: str) -> None:
    assert not careers.recognise(text).found


def test_label_variants() -> None:
    assert dict(label_variants("huishoud(st)er")) == {"huishouder": True, "huishoudster": True}
    assert dict(label_variants("chauffeur/verhuizer")) == {
        "chauffeur verhuizer": True,
        "chauffeur": False,
        "verhuizer": False,
    }


def test_every_lexicon_occupation_is_linked_except_a_few(careers) -> None:
    links = careers.recogniser.links
    unlinked = sorted(k for k, v in links.items() if not v)
    # No ESCO occupation fits these words of the project's lexicon; they stay unlinked.
    assert unlinked == [
        "buitendienst_medewerker", "cateringmedewerker", "functioneel_beheerder",
        "objectleider", "technisch_medewerker", "voeger",
    ]  # fmt: skip
    assert all(len(v) <= MAX_CHOICES for v in links.values())


def test_explicit_links_in_the_lexicon_name_real_occupations(careers) -> None:
    for entry in careers.recogniser.lexicon.by_kind["occupation"]:
        for name in entry.data.get("esco") or []:
            assert careers.recogniser.by_name(name) is not None, (entry.id, name)


def test_profile_and_careers_share_one_idea_of_an_occupation(careers) -> None:
    bus = careers.recognise("ik ben buschauffeur").occupation
    entry = careers.lexicon_entry(bus)
    assert entry is not None and entry.id == "buschauffeur"
    assert careers.from_lexicon("buschauffeur").occupation is bus
    cashier = careers.recognise("ik zit achter de kassa").occupation
    assert careers.lexicon_entry(cashier).id == "kassamedewerker"
    # A generic lexicon occupation stands for a few ESCO ones: the bot asks which.
    assert len(careers.from_lexicon("chauffeur").choices) == 3
