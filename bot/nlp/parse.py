"""Parsers for free-text profile answers: ages (digits or Dutch number words) and postcodes."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.nlp.lexicon import alternation, default_lexicon, normalize, word_map

# Age buckets offered as buttons; the slot stores the bucket id or an exact age.
AGE_GROUPS = {
    "<27": (16, 26),
    "27-44": (27, 44),
    "45-56": (45, 56),
    "57+": (57, 99),
}

POSTCODE_RE = re.compile(r"\b([1-9]\d{3})\s?([a-zA-Z]{2})?\b")


def dutch_number(word: str) -> int | None:
    """Read a Dutch number word from 0 to 99, e.g. 'vijfenveertig' -> 45.

    The words are the lexicon's `number_words` (data/lexicon/answers.yml); the rest is
    composed: a unit, "en", a tens word.
    """
    word = normalize(word).replace(" ", "").replace("-", "")
    if word.isdigit():
        return int(word)
    numbers = default_lexicon().number_words
    if word in numbers:
        return numbers[word]
    match = _compound_number().fullmatch(word)
    if match and 0 < numbers.get(match.group(1), 0) < 10:
        return numbers[match.group(1)] + numbers[match.group(2)]
    return None


@lru_cache(maxsize=1)
def _compound_number() -> re.Pattern[str]:
    tens = [w for w, n in default_lexicon().number_words.items() if n >= 20 and n % 10 == 0]
    return re.compile(r"([a-z]+?)en(" + alternation(tens) + ")")


@lru_cache(maxsize=1)
def _age_group_phrases() -> dict[str, re.Pattern[str]]:
    """Phrases that name an age group ("jonger dan 27"), from data/lexicon/words.yml."""
    return {
        group: re.compile(r"\b" + alternation(normalize(p) for p in phrases) + r"\b")
        for group, phrases in word_map("age_group_phrases").items()
    }


def parse_age(text: str) -> str | None:
    """An age from a free-text answer: an exact age ('45') or a bucket id ('45-56')."""
    if text is None:
        return None
    raw = str(text).strip()
    if raw in AGE_GROUPS:
        return raw
    norm = normalize(raw)
    for group, phrase in _age_group_phrases().items():
        if phrase.search(norm):
            return group
    for number in re.findall(r"\b(\d{1,3})\b", norm):
        value = int(number)
        if 14 <= value <= 99:
            return str(value)
    for word in norm.split():
        value = dutch_number(word)
        if value is not None and 14 <= value <= 99:
            return str(value)
    return None


def age_bounds(age: str | None) -> tuple[int, int] | None:
    """(lowest, highest) age an age slot value allows, or None when unknown."""
    if not age:
        return None
    if age in AGE_GROUPS:
        return AGE_GROUPS[age]
    try:
        value = int(float(age))
    except ValueError:
        return None
    return (value, value)


def parse_postcode(text: str) -> str | None:
    """The four digits of a Dutch postcode in the text; the letters are dropped on purpose."""
    match = POSTCODE_RE.search(text or "")
    return match.group(1) if match else None
