"""Matching free-text answers against the lexicon, with tolerance for typos."""

import re
from pathlib import Path

import pytest

from bot.nlp.lexicon import Lexicon, normalize, word_lists, word_map, words, words_pattern

ROOT = Path(__file__).resolve().parents[3]


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


def test_word_lists_are_lowercase_without_repeats() -> None:
    lists = word_lists()
    assert lists, "data/lexicon/words.yml is empty"
    for name, found in lists.items():
        items = list(found) if isinstance(found, list) else list(found.keys())
        for item in items:
            assert isinstance(item, str) and item == item.lower() and item.strip() == item, (
                name,
                item,
            )
        assert len(items) == len(set(items)), f"{name} repeats a word"


def test_every_word_list_is_read_by_the_code() -> None:
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("bot", "actions")
        for path in (ROOT / folder).rglob("*.py")
    )
    unused = [name for name in word_lists() if f'"{name}"' not in code]
    assert not unused, f"word lists no code reads: {unused}"


def test_words_pattern_matches_whole_words_and_endings() -> None:
    wish = words_pattern("wish_words")
    assert wish.search("ik wil de zorg in")
    assert not wish.search("ik wilde niks")  # "wilde" is not in the list
    phone = words_pattern("phone_words", re.IGNORECASE)
    assert phone.search("Bellen graag") and phone.search("telefonisch")  # "bel*", "telefo*"
    assert not phone.search("rebel")  # whole words only
    assert words_pattern("keep_or_leave_words").search("ik wil niet meer in de zorg")


def test_word_list_errors_name_the_list() -> None:
    with pytest.raises(KeyError, match="no_such_list"):
        words("no_such_list")
    with pytest.raises(KeyError, match="wish_words"):
        word_map("wish_words")  # a list, not a mapping


def test_shortage_sectors_come_from_the_lexicon(lex: Lexicon) -> None:
    from bot.catalog.search import shortage_sectors

    assert shortage_sectors() == {e.id for e in lex.by_kind["sector"] if e.data.get("shortage")}
    assert "zorg" in shortage_sectors() and "horeca" not in shortage_sectors()
