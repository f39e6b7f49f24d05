"""socket.io across Rasa instances: python-socketio's Redis manager.

Each instance holds only the sockets connected to it. With OVERSTAP_REDIS_URL set, every emit
(a reply, an adviser's message sent through Rasa's HTTP API with `output_channel=latest`) goes
through Redis pub/sub to all instances, and the one that holds the person's socket delivers it.
Without Redis (one instance) the server emits locally, as before.
"""

from __future__ import annotations

from typing import Optional

from socketio import AsyncRedisManager

from bot.settings import Settings

CHANNEL = "overstap-socketio"


def client_manager(settings: Settings) -> Optional[AsyncRedisManager]:
    """Redis pub/sub channels are shared by every database of a Redis server: the channel is
    named after the deployment's public Rasa URL, which all its instances share."""
    if not settings.redis_url:
        return None
    return AsyncRedisManager(settings.redis_url, channel=f"{CHANNEL}:{settings.public_rasa_url}")
