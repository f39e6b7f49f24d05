"""The WhatsApp channel over real HTTP: Sanic serves the channel's blueprint on 127.0.0.1, a
fake `on_new_message` stands in for Rasa (it is the channel's real interface to Rasa), and
replies go to the fake Graph API. Payloads are Meta-shaped (tests/data/whatsapp/)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from sanic import Sanic
from sanic.log import LOGGING_CONFIG_DEFAULTS
from sqlalchemy import text as sql_text
from whatsapp_fakes import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    FakeGraph,
    interactive_payload,
    load,
    options_of,
    sign,
    text_payload,
    visible_text,
)

from bot.channels.whatsapp import WhatsAppInput, install_log_redaction
from bot.db.erasure import message_key
from bot.settings import Settings
from bot.whatsapp.graph import RetryPolicy
from bot.whatsapp.identity import Identity
from bot.whatsapp.texts import texts

PSEUDONYM_KEY = "channel-test-pseudonym-key"
WEBHOOK_PATH_IN_URL = "/webhooks/whatsapp/webhook"  # written out, not taken from the bot
# Several Sanic apps start in this process; Sanic's test mode lets each one start afresh.
Sanic.test_mode = True
Script = Callable[[Any], Awaitable[None]]


def settings_for(tmp_path: Path, graph: FakeGraph, **override: str) -> Settings:
    env = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'overstap.db'}",
        "OVERSTAP_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "OVERSTAP_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "OVERSTAP_WHATSAPP_APP_SECRET": APP_SECRET,
        "OVERSTAP_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "OVERSTAP_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "OVERSTAP_WHATSAPP_GRAPH_URL": graph.base_url,
    }
    env.update(override)
    return Settings.from_env(env).with_secrets()


async def echo(message: Any) -> None:
    await message.output_channel.send_response(
        message.sender_id, {"text": f"Je zei: {message.text}"}
    )


class ChannelServer:
    """The channel's blueprint in a Sanic server of its own, in a thread with its own loop."""

    def __init__(
        self,
        settings: Settings,
        script: Script = echo,
        access_log: bool = False,
        **channel_options: Any,
    ):
        options = {
            "retry": RetryPolicy(attempts=3, first_wait_s=0.05, max_wait_s=0.2),
            "lease_s": 5.0,
            "timeout_s": 3.0,
            "sweep_s": 0.2,
            "max_attempts": 3,
            "retry_base_s": 0.05,
        }
        options.update(channel_options)
        self.channel = WhatsAppInput(settings, **options)
        self.script = script
        self.access_log = access_log
        self.received: list[Any] = []
        self.active = 0
        self.max_active_per_sender: dict[str, int] = {}
        self.app = Sanic(f"wa_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.blueprint(
            self.channel.blueprint(self._on_new_message), url_prefix="/webhooks/whatsapp"
        )
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._busy: dict[str, int] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _on_new_message(self, message: Any) -> None:
        sender = message.sender_id
        self._busy[sender] = self._busy.get(sender, 0) + 1
        self.max_active_per_sender[sender] = max(
            self.max_active_per_sender.get(sender, 0), self._busy[sender]
        )
        try:
            self.received.append(message)
            await self.script(message)
        finally:
            self._busy[sender] -= 1

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        # A socket of our own on a free port: Sanic 21.12 turns port=0 into its default 8000.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = await self.app.create_server(
            sock=sock, return_asyncio_server=True, access_log=self.access_log
        )
        await server.startup()
        await server.before_start()
        self.port = server.server.sockets[0].getsockname()[1]
        await server.after_start()
        self._ready.set()
        await self._stop.wait()
        await server.before_stop()
        await server.close()
        await server.after_stop()

    def __enter__(self) -> ChannelServer:
        self.thread.start()
        assert self._ready.wait(20), "the channel server did not start"
        return self

    def __exit__(self, *exc: Any) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(20)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/whatsapp/webhook"

    def post(self, payload: Any, signature: str | None = "auto") -> requests.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "auto":
            signature = sign(body)
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return requests.post(self.url, data=body, headers=headers, timeout=10)

    def wait_until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            time.sleep(0.02)

    def settled(self) -> bool:
        states = self.channel.store.inbox_states().values()
        return all(state in {"done", "failed"} for state in states)


PSEUDONYM = Identity(PSEUDONYM_KEY).pseudonym_for_phone(PHONE)


