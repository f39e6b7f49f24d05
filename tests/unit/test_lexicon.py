"""Matching free-text answers against the lexicon, with tolerance for typos."""

import pytest

from bot.nlp.lexicon import Lexicon, normalize


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon.load()


def test_normalize() -> None:
    assert normalize("  Noord-Holland!! ") == "noord holland"
    assert normalize("Fryslân") == "fryslan"


@pytest.mark.parametrize(
    ("kind", "text", "entry_id"),
    [
        ("sector", "ik werk in de zorg", "zorg"),
        ("occupation", "ik ben vrachtwagenchauffeur", "vrachtwagenchauffeur"),
        ("education_level", "ik heb mbo niveau 3", "mbo3"),
        ("work_situation", "ik zit in de bijstand", "bijstand"),
        ("goal", "ander werk", "switch"),
        ("place", "den bosch", "'s-Hertogenbosch"),
        ("province", "friesland", "friesland"),
        ("sector", "ik werk in de tegniek", "techniek"),  # typo
    ],
)
def test_find(lex: Lexicon, kind: str, text: str, entry_id: str) -> None:
    entry = lex.find(kind, text)
    assert entry is not None and entry.id == entry_id


def test_short_words_need_an_exact_match(lex: Lexicon) -> None:
    assert lex.find("sector", "ict") is not None
    assert lex.find("sector", "iqt") is None


def test_labels_fit_whatsapp_buttons(lex: Lexicon) -> None:
    for kind in ("sector", "education_level", "work_situation", "goal"):
        for entry in lex.by_kind[kind]:
            assert len(entry.label) <= 20, entry


def test_postcode_to_province(lex: Lexicon) -> None:
    assert lex.province_for_postcode("1012").id == "noord-holland"
    assert lex.province_for_postcode("3512").id == "utrecht"
    assert lex.province_for_postcode("9711").id == "groningen"
    assert lex.province_for_postcode("6211").id == "limburg"


def test_dont_know_and_skip(lex: Lexicon) -> None:
    assert lex.is_dont_know("Weet ik niet")
    assert lex.is_skip("sla over")


def test_find_all_keeps_the_longest_phrase(lex: Lexicon) -> None:
    def ids(text: str) -> list[str]:
        return [e.id for e in lex.find_all("course_aspect", text)]

    assert ids("hoe lang duurt het en wat kost het") == ["duur", "kosten"]
    assert ids("kan ik beginnen") == ["toelating"]  # not also "beginnen" (start)
    assert ids("wanneer kan ik beginnen") == ["start"]
    assert ids("vertel eens iets") == []
