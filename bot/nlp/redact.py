"""Redaction of personal data (BSN, phone, e-mail, IBAN, address) before text is stored or logged.

The channels call `redact` on every incoming message, so the tracker store, the logs and the
handoff summaries never hold these values. Four-digit postcodes stay: the bot needs the region,
and a postcode without its letters is not personal data.
"""

from __future__ import annotations

import re

from bot.nlp.lexicon import LazyPattern, alternation, words, words_pattern

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}\s?(?:[A-Z0-9]{4}\s?){2,7}[A-Z0-9]{1,4}\b", re.IGNORECASE)
# Dutch mobile and landline numbers, with or without +31/0031 and separators.
PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s-]?(?:\(0\))?[\s-]?\d(?:[\s-]?\d){7,9}(?!\d)")
NINE_DIGITS = re.compile(r"(?<!\d)(\d{4}[.\s]?\d{2}[.\s]?\d{3}|\d{9})(?!\d)")
POSTCODE_FULL = re.compile(r"\b([1-9]\d{3})\s?(?!SA|SD|SS)[A-Z]{2}\b", re.IGNORECASE)
# A street name (its last part from data/lexicon/words.yml) followed by a house number.
STREET = LazyPattern(
    lambda: r"\b[\w'.-]*" + alternation(words("street_suffixes"))
    + r"\s+\d{1,5}(?:\s?[a-zA-Z](?!\w))?(?:[-\s]?\d{1,4})?\b",
    re.IGNORECASE,
)  # fmt: skip

# After "ik woon op", "mijn adres is" (data/lexicon/words.yml): up to four words, then a house
# number. The lead words stay; what follows them is the address.
ADDRESS_AFTER_LEAD = LazyPattern(
    lambda: r"\b(" + alternation(words("address_lead_words")) + r")\s*:?\s+"
    + r"(?:(?:de|het)\s+)?[\w'.-]+(?:\s+[\w'.-]+){0,3}?\s+\d{1,5}(?:\s?[a-zA-Z](?!\w))?(?:[-\s]?\d{1,4})?\b",
    re.IGNORECASE,
)  # fmt: skip

# Words people put around a phone number or e-mail address given as an answer: "mijn nummer is
# 06 ...", "mail: a@b.nl" (data/lexicon/words.yml).
CONTACT_FILLER = words_pattern("contact_filler_words", re.IGNORECASE)

PLACEHOLDERS = {
    "email": "[e-mail]",
    "iban": "[iban]",
    "phone": "[telefoon]",
    "bsn": "[bsn]",
    "address": "[adres]",
}


def is_bsn(digits: str) -> bool:
    """The 11-proef for a BSN: a nine-digit number whose weighted sum is divisible by 11."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def redact(text: str | None) -> str | None:
    """Replace personal data in `text` with placeholders; returns None for None."""
    if not text:
        return text
    text = EMAIL.sub(PLACEHOLDERS["email"], text)
    text = IBAN.sub(
        lambda m: PLACEHOLDERS["iban"] if _looks_like_iban(m.group(0)) else m.group(0), text
    )
    text = STREET.sub(PLACEHOLDERS["address"], text)
    text = ADDRESS_AFTER_LEAD.sub(lambda m: f"{m.group(1)} {PLACEHOLDERS['address']}", text)
    text = PHONE.sub(PLACEHOLDERS["phone"], text)
    text = NINE_DIGITS.sub(
        lambda m: PLACEHOLDERS["bsn"] if is_bsn(m.group(0)) else m.group(0), text
    )
    text = POSTCODE_FULL.sub(lambda m: m.group(1), text)
    return text


def is_contact_answer(redacted: str | None) -> bool:
    """The redacted text is only a phone or e-mail placeholder: the answer to our question.

    Redaction leaves "[telefoon]"; the NLU would guess an intent from that word alone (it
    guessed "talk to a human" from "telefoon"), so the NLU component makes it an `inform`.
    The value itself travels sealed (bot/handoff/contact.py).
    """
    placeholders = (PLACEHOLDERS["phone"], PLACEHOLDERS["email"])
    if not redacted or not any(p in redacted for p in placeholders):
        return False
    for placeholder in placeholders:
        redacted = redacted.replace(placeholder, " ")
    return not re.search(r"[^\W_]", CONTACT_FILLER.sub(" ", redacted))


def _looks_like_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1