@pytest.fixture
def graph():
    with FakeGraph() as fake:
        yield fake


@pytest.fixture
def server(tmp_path: Path, graph: FakeGraph):
    with ChannelServer(settings_for(tmp_path, graph)) as running:
        yield running


# -- handshake and signatures -------------------------------------------------------------------


def handshake(server: ChannelServer, **params: str) -> requests.Response:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    query.update(params)
    return requests.get(server.url, params=query, timeout=10)


def test_handshake_returns_the_bare_challenge(server: ChannelServer) -> None:
    answer = handshake(server)
    assert answer.status_code == 200
    assert answer.text == "1158201444"
    assert answer.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params", [{"hub.verify_token": "wrong"}, {"hub.mode": "unsubscribe"}, {"hub.verify_token": ""}]
)
def test_handshake_with_wrong_token_or_mode_is_refused(
    server: ChannelServer, params: dict[str, str]
) -> None:
    assert handshake(server, **params).status_code == 403


def test_handshake_without_a_configured_token_is_refused(tmp_path: Path, graph: FakeGraph) -> None:
    settings = settings_for(tmp_path, graph, OVERSTAP_WHATSAPP_VERIFY_TOKEN="")
    with ChannelServer(settings) as bare:
        assert handshake(bare, **{"hub.verify_token": ""}).status_code == 403


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, sign(b"other body")])
def test_unsigned_or_wrongly_signed_posts_are_refused(
    server: ChannelServer, signature: str | None
) -> None:
    answer = server.post(load("text.json"), signature=signature)
    assert answer.status_code == 403
    assert server.channel.store.inbox_states() == {}


def test_without_an_app_secret_every_post_is_refused(tmp_path: Path, graph: FakeGraph) -> None:
    settings = settings_for(tmp_path, graph, OVERSTAP_WHATSAPP_APP_SECRET="")
    with ChannelServer(settings) as bare:
        body = json.dumps(load("text.json")).encode()
        assert bare.post(body, signature=sign(body, "")).status_code == 403
        assert bare.post(body).status_code == 403
    assert not bare.received


# -- inbound ------------------------------------------------------------------------------------


def test_text_reaches_the_bot_under_a_pseudonym_and_the_reply_goes_to_the_number(
    server: ChannelServer, graph: FakeGraph
) -> None:
    payload = text_payload("Mijn nummer is 0612345678, ik zoek werk", "wamid.text.1")
    assert server.post(payload).status_code == 200
    (sent,) = graph.wait_for(1)
    (message,) = server.received
    assert message.sender_id == PSEUDONYM and PHONE not in message.sender_id
    assert message.text == "Mijn nummer is [telefoon], ik zoek werk"
    assert message.input_channel == "whatsapp" and message.message_id == message_key("wamid.text.1")
    assert message.metadata == {}
    assert sent["body"]["to"] == PHONE
    assert sent["body"]["text"]["body"] == "Je zei: Mijn nummer is [telefoon], ik zoek werk"
    server.wait_until(server.settled)
    assert server.channel.store.status_of(sent["message_id"]) == "accepted"


def test_the_webhook_answers_before_the_bot_has_replied(tmp_path: Path, graph: FakeGraph) -> None:
    async def slow(message: Any) -> None:
        await asyncio.sleep(1.5)
        await echo(message)

    with ChannelServer(settings_for(tmp_path, graph), slow) as slow_server:
        started = time.monotonic()
        assert slow_server.post(text_payload("hallo", "wamid.slow.1")).status_code == 200
        assert time.monotonic() - started < 1.0
        assert not graph.requests
        graph.wait_for(1)


def test_the_same_delivery_ten_times_at_once_is_processed_once(
    server: ChannelServer, graph: FakeGraph
) -> None:
    body = json.dumps(text_payload("hallo", "wamid.dup.1")).encode()
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: server.post(body), range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    graph.wait_for(1)
    server.wait_until(server.settled)
    time.sleep(0.3)  # a second processing would show up by now
    assert len(server.received) == 1 and len(graph.requests) == 1


