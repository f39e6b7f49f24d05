"""Free-text answers: ages in digits and Dutch words, and postcodes."""

import pytest

from bot.nlp.parse import age_bounds, dutch_number, parse_age, parse_postcode


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("vijfenveertig", 45),
        ("drieëntwintig", 23),
        ("zestig", 60),
        ("negentien", 19),
        ("12", 12),
        ("zeuvenenveertig", 47),  # spoken forms in data/lexicon/answers.yml
        ("tachentig", 80),
        ("nulenveertig", None),
        ("honderd", None),
    ],
)
def test_dutch_numbers(word: str, value: int | None) -> None:
    assert dutch_number(word) == value


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("ik ben 45", "45"),
        ("45 jaar", "45"),
        ("vijfenveertig", "45"),
        ("ik ben achtendertig jaar oud", "38"),
        ("45-56", "45-56"),
        ("jonger dan 27", "<27"),
        ("57 of ouder", "57+"),
    ],
)
def test_ages(text: str, age: str) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "geen idee", "ik ben 7", "ik ben 150"])
def test_not_an_age(text: str) -> None:
    assert parse_age(text) is None


def test_age_bounds() -> None:
    assert age_bounds("45") == (45, 45)
    assert age_bounds("45-56") == (45, 56)
    assert age_bounds(None) is None


def test_postcodes() -> None:
    assert parse_postcode("mijn postcode is 8011 AB") == "8011"
    assert parse_postcode("3512") == "3512"
    assert parse_postcode("0123") is None
