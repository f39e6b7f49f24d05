"""Keyed hashes for the tombstones of erased conversations.

After an erase, something sent before it can still arrive: an event Rasa published to
RabbitMQ that the worker had not consumed yet, a WhatsApp delivery status, or Meta's
redelivery of a webhook (for up to 7 days). The tombstone tables (bot/console/models.py,
bot/whatsapp/models.py) let the consumer and the WhatsApp store recognise those for a while and
write nothing, without keeping what was erased: they hold an HMAC of the id, never the id.

The id can be personal on its own: a REST client chooses its own sender id (it may be a phone
number), and a WhatsApp message id holds the person's number in base64. So the hash is keyed:
HMAC-SHA256 with a key derived (HKDF) from OVERSTAP_PSEUDONYM_KEY (which is OVERSTAP_SECRET_KEY
unless set), the same in every process of a deployment and never stored in the database.
Without that key nobody can check whether a given id was erased.

The WhatsApp store keeps no message id either: it stores `message_key(wamid)`, the same keyed
hash, so the tombstone of a stored id is that id itself (`message_tombstone`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# What a tombstone stands for; part of the hashed text, so a conversation id and a message id
# that happen to be equal never share a tombstone.
CONVERSATION = "conversation"
WHATSAPP_MESSAGE = "whatsapp-message"


def key_from(secret: str) -> bytes:
    if not secret:
        raise ValueError("a key is required")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"overstap erasure")
    return hkdf.derive(secret.encode())


@functools.lru_cache(maxsize=1)
def default_key() -> bytes:
    """The key of this process's settings (generated into var/ when not set, as the channels'
    keys are)."""
    from bot.settings import Settings

    return key_from(Settings.from_env().with_secrets().pseudonym_key)


def digest(kind: str, value: str, key: bytes | None = None) -> str:
    """64 hex characters: the tombstone of `value`."""
    message = f"{kind}:{value}".encode()
    return hmac.new(key or default_key(), message, hashlib.sha256).hexdigest()


def message_key(message_id: str) -> str:
    """What the WhatsApp store keeps of a message id (bot/whatsapp/store.py): its keyed hash,
    because the id holds the person's number in base64."""
    return digest(WHATSAPP_MESSAGE, message_id)


_KEY = re.compile(r"[0-9a-f]{64}")


def message_tombstone(stored_id: str) -> str:
    """The tombstone of a message id as the WhatsApp store keeps it: the id itself (already a
    `message_key`). A message stored under a known id with a '#suffix' gets the tombstone of
    that id, the one its redelivery comes under. A raw id, stored before the store hashed them
    (it ages out with the retention purge), is hashed here."""
    base = stored_id.split("#", 1)[0]
    return base if _KEY.fullmatch(base) else message_key(base)


def lock_id(hex_digest: str) -> int:
    """A PostgreSQL advisory lock number (bigint) for a tombstone."""
    return int(hex_digest[:15], 16)
