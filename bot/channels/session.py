"""Signed chat session ids: the server issues them; a client can only resume one it was given.

Kept apart from the socket.io channel so that the web app can check a token without importing
Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any, Optional


def new_session_id() -> str:
    return uuid.uuid4().hex


def sign_session(session_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{session_id}.{mac}"


def verify_session(token: Any, secret: str) -> Optional[str]:
    """The session id inside a token we issued, or None for anything else."""
    if not secret or not isinstance(token, str) or token.count(".") != 1:
        return None
    session_id, _mac = token.split(".")
    if len(session_id) != 32 or not all(c in "0123456789abcdef" for c in session_id):
        return None
    if hmac.compare_digest(sign_session(session_id, secret), token):
        return session_id
    return None