def test_messages_of_one_sender_are_handled_one_at_a_time_in_order(
    tmp_path: Path, graph: FakeGraph
) -> None:
    async def uneven(message: Any) -> None:
        await asyncio.sleep(0.4 if message.text == "bericht 1" else 0.02)
        await echo(message)

    other = "31687654321"
    with ChannelServer(settings_for(tmp_path, graph), uneven) as busy:
        for n in range(1, 6):
            assert (
                busy.post(text_payload(f"bericht {n}", f"wamid.seq.{n}", timestamp=n)).status_code
                == 200
            )
        busy.post(text_payload("van iemand anders", "wamid.other.1", sender=other))
        graph.wait_for(6)
        busy.wait_until(busy.settled)
    mine = [m.text for m in busy.received if m.sender_id == PSEUDONYM]
    assert mine == [f"bericht {n}" for n in range(1, 6)]
    assert busy.max_active_per_sender[PSEUDONYM] == 1
    # The other person did not wait for the slow first message.
    order = [m.text for m in busy.received]
    assert order.index("van iemand anders") < order.index("bericht 2")


def test_several_entries_and_messages_in_one_post(server: ChannelServer, graph: FakeGraph) -> None:
    assert server.post(load("batch.json")).status_code == 200
    graph.wait_for(4)
    server.wait_until(server.settled)
    assert sorted(m.text for m in server.received) == ["eerste", "tweede", "van iemand anders"]
    to_me = [visible_text(b) for b in graph.sent() if b.get("to") == PHONE]
    assert to_me == ["Je zei: eerste", "Je zei: tweede", texts().not_text_reply]
    assert server.channel.store.status_of("wamid.out.1") == "delivered"


@pytest.mark.parametrize(
    "name",
    [
        "image.json", "audio.json", "video.json", "document.json", "location.json",
        "sticker.json", "contacts.json", "reaction.json", "unsupported.json",
    ],
)  # fmt: skip
def test_media_and_other_types_get_a_polite_dutch_reply(
    server: ChannelServer, graph: FakeGraph, name: str
) -> None:
    assert server.post(load(name)).status_code == 200
    (sent,) = graph.wait_for(1)
    assert (
        sent["body"]["text"]["body"] == "Ik kan alleen tekst lezen. Typ je vraag of kies een knop."
    )
    assert sent["body"]["to"] == PHONE
    server.wait_until(server.settled)
    assert not server.received  # nothing reached the bot


