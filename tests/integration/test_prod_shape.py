"""`overstap run-prod`: two Rasa instances behind HAProxy on PostgreSQL, Redis and RabbitMQ.

A whole conversation in chromium through HAProxy, with an adviser's takeover that reaches the
person; REST conversations spread over both instances; an adviser's message sent to the
instance that does not hold the person's socket still reaches them (socket.io through Redis);
every event stored once and in order, and fed by the worker into the console's tables.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

pytestmark = [pytest.mark.rasa, pytest.mark.browser, pytest.mark.postgres]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "overstap.tar.gz"
PG = os.environ.get("OVERSTAP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    """A redis-server of this test module's own, so it can be stopped without touching the
    Redis other tests use."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not reachable(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@dataclass
class Prod:
    rasa_url: str
    web_url: str
    instance_urls: list[str]
    var_dir: Path
    database: str
    env: dict[str, str]
    redis: PrivateRedis | None = None

    @property
    def rasa_token(self) -> str:
        return (self.var_dir / "rasa_token").read_text().strip()

    def haproxy_sessions(self) -> dict[str, int]:
        """Sessions HAProxy sent to each instance so far (its stats socket)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.var_dir / "haproxy.sock"))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        found = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "rasa_instances" and row.get("svname", "").startswith("rasa"):
                found[row["svname"]] = int(row["stot"])
        return found


@pytest.fixture(scope="module")
def prod(tmp_path_factory) -> Iterator[Prod]:
    if not MODEL.exists():
        pytest.fail("No trained model in models/; run `make test` (it trains first).")
    if not all(reachable(p) for p in (5432, 6379, 5672)):
        pytest.fail("run-prod needs PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (see README)")
    var_dir = tmp_path_factory.mktemp("prod") / "var"
    name = f"overstap_prod_{uuid.uuid4().hex[:8]}"
    redis = PrivateRedis(free_port())
    redis.start()
    admin = sa.create_engine(PG.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    env = dict(os.environ)
    database = PG.rsplit("/", 1)[0] + "/" + name
    env.update(
        OVERSTAP_VAR_DIR=str(var_dir),
        OVERSTAP_DATABASE_URL=database,
        OVERSTAP_TRACKER_URL=database,
        OVERSTAP_REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        OVERSTAP_RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/",
        OVERSTAP_EVENT_QUEUE=f"test_{name}",
        OVERSTAP_RASA_INSTANCES="2",
        OVERSTAP_RASA_PORT=str(rasa_port),
        OVERSTAP_ACTIONS_PORT=str(actions_port),
        OVERSTAP_WEB_PORT=str(web_port),
        OVERSTAP_OFFICE_HOURS="ma-zo 00:00-23:59",
        OVERSTAP_OFFICE_HOLIDAYS="nee",
        OVERSTAP_RATE_ADDRESS_PER_MINUTE="100000",  # every test request comes from 127.0.0.1
        OVERSTAP_RATE_CONVERSATION_PER_MINUTE="10000",  # and scripts type fast
    )
    output = var_dir.parent / "run-prod-output.txt"
    var_dir.mkdir(parents=True)
    with open(output, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run-prod"], cwd=PROJECT_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 300
    while "Overstap draait in productievorm" not in output.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("run-prod did not start:\n" + output.read_text(errors="replace"))
        time.sleep(0.5)
    ports = [rasa_port + 100 + i for i in (1, 2)]
    yield Prod(
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        web_url=f"http://localhost:{web_port}",
        instance_urls=[f"http://127.0.0.1:{p}" for p in ports],
        var_dir=var_dir,
        database=database,
        env=env,
        redis=redis,
    )
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=60)
    assert code == 0, output.read_text(errors="replace")
    for port in (rasa_port, actions_port, web_port, *ports):
        assert not reachable(port), f"port {port} still open after stop"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    drop_rabbitmq_queue_and_exchange(f"test_{name}")
    redis.stop()


def drop_rabbitmq_queue_and_exchange(name: str) -> None:
    """What the run declared in RabbitMQ (a durable queue and a fanout exchange of that name)."""
    import asyncio

    import aio_pika

    async def drop() -> None:
        connection = await aio_pika.connect("amqp://guest:guest@127.0.0.1:5672/")
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.exchange_delete(name)

    with contextlib.suppress(Exception):
        asyncio.run(drop())


def create_advisor(prod: Prod, name: str) -> str:
    password = f"wachtwoord-{name}-123"
    env = dict(prod.env, OVERSTAP_ADVISOR_PASSWORD=password)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "advisor", "create", name, "--display-name", name.title()],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return password


def stored_user_texts(prod: Prod, sender: str) -> list[str]:
    engine = sa.create_engine(prod.database, future=True)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT data FROM events WHERE sender_id=:s AND type_name='user' ORDER BY id"),
            {"s": sender},
        ).all()
    engine.dispose()
    return [json.loads(r.data)["text"] for r in rows]


def test_rest_conversations_spread_over_both_instances_and_are_stored_in_order(prod) -> None:
    before = prod.haproxy_sessions()
    senders = [f"spread-{i}-{uuid.uuid4().hex[:6]}" for i in range(12)]
    script = ["hallo", "/start_profile", "ik werk in de zorg"]
    for text in script:
        for sender in senders:
            response = requests.post(
                f"{prod.rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                timeout=60,
            )
            assert response.status_code == 200 and response.json()
    after = prod.haproxy_sessions()
    served = {name: after[name] - before.get(name, 0) for name in after}
    assert len(served) == 2 and all(n > 0 for n in served.values()), served
    for sender in senders:
        assert stored_user_texts(prod, sender) == script


def test_an_advisers_message_reaches_a_socket_on_the_other_instance(prod) -> None:
    import socketio

    received: list[dict] = []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", received.append)
    confirmed: list[str] = []
    client.on("session_confirm", confirmed.append)
    # The person's socket is on instance 1; the adviser's message goes to instance 2.
    client.connect(
        prod.instance_urls[0], headers={"Origin": prod.web_url}, transports=["polling"],
        socketio_path="/socket.io", wait_timeout=20,
    )  # fmt: skip
    try:
        client.emit("session_request", {"session_id": None})
        deadline = time.monotonic() + 20
        while not confirmed and time.monotonic() < deadline:
            time.sleep(0.05)
        session_id = confirmed[0].split(".")[0]
        client.emit("user_uttered", {"message": "hallo"})
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received, "no reply from the bot"
        received.clear()
        response = requests.post(
            f"{prod.instance_urls[1]}/conversations/{session_id}/tracker/events",
            params={
                "include_events": "NONE",
                "output_channel": "latest",
                "execute_side_effects": "true",
                "token": prod.rasa_token,
            },  # fmt: skip
            json=[
                {
                    "event": "bot",
                    "text": "Hoi, ik ben Sanne.",
                    "metadata": {"sender": "adviseur", "sender_name": "Sanne"},
                }
            ],  # fmt: skip
            timeout=30,
        )
        response.raise_for_status()
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m.get("text") for m in received] == ["Hoi, ik ben Sanne."]
        assert received[0].get("sender") == "adviseur"
    finally:
        client.disconnect()


def test_a_whole_conversation_and_a_takeover_in_the_browser(prod, browser) -> None:
    password = create_advisor(prod, "sanne")
    chat = browser.new_page(viewport={"width": 400, "height": 800})
    chat.goto(prod.web_url + "/")
    chat.wait_for_selector("text=computerprogramma", timeout=30000)

    def next_reply(act) -> None:
        before = chat.locator(".msg--bot").count()
        act()
        chat.locator(".msg--bot").nth(before).wait_for(timeout=30000)

    def say(text: str) -> None:
        def act() -> None:
            chat.get_by_label("Jouw bericht").fill(text)
            chat.keyboard.press("Enter")

        next_reply(act)

    def click(title: str) -> None:
        next_reply(lambda: chat.get_by_role("button", name=title, exact=True).last.click())

    # A whole conversation: the profile questions, then courses for it.
    click("Ja, we beginnen")
    click("In loondienst")
    say("ik werk in de zorg")
    say("mbo 4")  # up to mbo 3 the shipped hbo and wo do not fit: no course list
    say("ik ben 45")
    say("Zwolle")
    say("ik wil verpleegkundige worden")
    chat.wait_for_timeout(1000)
    assert chat.locator(".msg--bot").count() >= 8
    session_id = chat.evaluate("sessionStorage.getItem('overstap.session')").split(".")[0]

    # The person asks for a human; an adviser takes over in the console.
    chat.get_by_role("group", name="Hulp").get_by_role("button", name="Praat met adviseur").click()
    chat.wait_for_selector("text=Ik zoek een adviseur voor je", timeout=30000)
    console = browser.new_context().new_page()
    console.goto(prod.web_url + "/adviseur/login")
    console.get_by_label("Naam").fill("sanne")
    console.get_by_label("Wachtwoord").fill(password)
    console.get_by_role("button", name="Inloggen").click()
    console.wait_for_url(re.compile(r"/adviseur/wachtrij$"))
    card = console.locator("#open .card").first
    card.wait_for(timeout=20000)
    card.get_by_role("button", name="Oppakken").click()
    console.wait_for_url(re.compile(r"/adviseur/verzoek/\d+$"))
    chat.wait_for_selector("text=Je praat nu met Sanne", timeout=20000)
    # The live view is fed by the worker from RabbitMQ: the person's earlier words are there.
    console.locator("#turns .turn--person").filter(has_text="ik werk in de zorg").wait_for(
        timeout=20000
    )

    console.get_by_label("Jouw bericht aan de persoon").fill("Hoi, ik ben Sanne. Vertel het maar.")
    console.get_by_role("button", name="Stuur").click()
    adviser = chat.locator(".msg--adviser").last
    adviser.wait_for(timeout=20000)
    assert adviser.locator(".msg__body").inner_text() == "Hoi, ik ben Sanne. Vertel het maar."

    chat.get_by_label("Jouw bericht").fill("Kan mijn werkgever de opleiding betalen?")
    chat.keyboard.press("Enter")
    console.locator("#turns .turn--person").filter(has_text="Kan mijn werkgever").wait_for(
        timeout=20000
    )
    console.get_by_role("button", name="Teruggeven aan de bot").click()
    chat.wait_for_selector("text=Je praat weer met Overstap", timeout=20000)
    say("hallo")

    stored = stored_user_texts(prod, session_id)
    assert stored.count("ik werk in de zorg") == 1
    assert stored.index("ik werk in de zorg") < stored.index(
        "Kan mijn werkgever de opleiding betalen?"
    )
    console.context.close()
    chat.close()


def test_with_redis_down_no_instance_takes_a_message_and_the_person_is_told(prod) -> None:
    """Last in this module: it stops the module's Redis. No silent single-instance mode: both
    instances refuse (the lock store cannot make sure only one works on a conversation), the
    person reads why, nothing of it is stored, and once Redis is back it works again."""
    from bot.channels.texts import texts

    sender = f"redis-down-{uuid.uuid4().hex[:6]}"
    assert prod.redis is not None
    prod.redis.stop()
    try:
        for url in prod.instance_urls:  # each instance on its own, not only HAProxy's choice
            answer = requests.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": "hallo"},
                timeout=60,
            )
            assert answer.status_code == 200
            assert answer.json() == [{"recipient_id": sender, "text": texts().unavailable}]
        assert stored_user_texts(prod, sender) == []
    finally:
        prod.redis.start()
    deadline = time.monotonic() + 60
    while True:
        answer = requests.post(
            f"{prod.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "hallo"},
            timeout=60,
        ).json()
        if any("computerprogramma" in (m.get("text") or "") for m in answer):
            break
        assert time.monotonic() < deadline, answer
        time.sleep(1)
    assert stored_user_texts(prod, sender) == ["hallo"]
