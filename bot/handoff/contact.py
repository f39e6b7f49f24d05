"""Contact details for a call-back: taken from the raw message before redaction, kept sealed.

The channels redact phone numbers and e-mail addresses before Rasa sees a message, so the
call-back form could never read them. When a message is nothing but one phone number or one
e-mail address (the answer to "what is your number?"), the channel seals that value with a key
derived from the secret key and passes the token in the message metadata. Only the call-back
action opens it, and only after the person said yes; it stores the value encrypted again for
the console. Nothing readable reaches the tracker store or the logs.
"""

from __future__ import annotations

import re
from base64 import urlsafe_b64encode
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.nlp.lexicon import words_pattern
from bot.nlp.redact import EMAIL, PHONE

METADATA_KEY = "overstap_contact"
# Words people put around the answer: "mijn nummer is 06 ...", "mail: a@b.nl"
# (data/lexicon/words.yml).
FILLER = words_pattern("contact_filler_words", re.IGNORECASE)


def capture(text: str | None) -> str | None:
    """The phone number or e-mail address when that is all the message says, else None."""
    if not text or len(text) > 120:
        return None
    emails = [m.group(0) for m in EMAIL.finditer(text)]
    phones = [m.group(0) for m in PHONE.finditer(text)]
    if len(emails) + len(phones) != 1:
        return None
    value = (emails or phones)[0]
    rest = FILLER.sub(" ", text.replace(value, " "))
    if re.search(r"[^\W_]", rest):  # more than the answer: not a reply to our question
        return None
    return normalise_email(value) if emails else normalise_phone(value)


def is_contact_answer(redacted: str | None) -> bool:
    """The redacted text is only a phone or e-mail placeholder: the answer to our question.

    Redaction leaves "[telefoon]"; the NLU would guess an intent from that word alone (it
    guessed "talk to a human" from "telefoon"), so the NLU component makes it an `inform`.
    """
    if not redacted or ("[telefoon]" not in redacted and "[e-mail]" not in redacted):
        return False
    rest = FILLER.sub(" ", redacted.replace("[telefoon]", " ").replace("[e-mail]", " "))
    return not re.search(r"[^\W_]", rest)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[^\d+]", "", value)
    if digits.startswith("0031"):
        digits = "+31" + digits[4:]
    if digits.startswith("+310"):
        digits = "+31" + digits[4:]
    return digits


def normalise_email(value: str) -> str:
    return value.strip().lower()


def valid_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if value.startswith("+31"):
        return len(digits) == 11
    return len(digits) == 10 and digits.startswith("0")


def valid_email(value: str) -> bool:
    return bool(EMAIL.fullmatch(value)) and len(value) <= 254


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    if not secret:
        raise ValueError("no secret key to seal contact details with")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"overstap contact")
    return Fernet(urlsafe_b64encode(hkdf.derive(secret.encode())))


def seal(value: str, secret: str) -> str:
    return _fernet(secret).encrypt(value.encode()).decode()


def unseal(token: object, secret: str, max_age_s: int | None = None) -> str | None:
    """The value inside a token we sealed, or None for anything else (or an old token)."""
    if not isinstance(token, str) or not token:
        return None
    try:
        return _fernet(secret).decrypt(token.encode(), ttl=max_age_s).decode()
    except (InvalidToken, ValueError):
        return None


def mask(value: str) -> str:
    """For lists where the full value is not needed: '06 ****5678', 'j***@example.nl'."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{value[:3]} ****{value[-4:]}" if len(value) > 7 else "****"
