"""Pseudonyms for WhatsApp users and encryption of the address needed to reply.

Two keys are derived (HKDF-SHA256) from OVERSTAP_PSEUDONYM_KEY (or the generated secret key):
one for HMAC pseudonyms, one for Fernet encryption of the address. Rasa, the logs and the inbox
only ever see the pseudonym; the phone number or BSUID is readable only with the key, which is
never stored in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from base64 import urlsafe_b64encode
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PSEUDONYM_PREFIX = "wa-"


def _derive(key: str, purpose: bytes) -> bytes:
    if not key:
        raise ValueError("a pseudonym key is required")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"overstap " + purpose)
    return hkdf.derive(key.encode())


@dataclass(frozen=True)
class Address:
    """Where replies go: the phone number (wa_id) when known, else the BSUID."""

    wa_id: str | None = None
    user_id: str | None = None

    def __repr__(self) -> str:  # never print a number by accident
        return "Address(<hidden>)"

    __str__ = __repr__

    def recipient_fields(self) -> dict[str, str]:
        """The Cloud API fields naming the recipient: `to` for a number, `recipient` for a BSUID."""
        if self.wa_id:
            return {"to": self.wa_id}
        if self.user_id:
            return {"recipient": self.user_id}
        raise ValueError("address without wa_id or user_id")


def normalise_wa_id(value: str) -> str:
    """A phone number as digits only (Meta sends digits; a leading + or spaces are dropped)."""
    return re.sub(r"\D", "", value)


class Identity:
    def __init__(self, key: str):
        self._pseudonym_key = _derive(key, b"whatsapp pseudonym")
        self._fernet = Fernet(urlsafe_b64encode(_derive(key, b"whatsapp address")))

    def _mac(self, label: str, value: str) -> str:
        message = f"{label}:{value}".encode()
        return hmac.new(self._pseudonym_key, message, hashlib.sha256).hexdigest()

    def pseudonym_for_phone(self, wa_id: str) -> str:
        return PSEUDONYM_PREFIX + self._mac("wa", normalise_wa_id(wa_id))[:40]

    def pseudonym_for_bsuid(self, user_id: str) -> str:
        return PSEUDONYM_PREFIX + self._mac("bsuid", user_id)[:40]

    def bsuid_key(self, user_id: str) -> str:
        return self._mac("bsuid-key", user_id)

    def encrypt(self, address: Address) -> str:
        data = {"wa_id": address.wa_id, "user_id": address.user_id}
        return self._fernet.encrypt(json.dumps(data).encode()).decode()

    def decrypt(self, token: str) -> Address | None:
        """The address, or None when the token was made with another key."""
        try:
            data = json.loads(self._fernet.decrypt(token.encode()))
        except (InvalidToken, ValueError):
            return None
        return Address(wa_id=data.get("wa_id"), user_id=data.get("user_id"))
