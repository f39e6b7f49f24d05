"""WhatsApp Cloud API channel: `bot.channels.whatsapp.WhatsAppInput` in credentials.yml.

Webhook at /webhooks/whatsapp/webhook:
- GET answers Meta's verification handshake (hub.mode, hub.verify_token, hub.challenge).
- POST is refused (403) unless X-Hub-Signature-256 matches the raw body under the app secret.
  A valid POST is stored in the inbox table and answered 200 at once; a background worker then
  hands each message to Rasa, per sender one at a time and in order (bot.whatsapp.worker).
  A sender over OVERSTAP_RATE_CONVERSATION_PER_MINUTE is told once a minute to wait, and the
  messages over the limit are not passed on (bot/channels/limits.py).

Rasa only sees a pseudonym as sender_id and redacted text. Replies go out through
WhatsAppOutput, which looks up the encrypted address for the pseudonym. Settings come from
the environment (OVERSTAP_WHATSAPP_*), so credentials.yml holds no secrets. Sanic's own logs
never show the handshake's query string, which holds the verify token.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.faults import TurnAborted, persons_turn
from bot.channels.limits import limits_for
from bot.channels.texts import texts as channel_texts
from bot.console.avg import ERASED_KEY, delete_app_rows
from bot.db import create_engine
from bot.errors import AgentNotReady, GraphError
from bot.settings import Settings
from bot.whatsapp import outbound
from bot.whatsapp.graph import GraphClient, RetryPolicy
from bot.whatsapp.identity import Identity
from bot.whatsapp.relay import OutboxRelay, retryable
from bot.whatsapp.store import WINDOW_CLOSED, Claimed, Purged, WhatsAppStore
from bot.whatsapp.texts import texts
from bot.whatsapp.webhook import parse, verify_signature
from bot.whatsapp.worker import InboxWorker

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
WEBHOOK_PATH = f"/webhooks/{CHANNEL_NAME}/webhook"
# Meta's handshake carries our verify token in the query string, and Sanic's access log (and its
# error log, on an exception) writes the whole URL. These keep the query out of those lines.
_WEBHOOK_QUERY = re.compile(re.escape(WEBHOOK_PATH) + r"\?[^\s'\"]*")
_VERIFY_TOKEN_PARAM = re.compile(r"(hub(?:\.|%2[Ee])verify_token=)[^&\s'\"]*")
SANIC_LOGGERS = ("sanic.access", "sanic.error", "sanic.root")
LIMIT_NOTICE_S = 60.0


def redact_webhook_urls(text: str) -> str:
    text = _WEBHOOK_QUERY.sub(WEBHOOK_PATH + "?<redacted>", text)
    return _VERIFY_TOKEN_PARAM.sub(r"\1<redacted>", text)


class WebhookQueryFilter(logging.Filter):
    """Removes the webhook's query string (with hub.verify_token) from Sanic's log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)  # the access log's "GET <url>"
        if isinstance(request, str):
            record.request = redact_webhook_urls(request)
        if isinstance(record.msg, str):
            record.msg = redact_webhook_urls(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_webhook_urls(a) if isinstance(a, str) else a for a in record.args
            )
        return True


