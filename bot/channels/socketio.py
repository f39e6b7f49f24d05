"""Socket.IO channel for the chat page, fixing three faults of Rasa 3.6's own channel.

1. Rasa calls `sio.enter_room` without awaiting it; with python-socketio 5 that is a
   coroutine, so the room is never joined and replies are lost with session persistence
   (Rasa issue #13027). Here it is awaited.
2. Rasa accepts any Origin (`cors_allowed_origins=[]` disables the check in this setup);
   here only OVERSTAP_ALLOWED_ORIGINS may connect.
3. Rasa lets the client choose its session id, so anyone who knows an id can join that
   conversation. Here the server issues a signed session token; a client can only resume a
   session it was given, and messages are tied to the socket's own session.
Incoming text is redacted before Rasa stores or logs it. A message over the limits of
bot/channels/limits.py gets a Dutch "wait a moment" and is not passed on; one Rasa could not
handle (the lock store's Redis is away) gets a Dutch apology. Replies go out in the widget's
message shape (bot/channels/messages.py), one event per bot message. A message that is only a
phone number or e-mail address (a call-back answer) travels sealed in the metadata
(bot/handoff/contact.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.cluster import client_manager
from bot.channels.faults import TurnAborted, persons_turn
from bot.channels.limits import LimitsUnavailable, limits_for, request_address
from bot.channels.messages import bot_message, clean_metadata
from bot.channels.session import new_session_id, sign_session, verify_session
from bot.channels.texts import texts
from bot.handoff import contact
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS, Settings

logger = logging.getLogger(__name__)


class WidgetOutput(SocketIOOutput):
    """One socket.io event per bot message, in the widget's shape (bot/channels/messages.py).

    Rasa's own output splits text at blank lines, drops the metadata that marks an adviser's
    message, and passes a custom payload to `emit` as keyword arguments, which fails.
    """

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        item = bot_message(message)
        if item is not None:
            await self._send_message(recipient_id, item)


class SocketIOInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.socketio.SocketIOInput`."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        settings = Settings.from_env().with_secrets()
        return cls(
            settings=settings,
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        settings: Settings,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
    ) -> None:
        self.settings = settings
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.sio: Optional[AsyncServer] = None

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        """Used by Rasa's HTTP API (`output_channel=latest`), e.g. for an adviser's message."""
        if self.sio is None:
            return None
        return WidgetOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = list(self.settings.allowed_origins)
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins="*" if origins == ["*"] else origins,
            client_manager=client_manager(self.settings),  # Redis between instances
            # engine.io's own body limit (1 MB by default), for polling and websocket frames
            max_http_buffer_size=self.settings.chat_max_body_kb * 1024,
        )
        limits = limits_for(self.settings)
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        secret = self.settings.secret_key

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Optional[dict] = None) -> bool:
            request = environ.get("sanic.request")
            await sio.save_session(sid, {"address": request_address(request) if request else ""})
            return True

        @sio.on("session_request")
        async def session_request(sid: str, data: Optional[dict] = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = verify_session(data.get("session_id"), secret) or new_session_id()
            saved = (await sio.get_session(sid)) or {}
            previous = saved.get("session_id")
            if previous and previous != session_id:
                await sio.leave_room(sid, previous)  # one socket, one conversation
            await sio.save_session(sid, {**saved, "session_id": session_id})
            await sio.enter_room(sid, session_id)  # awaited: the fix for Rasa #13027
            await sio.emit("session_confirm", sign_session(session_id, secret), room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Optional[dict] = None) -> None:
            session = await sio.get_session(sid)
            session_id = (session or {}).get("session_id")
            if not session_id:
                logger.warning("socket.io message without a session; ignored")
                return
            output_channel = WidgetOutput(sio, self.bot_message_evt)
            try:
                wait = await limits.take(session_id, (session or {}).get("address"))
            except LimitsUnavailable:  # Redis is away: not taken, as the lock store does
                await output_channel.send_response(session_id, {"text": texts().unavailable})
                return
            if wait > 0:
                await output_channel.send_response(session_id, {"text": texts().too_many_messages})
                return
            data = data if isinstance(data, dict) else {}
            raw = str(data.get("message", ""))[:MAX_MESSAGE_CHARS]
            text = redact(raw)
            metadata = clean_metadata(data.get("metadata"))
            metadata.pop(contact.METADATA_KEY, None)  # only we put a sealed value there
            found = contact.capture(raw)  # a call-back answer: only a phone number or e-mail
            if found and secret:
                metadata[contact.METADATA_KEY] = contact.seal(found, secret)
            message = UserMessage(
                text, output_channel, session_id, input_channel=self.name(), metadata=metadata
            )
            try:
                with persons_turn():
                    await on_new_message(message)
            except TurnAborted:
                pass  # the action server failed; the person has the apology already
            except Exception as exc:  # noqa: BLE001 - the person hears about it
                logger.error("socket.io message not handled: %s", type(exc).__name__)
                await output_channel.send_response(session_id, {"text": texts().unavailable})

        return blueprint