def test_statuses_posted_out_of_order_never_go_backwards(server: ChannelServer) -> None:
    for name in ("status_read.json", "status_delivered.json", "status_sent.json"):
        assert server.post(load(name)).status_code == 200
    message_id = load("status_read.json")["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
    assert server.channel.store.status_of(message_id) == "read"


def test_sender_known_only_by_bsuid_gets_replies_by_bsuid(
    server: ChannelServer, graph: FakeGraph
) -> None:
    assert server.post(load("bsuid_only.json")).status_code == 200
    (sent,) = graph.wait_for(1)
    assert sent["body"]["recipient"] == "NL.1350412365485270"
    assert "to" not in sent["body"]
    assert server.received[0].sender_id == Identity(PSEUDONYM_KEY).pseudonym_for_bsuid(
        "NL.1350412365485270"
    )


# -- outbound: buttons, lists, numbered menus ---------------------------------------------------

SECTORS = [
    ("Zorg en welzijn", '/inform{"sector": "zorg"}'),
    ("Techniek", '/inform{"sector": "techniek"}'),
    ("Bouw", '/inform{"sector": "bouw"}'),
    ("ICT", '/inform{"sector": "ict"}'),
    ("Transport/logistiek", '/inform{"sector": "logistiek"}'),
]


def menu(count: int) -> list[dict[str, str]]:
    choices = SECTORS + [(f"Beroep nummer {n}", f'/inform{{"job": "{n}"}}') for n in range(6, 13)]
    return [{"title": title, "payload": payload} for title, payload in choices[:count]]


def replying_with(count: int) -> Script:
    async def script(message: Any) -> None:
        if message.text == "menu":
            reply = {"text": "In welk werk zit je?", "buttons": menu(count)}
        else:
            reply = {"text": f"Je koos: {message.text}"}
        await message.output_channel.send_response(message.sender_id, reply)

    return script


def conversation(tmp_path: Path, graph: FakeGraph, count: int, answer: dict) -> tuple[list, list]:
    with ChannelServer(settings_for(tmp_path, graph), replying_with(count)) as bot:
        bot.post(text_payload("menu", "wamid.menu.1", timestamp=1))
        graph.wait_for(1)
        bot.wait_until(bot.settled)
        bot.post(answer)
        graph.wait_for(2)
        bot.wait_until(bot.settled)
    return graph.sent(), [m.text for m in bot.received]


def test_three_options_are_buttons_and_a_tap_sends_the_payload(
    tmp_path: Path, graph: FakeGraph
) -> None:
    tap = interactive_payload("button_reply", menu(3)[1]["payload"], "Techniek", "wamid.tap.1")
    sent, texts = conversation(tmp_path, graph, 3, tap)
    assert sent[0]["interactive"]["type"] == "button"
    assert options_of(sent[0]) == [(t, p) for t, p in SECTORS[:3]]
    assert texts == ["menu", '/inform{"sector": "techniek"}']


def test_five_options_are_a_list_and_a_row_sends_its_payload(
    tmp_path: Path, graph: FakeGraph
) -> None:
    row = interactive_payload(
        "list_reply", menu(5)[4]["payload"], "Transport/logistiek", "wamid.row.1"
    )
    sent, texts = conversation(tmp_path, graph, 5, row)
    assert sent[0]["interactive"]["type"] == "list"
    assert [title for title, _ in options_of(sent[0])] == [t for t, _ in SECTORS]
    assert texts[1] == '/inform{"sector": "logistiek"}'


def test_twelve_options_are_numbered_and_typing_2_picks_the_second(
    tmp_path: Path, graph: FakeGraph
) -> None:
    sent, texts = conversation(tmp_path, graph, 12, text_payload("2", "wamid.two.1", timestamp=2))
    body = sent[0]["text"]["body"]
    assert "1. Zorg en welzijn" in body and "12. Beroep nummer 12" in body
    assert texts == ["menu", '/inform{"sector": "techniek"}']
    assert sent[1]["text"]["body"] == 'Je koos: /inform{"sector": "techniek"}'


def test_a_number_after_a_reply_without_menu_stays_a_number(
    tmp_path: Path, graph: FakeGraph
) -> None:
    with ChannelServer(settings_for(tmp_path, graph), replying_with(12)) as bot:
        for n, text in enumerate(["menu", "2", "2"], start=1):
            bot.post(text_payload(text, f"wamid.num.{n}", timestamp=n))
            graph.wait_for(n)
            bot.wait_until(bot.settled)
    assert [m.text for m in bot.received] == ["menu", '/inform{"sector": "techniek"}', "2"]


def test_a_long_reply_is_split_into_messages_of_at_most_4096(
    tmp_path: Path, graph: FakeGraph
) -> None:
    async def long_reply(message: Any) -> None:
        text = "Dit is een zin over een opleiding en wie die betaalt. " * 180  # ~9,700
        await message.output_channel.send_response(message.sender_id, {"text": text})

    with ChannelServer(settings_for(tmp_path, graph), long_reply) as bot:
        bot.post(text_payload("vertel", "wamid.long.1"))
        requests_seen = graph.wait_for(3)
        bot.wait_until(bot.settled)
    bodies = [r["body"]["text"]["body"] for r in requests_seen]
    assert len(bodies) == 3 and all(len(b) <= 4096 for b in bodies)
    assert all(b.endswith("betaalt.") for b in bodies)


# -- outbound failures ---------------------------------------------------------------------------


def test_a_429_reply_is_retried_and_then_delivered(server: ChannelServer, graph: FakeGraph) -> None:
    graph.fail_next(429, "graph_error_429.json", times=2)
    server.post(text_payload("hallo", "wamid.rate.1"))
    graph.wait_for(3)
    server.wait_until(server.settled)
    assert [r["status"] for r in graph.requests] == [429, 429, 200]
    assert server.channel.store.send_errors() == []


def test_a_400_reply_is_not_retried_and_is_recorded(
    server: ChannelServer, graph: FakeGraph
) -> None:
    graph.fail_next(400, "graph_error_400.json")
    server.post(text_payload("hallo", "wamid.bad.1"))
    graph.wait_for(1)
    server.wait_until(server.settled)
    time.sleep(0.2)
    assert len(graph.requests) == 1
    (error,) = server.channel.store.send_errors()
    assert error["error_code"] == 100 and error["pseudonym"] == PSEUDONYM
    assert len(server.received) == 1  # the message itself is not processed again


def test_the_24_hour_window_error_is_recorded_and_the_turn_stops_sending(
    tmp_path: Path, graph: FakeGraph
) -> None:
    async def two_replies(message: Any) -> None:
        for text in ("Eerste antwoord.", "Tweede antwoord."):
            await message.output_channel.send_response(message.sender_id, {"text": text})

    graph.fail_always(400, "graph_error_131047.json")
    with ChannelServer(settings_for(tmp_path, graph), two_replies) as bot:
        bot.post(text_payload("hallo", "wamid.window.1"))
        graph.wait_for(1)
        bot.wait_until(bot.settled)
        time.sleep(0.2)
        (error,) = bot.channel.store.send_errors(131047)
    assert len(graph.requests) == 1  # the second reply was not tried
    assert error["pseudonym"] == PSEUDONYM and "24 hours" in error["error_title"]


def test_the_window_error_as_a_failed_status_is_recorded(
    server: ChannelServer, graph: FakeGraph
) -> None:
    server.post(text_payload("hallo", "wamid.status.1"))
    (sent,) = graph.wait_for(1)
    server.wait_until(server.settled)
    failed = load("status_failed_131047.json")
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = sent["message_id"]
    assert server.post(failed).status_code == 200
    (error,) = server.channel.store.send_errors(131047)
    assert error["pseudonym"] == PSEUDONYM
    assert error["message_id"] == message_key(sent["message_id"])
    assert server.channel.store.status_of(sent["message_id"]) == "failed"


# -- durability ----------------------------------------------------------------------------------


def test_a_failing_bot_is_retried_and_the_message_is_not_lost(
    tmp_path: Path, graph: FakeGraph
) -> None:
    failures = {"left": 2}

    async def flaky(message: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("Rasa is down")
        await echo(message)

    with ChannelServer(settings_for(tmp_path, graph), flaky) as bot:
        bot.post(text_payload("hallo", "wamid.flaky.1"))
        graph.wait_for(1)
        bot.wait_until(bot.settled)
    assert len(bot.received) == 3
    assert graph.sent()[0]["text"]["body"] == "Je zei: hallo"


def test_after_the_last_attempt_the_person_hears_something_went_wrong(
    tmp_path: Path, graph: FakeGraph
) -> None:
    async def broken(message: Any) -> None:
        raise RuntimeError("no model")

    with ChannelServer(settings_for(tmp_path, graph), broken) as bot:
        bot.post(text_payload("hallo", "wamid.broken.1"))
        (sent,) = graph.wait_for(1)
        bot.wait_until(bot.settled)
        assert bot.channel.store.inbox_states() == {message_key("wamid.broken.1"): "failed"}
    assert sent["body"]["text"]["body"] == texts().failed_reply
    assert len(bot.received) == 3


def test_a_slow_turn_keeps_its_claim_and_a_second_instance_does_not_take_it(
    tmp_path: Path, graph: FakeGraph
) -> None:
    """Two instances on one database (run-prod) with a lease far shorter than the turn: the
    claim is renewed while the bot works, so the other instance never runs the message too."""

    async def slow(message: Any) -> None:
        await asyncio.sleep(2.0)
        await echo(message)

    settings = settings_for(tmp_path, graph)
    options = {"lease_s": 0.6, "timeout_s": 5.0}
    with (
        ChannelServer(settings, slow, **options) as one,
        ChannelServer(settings, slow, **options) as two,
    ):
        assert one.post(text_payload("langzaam", "wamid.slow.1")).status_code == 200
        graph.wait_for(1)
        one.wait_until(one.settled)
        time.sleep(1.0)  # the other instance's sweeps (every 0.2 s) had every chance
    assert len(one.received) + len(two.received) == 1
    assert [visible_text(b) for b in graph.sent()] == ["Je zei: langzaam"]


def test_acknowledged_messages_survive_a_restart(tmp_path: Path, graph: FakeGraph) -> None:
    hold = {"event": None}

    async def stuck(message: Any) -> None:
        hold["event"] = asyncio.Event()
        await hold["event"].wait()  # Rasa hangs; then the process is stopped

    settings = settings_for(tmp_path, graph)
    with ChannelServer(settings, stuck) as first:
        assert first.post(text_payload("eerste", "wamid.restart.1", timestamp=1)).status_code == 200
        assert first.post(text_payload("tweede", "wamid.restart.2", timestamp=2)).status_code == 200
        first.wait_until(lambda: first.received)
    assert not graph.requests
    with ChannelServer(settings) as second:  # a new process on the same database
        graph.wait_for(2)
        second.wait_until(second.settled)
    assert [m.text for m in second.received] == ["eerste", "tweede"]
    assert [visible_text(b) for b in graph.sent()] == ["Je zei: eerste", "Je zei: tweede"]


def test_messages_wait_while_rasa_has_no_model(tmp_path: Path, graph: FakeGraph) -> None:
    class Agent:
        ready = False

        def is_ready(self) -> bool:
            return self.ready

    agent = Agent()
    with ChannelServer(settings_for(tmp_path, graph), max_attempts=50) as bot:
        bot.app.ctx.agent = agent
        bot.post(text_payload("hallo", "wamid.agent.1"))
        time.sleep(0.5)
        assert not bot.received and not graph.requests
        agent.ready = True
        graph.wait_for(1)
    assert [m.text for m in bot.received] == ["hallo"]


# -- retention -----------------------------------------------------------------------------------


def make_old(store: Any, message_id: str, days: int) -> None:
    """The message was handled `days` ago, and its sender has not written since."""
    past = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=days)
    with store.engine.begin() as conn:
        conn.execute(
            sql_text(
                "UPDATE whatsapp_inbox SET state = 'done', text = NULL, finished_at = :t "
                "WHERE message_id = :m"
            ),
            {"t": past, "m": message_key(message_id)},
        )
        conn.execute(sql_text("UPDATE whatsapp_contacts SET last_inbound_at = :t"), {"t": past})


def test_the_worker_purges_at_start_and_then_every_interval(
    tmp_path: Path, graph: FakeGraph
) -> None:
    settings = settings_for(
        tmp_path,
        graph,
        OVERSTAP_WHATSAPP_RETENTION_DAYS="10",
        OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS="20",
    )
    with ChannelServer(settings) as first:  # a message handled long ago, by an earlier process
        first.post(text_payload("hallo", "wamid.old.1"))
        graph.wait_for(1)
        first.wait_until(first.settled)
        make_old(first.channel.store, "wamid.old.1", 11)
    with ChannelServer(settings, purge_s=0.2) as bot:
        store = bot.channel.store
        bot.wait_until(lambda: store.inbox_states() == {})  # purged at start
        assert store.address(PSEUDONYM) is not None  # 11 days silent: the contact stays
        bot.post(text_payload("weer", "wamid.old.2"))
        graph.wait_for(2)
        bot.wait_until(lambda: store.inbox_states() == {message_key("wamid.old.2"): "done"})
        make_old(store, "wamid.old.2", 21)
        bot.wait_until(lambda: store.inbox_states() == {} and store.address(PSEUDONYM) is None)


# -- logs ----------------------------------------------------------------------------------------


@pytest.fixture
def sanic_logs(caplog: pytest.LogCaptureFixture):
    """caplog on Sanic's own loggers, which Rasa (like Sanic's defaults) may stop propagating."""
    loggers = [logging.getLogger(name) for name in ("sanic.access", "sanic.error")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)


def test_the_access_log_never_shows_the_verify_token(
    tmp_path: Path, graph: FakeGraph, sanic_logs: pytest.LogCaptureFixture
) -> None:
    with ChannelServer(settings_for(tmp_path, graph), access_log=True) as bot:
        assert handshake(bot).status_code == 200
        assert handshake(bot, **{"hub.verify_token": "a-wrong-guess"}).status_code == 403
        encoded = f"{bot.url}?hub.mode=subscribe&hub%2Everify_token={VERIFY_TOKEN}&hub.challenge=7"
        assert requests.get(encoded, timeout=5).text == "7"  # the same token, encoded
        assert bot.post(text_payload("hallo", "wamid.access.1")).status_code == 200
        graph.wait_for(1)
    # Formatted as Sanic writes its access log (Rasa keeps Sanic's format).
    formatter = logging.Formatter(LOGGING_CONFIG_DEFAULTS["formatters"]["access"]["format"])
    lines = {formatter.format(r) for r in sanic_logs.records if r.name == "sanic.access"}
    assert len(lines) == 4, lines  # the access log is on, one line per request
    origin = f"http://127.0.0.1:{bot.port}"
    assert sum(f"GET {origin}{WEBHOOK_PATH_IN_URL}?<redacted> " in line for line in lines) == 3
    assert any(f"POST {origin}{WEBHOOK_PATH_IN_URL}  200 " in line for line in lines), lines
    logged = "\n".join(lines)
    assert VERIFY_TOKEN not in logged and "a-wrong-guess" not in logged


def test_the_error_log_never_shows_the_verify_token(sanic_logs: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    url = f"http://127.0.0.1:5005/webhooks/whatsapp/webhook?hub.verify_token={VERIFY_TOKEN}&x=1"
    other = f"http://127.0.0.1:5005/other?hub.verify_token={VERIFY_TOKEN}"
    try:
        raise ValueError("boom")
    except ValueError:  # what Sanic's error handler logs when a route raises
        logging.getLogger("sanic.error").exception(
            "Exception occurred while handling uri: %s", repr(url)
        )
        logging.getLogger("sanic.error").error(f"Failed on {other}")
    logged = "\n".join(r.getMessage() for r in sanic_logs.records)
    assert "/webhooks/whatsapp/webhook?<redacted>" in logged
    assert "/other?hub.verify_token=<redacted>" in logged
    assert VERIFY_TOKEN not in logged


def test_token_number_and_text_never_reach_the_logs(
    tmp_path: Path, graph: FakeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    secret_text = "Mijn geheime vraag over schulden"
    caplog.set_level(logging.DEBUG)

    async def chatty(message: Any) -> None:
        if message.text.endswith("kapot"):
            raise ValueError(message.text)  # an error that carries the text
        await message.output_channel.send_response(
            message.sender_id, {"text": f"Over: {message.text}", "buttons": menu(3)}
        )

    graph.fail_next(429, "graph_error_429.json")
    graph.fail_next(500, "graph_error_500.json")
    graph.fail_next(400, "graph_error_400.json")
    with ChannelServer(settings_for(tmp_path, graph), chatty, max_attempts=2) as bot:
        assert handshake(bot).status_code == 200
        bot.post(text_payload(secret_text, "wamid.log.1", timestamp=1))
        bot.post(text_payload(secret_text + " kapot", "wamid.log.2", timestamp=2))
        bot.post(load("image.json"))
        bot.post(load("status_failed_131047.json"))
        bot.post(load("text.json"), signature="sha256=" + "0" * 64)
        graph.wait_for(5)
        bot.wait_until(bot.settled)
    # Everything the process logged, the bot's urllib3 lines to the Graph API included, but not
    # the test's own HTTP client: urllib3 logs its URLs, and the handshake URL has the token.
    records = [
        r
        for r in caplog.records
        if not (r.name.startswith("urllib3") and bot.port in (r.args or ()))
    ]
    assert any(r.name.startswith("urllib3") for r in records)  # the Graph calls are in there
    logged = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text or ''}" for r in records)
    assert "WhatsApp send failed: HTTP 400" in logged  # the failures were logged, without data
    for secret in (
        ACCESS_TOKEN, PHONE, "0612345678", secret_text, "schulden", APP_SECRET, VERIFY_TOKEN,
    ):  # fmt: skip
        assert secret not in logged


async def advisor_reply(message: Any) -> None:
    """What Rasa sends when the console appends an advisor's BotUttered (bot/handoff/takeover)."""
    await message.output_channel.send_response(
        message.sender_id,
        {"text": "Hoi, ik ben Anna.", "sender": "adviseur", "sender_name": "Anna"},
    )


def test_an_advisors_message_goes_out_once_with_the_advisors_name(
    tmp_path: Path, graph: FakeGraph
) -> None:
    with ChannelServer(settings_for(tmp_path, graph), script=advisor_reply) as server:
        assert server.post(text_payload("hallo?", "wamid.advisor.1")).status_code == 200
        (sent,) = graph.wait_for(1)
        assert sent["body"]["to"] == PHONE
        assert sent["body"]["text"]["body"] == "*Anna (adviseur):* Hoi, ik ben Anna."
        server.wait_until(server.settled)
        time.sleep(0.3)
        assert len(graph.requests) == 1  # the custom part is not sent as a second message


# -- limits ---------------------------------------------------------------------------------


def test_a_sender_over_the_limit_is_told_once_and_others_are_still_answered(
    tmp_path: Path, graph: FakeGraph
) -> None:
    settings = settings_for(tmp_path, graph, OVERSTAP_RATE_CONVERSATION_PER_MINUTE="3")
    other = "31687654321"
    with ChannelServer(settings) as server:
        for n in range(6):
            assert server.post(text_payload(f"bericht {n}", f"wamid.flood.{n}")).status_code == 200
        assert server.post(text_payload("hallo", "wamid.other", sender=other)).status_code == 200
        server.wait_until(server.settled)
    texts_to = {PHONE: [], other: []}
    for request in graph.requests:
        texts_to[request["body"]["to"]].append(visible_text(request["body"]))
    assert texts_to[PHONE][:3] == ["Je zei: bericht 0", "Je zei: bericht 1", "Je zei: bericht 2"]
    notices = [t for t in texts_to[PHONE] if "veel berichten" in t]
    assert len(notices) == 1  # told once, not once per message over the limit
    assert len(texts_to[PHONE]) == 4
    assert texts_to[other] == ["Je zei: hallo"]
    assert [m.text for m in server.received if m.sender_id == PSEUDONYM] == [
        "bericht 0", "bericht 1", "bericht 2",
    ]  # fmt: skip


# -- the Graph API down, a process killed mid-turn ---------------------------------------------


def test_while_the_graph_api_is_down_messages_are_taken_and_replies_sent_later_once(
    tmp_path: Path, graph: FakeGraph
) -> None:
    graph.fail_always(503, "graph_error_500.json")  # Meta down for "minutes"
    with ChannelServer(settings_for(tmp_path, graph), relay_s=0.2) as server:
        for n in range(3):
            answer = server.post(text_payload(f"bericht {n}", f"wamid.down.{n}", timestamp=n))
            assert answer.status_code == 200  # acknowledged: Meta does not send again
        server.wait_until(server.settled)
        assert [m.text for m in server.received] == ["bericht 0", "bericht 1", "bericht 2"]
        time.sleep(1.0)  # the relay tries again meanwhile, and fails
        assert not [r for r in graph.requests if r["status"] == 200]
        assert server.channel.store.send_errors() == []  # waiting, not given up
        graph.reset()  # Meta is back
        server.wait_until(lambda: len([r for r in graph.requests if r["status"] == 200]) >= 3)
        time.sleep(0.6)  # a second relay round sends nothing again
    delivered = [visible_text(r["body"]) for r in graph.requests if r["status"] == 200]
    assert delivered == ["Je zei: bericht 0", "Je zei: bericht 1", "Je zei: bericht 2"]


def test_a_reply_after_the_outage_waits_behind_the_queued_ones(
    tmp_path: Path, graph: FakeGraph
) -> None:
    graph.fail_always(500, "graph_error_500.json")
    with ChannelServer(settings_for(tmp_path, graph), relay_s=30.0) as server:
        server.post(text_payload("eerst", "wamid.order.1", timestamp=1))
        server.wait_until(server.settled)
        graph.reset()
        server.post(text_payload("daarna", "wamid.order.2", timestamp=2))
        server.wait_until(server.settled)
        assert not [r for r in graph.requests if r["status"] == 200]  # "daarna" did not jump
        asyncio.run_coroutine_threadsafe(server.channel.relay.run_once(), server.loop).result(10)
    delivered = [visible_text(r["body"]) for r in graph.requests if r["status"] == 200]
    assert delivered == ["Je zei: eerst", "Je zei: daarna"]


def test_a_turn_run_again_after_a_crash_sends_no_reply_twice(
    tmp_path: Path, graph: FakeGraph
) -> None:
    hold: dict[str, Any] = {}

    async def crashes_after_two(message: Any) -> None:
        for text in ("een", "twee"):
            await message.output_channel.send_response(message.sender_id, {"text": text})
        hold["event"] = asyncio.Event()
        await hold["event"].wait()  # the process dies here, before the turn is done

    async def whole_turn(message: Any) -> None:
        for text in ("een", "twee", "drie"):  # the same turn again, from the same state
            await message.output_channel.send_response(message.sender_id, {"text": text})

    settings = settings_for(tmp_path, graph)
    with ChannelServer(settings, crashes_after_two) as first:
        assert first.post(text_payload("hallo", "wamid.crash.1")).status_code == 200
        graph.wait_for(2)
        first.wait_until(lambda: "event" in hold)
    with ChannelServer(settings, whole_turn) as second:  # restarted on the same database
        graph.wait_for(3)
        second.wait_until(second.settled)
        time.sleep(0.3)
    assert [visible_text(b) for b in graph.sent()] == ["een", "twee", "drie"]
