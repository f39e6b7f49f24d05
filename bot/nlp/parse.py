"""Parsers for free-text profile answers: ages (digits or Dutch number words) and postcodes."""

from __future__ import annotations

import re

from bot.nlp.lexicon import normalize

UNITS = {
    "nul": 0, "een": 1, "eén": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
    "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
}  # fmt: skip
TEENS = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
    "zeventig": 70, "tachtig": 80, "negentig": 90,
}  # fmt: skip

# Age buckets offered as buttons; the slot stores the bucket id or an exact age.
AGE_GROUPS = {
    "<27": (16, 26),
    "27-44": (27, 44),
    "45-56": (45, 56),
    "57+": (57, 99),
}

POSTCODE_RE = re.compile(r"\b([1-9]\d{3})\s?([a-zA-Z]{2})?\b")


def dutch_number(word: str) -> int | None:
    """Read a Dutch number word from 0 to 99, e.g. 'vijfenveertig' -> 45."""
    word = normalize(word).replace(" ", "").replace("-", "")
    if word.isdigit():
        return int(word)
    if word in UNITS:
        return UNITS[word]
    if word in TEENS:
        return TEENS[word]
    if word in TENS:
        return TENS[word]
    match = re.fullmatch(
        r"([a-z]+?)(?:en|ën)(twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)", word
    )
    if match and match.group(1) in UNITS and UNITS[match.group(1)] > 0:
        return UNITS[match.group(1)] + TENS[match.group(2)]
    return None


def parse_age(text: str) -> str | None:
    """An age from a free-text answer: an exact age ('45') or a bucket id ('45-56')."""
    if text is None:
        return None
    raw = str(text).strip()
    if raw in AGE_GROUPS:
        return raw
    norm = normalize(raw)
    if re.search(r"\b(jonger dan 27|onder de 27)\b", norm):
        return "<27"
    if re.search(r"\b(57 of ouder|ouder dan 57|boven de 57)\b", norm):
        return "57+"
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