def install_log_redaction() -> None:
    """Put the filter on Sanic's loggers once per process (forked workers inherit it)."""
    for name in SANIC_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, WebhookQueryFilter) for f in target.filters):
            target.addFilter(WebhookQueryFilter())


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's replies; never raises, so a failed send never makes Rasa redo a turn.

    With `inbound_id` (the message this turn answers, by its stored id: a keyed hash of
    Meta's id, never the id itself, which holds the number) each reply is numbered: one that went
    out before is skipped when the turn runs again after a crash, and one the Graph API did not
    take waits in the outbox (bot/whatsapp/models.py) for the relay. While a person has
    replies waiting, newer ones queue behind them.
    """

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(self, graph: GraphClient, store: WhatsAppStore, inbound_id: str | None = None):
        self.graph = graph
        self.store = store
        self.inbound_id = inbound_id
        self.menu_sent = False  # a numbered menu was sent in this turn
        self.erased = False  # the person had the conversation erased in this turn
        self._closed: set[str] = set()  # senders whose 24-hour window is closed
        self._seq = 0

    async def _send(self, pseudonym: str, message: dict[str, Any]) -> bool:
        seq, self._seq = self._seq, self._seq + 1
        if pseudonym in self._closed:
            return False
        try:
            if self.inbound_id is not None:
                done = await asyncio.to_thread(self.store.reply_state, self.inbound_id, seq)
                if done is not None:  # sent (or queued) before this turn ran again
                    return done == "sent"
            if await asyncio.to_thread(self.store.has_queued, pseudonym):
                await self._queue(pseudonym, seq, message)
                return False
            return await self._deliver(pseudonym, seq, message)
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down; Rasa goes on
            logger.error("WhatsApp reply not sent: %s", type(exc).__name__)
            return False

    async def _queue(self, pseudonym: str, seq: int, message: dict[str, Any]) -> None:
        await asyncio.to_thread(self.store.queue_reply, pseudonym, self.inbound_id, seq, message)

    async def _deliver(self, pseudonym: str, seq: int, message: dict[str, Any]) -> bool:
        address = await asyncio.to_thread(self.store.address, pseudonym)
        if address is None:
            logger.warning("WhatsApp reply dropped: no address for this sender")
            return False
        try:
            message_id = await self.graph.send(address.recipient_fields(), message)
        except GraphError as exc:
            if retryable(exc):
                await self._queue(pseudonym, seq, message)  # the relay sends it later
                return False
            code = exc.code or exc.status
            await asyncio.to_thread(self.store.record_send_error, pseudonym, code, exc.title)
            if exc.code == WINDOW_CLOSED:
                self._closed.add(pseudonym)  # the rest of this turn would fail alike
            return False
        if self.inbound_id is not None:
            await asyncio.to_thread(self.store.record_reply_sent, pseudonym, self.inbound_id, seq)
        if message_id:
            await asyncio.to_thread(self.store.record_sent, message_id, pseudonym)
        return True

    async def _send_plan(self, pseudonym: str, plan: outbound.Plan) -> None:
        for message in plan.messages:
            await self._send(pseudonym, message)
        if plan.numbered:
            self.menu_sent = True
            payloads = [option.payload for option in plan.numbered]
            await asyncio.to_thread(self.store.set_options, pseudonym, payloads)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if message.get("sender") == "adviseur":
            # An advisor's message from the console (BotUttered metadata, merged into the
            # message by Rasa): plain text, marked with who wrote it.
            name = str(message.get("sender_name") or "").strip()
            text = str(message.get("text") or "")
            prefix = f"*{name} (adviseur):* " if name else "*Adviseur:* "
            body = {"preview_url": False, "body": (prefix + text)[:4096]}
            await self._send(recipient_id, {"type": "text", "text": body})
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_plan(recipient_id, outbound.plan(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_plan(recipient_id, outbound.plan(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, {"type": "image", "image": {"link": image}})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """A custom response that is a Cloud API message object (with `type`) is sent as is."""
        if json_message == {ERASED_KEY: True}:  # actions/privacy.py: nothing to send
            self.erased = True
            return
        if isinstance(json_message, dict) and isinstance(json_message.get("type"), str):
            message = {k: v for k, v in json_message.items() if k not in {"to", "recipient"}}
            await self._send(recipient_id, message)
        else:
            logger.warning("WhatsApp: custom response without a message type ignored")


class WhatsAppInput(InputChannel):
    """Registered in credentials.yml as `bot.channels.whatsapp.WhatsAppInput` (no keys)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        return cls(Settings.from_env().with_secrets())

    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        lease_s: float = 30.0,
        timeout_s: float = 90.0,
        sweep_s: float = 30.0,
        max_attempts: int = 5,
        retry_base_s: float = 2.0,
        purge_s: float = 3600.0,
        relay_s: float = 5.0,
    ) -> None:
        self.settings = settings
        self.relay_s = relay_s
        self.relay: OutboxRelay | None = None
        self.graph = GraphClient(
            settings.whatsapp_graph_url,
            settings.whatsapp_phone_number_id,
            settings.whatsapp_access_token,
            timeout_s=settings.http_timeout_s,
            retry=retry,
        )
        self.worker_options = {
            "lease_s": lease_s,
            "timeout_s": timeout_s,
            "sweep_s": sweep_s,
            "max_attempts": max_attempts,
            "retry_base_s": retry_base_s,
            "purge_s": purge_s,
        }
        self.store: WhatsAppStore | None = None
        self.worker: InboxWorker | None = None
        self.app: Sanic | None = None
        self.limits = limits_for(settings)
        self._limit_notices: dict[str, float] = {}  # pseudonym -> when last told to wait

    def __repr__(self) -> str:
        return "WhatsAppInput()"

    @property
    def enabled(self) -> bool:
        """Without an app secret no POST can be verified, so nothing is stored or processed."""
        return bool(self.settings.whatsapp_app_secret)

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.store is None:
            return None
        return WhatsAppOutput(self.graph, self.store)

    # -- processing --------------------------------------------------------------------------

    def open_store(self) -> WhatsAppStore:
        """The store on the application database, migrated to the newest revision."""
        engine = create_engine(self.settings)
        store = WhatsAppStore(engine, Identity(self.settings.pseudonym_key))
        try:
            store.migrate()
        except Exception:
            store.close()
            raise
        return store

    async def open(self) -> None:
        """Before the server listens: the inbox can take posts from the first request on."""
        if not self.enabled:
            logger.info("WhatsApp channel not configured (no OVERSTAP_WHATSAPP_APP_SECRET)")
            return
        self.store = await asyncio.to_thread(self.open_store)

    async def start(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Once Rasa has loaded its model: work through the inbox."""
        if self.store is None:
            return

        async def handle(row: Claimed) -> None:
            await self._process(row, on_new_message)

        async def give_up(row: Claimed) -> None:
            output = WhatsAppOutput(self.graph, self.store)
            await output.send_text_message(row.pseudonym, texts().failed_reply)

        store, settings = self.store, self.settings

        def purge() -> Purged:
            return store.purge_all(
                settings.whatsapp_retention_days, settings.whatsapp_contact_retention_days
            )

        self.worker = InboxWorker(self.store, handle, give_up, purge=purge, **self.worker_options)
        self.worker.start()  # its first sweep picks up what was stored before a restart
        self.relay = OutboxRelay(
            self.store, self.graph, every_s=self.relay_s, first_wait_s=self.relay_s
        )
        self.relay.start()  # replies the Graph API did not take, also from before a restart

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None
        if self.relay is not None:
            await self.relay.stop()
            self.relay = None
        await self.graph.close()
        if self.store is not None:
            self.store.close()
            self.store = None

    def _check_agent(self) -> None:
        agent = getattr(self.app.ctx, "agent", None) if self.app is not None else None
        if agent is not None and not agent.is_ready():
            raise AgentNotReady()

    async def _process(
        self, row: Claimed, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        assert self.store is not None
        output = WhatsAppOutput(self.graph, self.store, inbound_id=row.message_id)
        # Redis away (LimitsUnavailable): the worker tries the message again later, as when
        # the lock store cannot take it.
        if await self.limits.take(row.pseudonym) > 0:
            await self._tell_to_wait(row.pseudonym, output)
            return
        if row.kind == "not_text":
            await output.send_text_message(row.pseudonym, texts().not_text_reply)
            return
        self._check_agent()
        options = await asyncio.to_thread(self.store.options, row.pseudonym)
        text = row.text or ""
        if row.kind == "text":
            text = outbound.numbered_choice(text, options) or text
        # The stored id is the hashed one: the tracker store keeps it, so never Meta's id.
        message = UserMessage(
            text, output, row.pseudonym, input_channel=self.name(),
            message_id=row.message_id, metadata={},
        )  # fmt: skip
        try:
            with persons_turn():
                await on_new_message(message)
        except TurnAborted:
            return  # the action server failed; the person has the apology, the message is done
        if output.erased:
            # The rest went in the action; the encrypted number had to stay for the last reply.
            await asyncio.to_thread(self.erase_contact, row.pseudonym)
        elif not output.menu_sent and options:
            await asyncio.to_thread(self.store.set_options, row.pseudonym, [])

    def erase_contact(self, pseudonym: str) -> None:
        assert self.store is not None
        delete_app_rows(self.store.sessions, pseudonym)

    async def _tell_to_wait(self, pseudonym: str, output: WhatsAppOutput) -> None:
        """Over the limit: the message is not passed on, and the sender hears it once a
        minute (a flood does not get a flood of notices back)."""
        now = asyncio.get_running_loop().time()
        if now - self._limit_notices.get(pseudonym, -LIMIT_NOTICE_S) < LIMIT_NOTICE_S:
            return
        self._limit_notices[pseudonym] = now
        if len(self._limit_notices) > 10_000:
            self._limit_notices = {
                k: t for k, t in self._limit_notices.items() if now - t < LIMIT_NOTICE_S
            }
        await output.send_text_message(pseudonym, channel_texts().too_many_messages)

    # -- HTTP --------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install_log_redaction()
        webhook = Blueprint("whatsapp_webhook", __name__)

        @webhook.listener("before_server_start")
        async def opening(app: Sanic, _loop: Any) -> None:
            self.app = app
            try:
                await self.open()
            except Exception as exc:  # noqa: BLE001 - keep Rasa's other channels running
                logger.error("WhatsApp channel could not open its database: %s", type(exc).__name__)

        @webhook.listener("after_server_start")
        async def started(_app: Sanic, _loop: Any) -> None:
            await self.start(on_new_message)

        @webhook.listener("before_server_stop")
        async def stopping(_app: Sanic, _loop: Any) -> None:
            await self.stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            expected = self.settings.whatsapp_verify_token
            mode = request.args.get("hub.mode")
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge")
            if (
                expected
                and mode == "subscribe"
                and challenge
                and hmac.compare_digest(token.encode(), expected.encode())
            ):
                return response.text(challenge, content_type="text/plain")
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            secret = self.settings.whatsapp_app_secret
            if not verify_signature(
                secret, request.body, request.headers.get("X-Hub-Signature-256")
            ):
                return response.text("forbidden", status=403)
            if self.store is None:
                return response.text("not ready", status=503)  # Meta delivers again later
            try:
                payload = json.loads(request.body)
            except ValueError:
                return response.text("bad request", status=400)
            notification = parse(payload, self.settings.whatsapp_phone_number_id or None)
            try:
                senders = await asyncio.to_thread(self.store.accept, notification)
            except Exception as exc:  # noqa: BLE001 - not stored, so not acknowledged
                logger.error("WhatsApp webhook not stored: %s", type(exc).__name__)
                return response.text("error", status=500)
            if self.worker is not None:  # else its first sweep, right after start, finds them
                for pseudonym in senders:
                    self.worker.kick(pseudonym)
            return response.text("ok")

        return webhook
