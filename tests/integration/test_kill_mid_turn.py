"""A Rasa process killed with SIGKILL in the middle of a person's turn, then started again on the
same databases (issue 17: "a process killed mid-turn, no reply sent twice after restart").

The real processes as `overstap run` starts them (bot/run.py: the same commands, endpoints and
environment, SQLite databases in the stack's var/), with one difference: the action server serves
the project's actions through tests/integration/held_actions, where `action_match_schemes` can
wait. That is the turn that completes the profile: Rasa has sent the summary and the courses, and
waits for the schemes when it is killed. Replies go to the fake Graph API (WhatsApp) or back in
the HTTP answer (REST); what a person sees is compared with the same turn of a person whose turn
was not interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from stacks import MODEL, Stack, free_port, stack_environment
from test_whatsapp_conversation import Person, stored_id, texts
from whatsapp_fakes import FakeGraph, sign, text_payload

from bot import run
from bot.settings import Settings
from bot.setup import prepare_database

pytestmark = pytest.mark.rasa

HERE = Path(__file__).resolve().parent
START_TIMEOUT_S = 240


@dataclass
class Killable:
    """The action server and Rasa, each started and stopped by the test."""

    stack: Stack
    actions: run.Child
    rasa: run.Child
    env: dict[str, str]
    hold_dir: Path

    def start(self, child: run.Child) -> None:
        child.process = run.popen_child(child, self.env)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(child.health_url, timeout=2).status_code == 200:
                    return
            if child.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{child.name} did not start:\n{run.tail(child.log_path)}")
            time.sleep(0.5)

    def kill_rasa(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, nothing is given back."""
        process = self.rasa.process
        assert process is not None and process.poll() is None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.stack.process = process

    def restart_rasa(self) -> None:
        self.start(self.rasa)
        self.stack.process = self.rasa.process

    def hold(self, sender: str) -> None:
        (self.hold_dir / f"{sender}.hold").touch()

    def wait_held(self, sender: str, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while not (self.hold_dir / f"{sender}.held").exists():
            assert time.monotonic() < deadline, "the turn never reached action_match_schemes"
            time.sleep(0.05)

    def release(self, sender: str) -> None:
        (self.hold_dir / f"{sender}.hold").unlink()

    def stop(self) -> None:
        for child in (self.rasa, self.actions):
            if child.process is not None and child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
                try:
                    child.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(child.process.pid, signal.SIGKILL)
                    child.process.wait()


@pytest.fixture(scope="module")
def killable(
    tmp_path_factory: pytest.TempPathFactory, whatsapp_graph: FakeGraph
) -> Iterator[Killable]:
    if not MODEL.exists():
        pytest.fail("No trained model in models/; run `make test` (it trains first).")
    var_dir = tmp_path_factory.mktemp("killable") / "var"
    hold_dir = var_dir.parent / "hold"
    hold_dir.mkdir(parents=True)
    ports = {name: free_port() for name in ("RASA", "ACTIONS", "WEB")}
    env = stack_environment(var_dir, ports, free_port(), whatsapp_graph, "ma-zo 00:00-23:59")
    env["OVERSTAP_ACTION_TIMEOUT"] = "120"  # the held action is slow on purpose, not failing
    settings = Settings.from_env(env).with_secrets()
    prepare_database(settings)  # as `overstap run` does before it starts anything
    children = {child.name: child for child in run.children(settings)}
    actions, rasa = children["actions"], children["rasa"]
    actions.cmd[actions.cmd.index("--actions") + 1] = "held_actions"
    child_env = dict(env, **run.child_env(settings))
    child_env["OVERSTAP_TEST_HOLD_DIR"] = str(hold_dir)
    child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    stack = Stack(
        rasa_url=settings.rasa_url,
        web_url=f"http://localhost:{ports['WEB']}",
        site_url="",
        var_dir=var_dir,
        process=None,  # type: ignore[arg-type] - set once Rasa runs
        output=rasa.log_path,
        whatsapp_graph=whatsapp_graph,
        env=env,
    )
    processes = Killable(stack, actions, rasa, child_env, hold_dir)
    try:
        processes.start(actions)
        processes.restart_rasa()
        yield processes
    finally:
        processes.stop()


def rest_texts(replies: list[dict]) -> str:
    return "\n".join(str(m.get("text") or "") for m in replies)


def events_of(stack: Stack, sender: str) -> list[dict[str, Any]]:
    db = sqlite3.connect(stack.var_dir / "tracker.db")
    try:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    finally:
        db.close()
    return [json.loads(row[0]) for row in rows]


def whole_turns(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(the person's text, the actions run) per turn; asserts that every turn was finished:
    the bot answered and went back to listening."""
    turns: list[tuple[str, list[str]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", []))
        elif event["event"] == "action" and turns:
            turns[-1][1].append(event["name"])
    for text, done in turns:
        assert done and done[-1] == "action_listen", f"turn {text!r} not finished: {done}"
    return turns


WHATSAPP_PROFILE = [  # typed, or a tap on the option with that title
    ("say", "hallo"),
    ("tap", "Ja, we beginnen"),
    ("say", "ik heb een ww uitkering"),
    ("tap", "Zorg en welzijn"),
    ("say", "mbo 4"),
    ("say", "ik ben 45"),
    ("say", "Zwolle"),
]
LAST_ANSWER = "ik wil ander werk"  # completes the profile: summary, courses, schemes


def answer_profile(person: Person) -> None:
    replies: list[dict] = []
    for how, text in WHATSAPP_PROFILE:
        replies = person.say(text) if how == "say" else person.tap(text, replies)
    assert "liefst" in texts(replies)


def without_recipient(bodies: list[dict]) -> list[str]:
    return [json.dumps({k: v for k, v in b.items() if k != "to"}, sort_keys=True) for b in bodies]


def test_whatsapp_turn_killed_half_way_is_finished_after_the_restart_without_a_reply_twice(
    killable: Killable,
) -> None:
    stack = killable.stack
    reference = Person(stack)  # the same conversation, not interrupted
    answer_profile(reference)
    expected = reference.say(LAST_ANSWER)
    assert "Dit weet ik nu van je" in texts(expected)
    assert "Wie kan je opleiding betalen" in texts(expected)

    me = Person(stack)
    answer_profile(me)
    killable.hold(me.pseudonym)
    payload = me._addressed(text_payload(LAST_ANSWER, "wamid.placeholder"))
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
    assert requests.post(stack.whatsapp_url, data=body, headers=headers, timeout=30).ok
    killable.wait_held(me.pseudonym)
    graph = stack.whatsapp_graph
    before_kill = [r["body"] for r in graph.requests if r["body"].get("to") == me.phone]
    before_kill = before_kill[me.seen :]
    assert "Dit weet ik nu van je" in texts(before_kill)  # the person has part of the turn
    assert "Wie kan je opleiding betalen" not in texts(before_kill)

    killable.kill_rasa()
    killable.release(me.pseudonym)
    killable.restart_rasa()
    back_at = time.monotonic()
    me._wait_processed(message_id)  # the turn ran again and is done
    finished_after_s = time.monotonic() - back_at
    time.sleep(6)  # a relay round (5 s): nothing goes out a second time
    turn = me._new_replies()

    # Every reply of the turn reached the person exactly once, in the order of a turn that was
    # not interrupted.
    assert without_recipient(turn) == without_recipient(expected)
    # The dead process's claim ran out within its lease (30 s) and the restarted Rasa took the
    # message up; with a lease of 120 s it came 145 s after the kill, 100 s after the restart.
    assert finished_after_s < 60, f"the rest came {finished_after_s:.0f} s after the restart"

    # The conversation goes on.
    more = me.tap("Meer opleidingen", turn)
    assert "Hier zijn er nog" in texts(more)

    # Stored: the turn once, finished; every message of the person handled; each reply of the
    # interrupted turn recorded once as sent.
    turns = whole_turns(events_of(stack, me.pseudonym))
    said = [text for text, _ in turns]
    assert said.count(LAST_ANSWER) == 1
    assert sum(done.count("action_show_summary") for _, done in turns) == 1
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        states = db.execute(
            "SELECT state, attempts FROM whatsapp_inbox WHERE message_id = ?",
            (stored_id(message_id),),
        ).fetchone()
        sent = db.execute(
            "SELECT seq, state FROM whatsapp_outbox WHERE inbound_id = ? ORDER BY seq",
            (stored_id(message_id),),
        ).fetchall()
        waiting = db.execute(
            "SELECT count(*) FROM whatsapp_inbox WHERE pseudonym = ? AND state != 'done'",
            (me.pseudonym,),
        ).fetchone()[0]
    finally:
        db.close()
    assert states == ("done", 2)  # claimed before the kill and once after it
    assert sent == [(n, "sent") for n in range(len(expected))]
    assert waiting == 0


def test_rest_turn_killed_half_way_leaves_no_half_turn_and_the_next_message_is_answered(
    killable: Killable,
) -> None:
    stack = killable.stack
    script = [
        "hallo",
        "ik wil een opleiding zoeken",
        "ik heb een ww uitkering",
        "ik werk in de zorg",
        "mbo 4",
        "ik ben 45",
        "Zwolle",
    ]
    reference = f"kill-ref-{uuid.uuid4().hex[:8]}"
    for text in script:
        stack.say(reference, text)
    expected = stack.say(reference, LAST_ANSWER)
    assert "Wie kan je opleiding betalen" in rest_texts(expected)

    me = f"kill-rest-{uuid.uuid4().hex[:8]}"
    for text in script:
        stack.say(me, text)
    killable.hold(me)
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            outcome["answer"] = stack.say(me, LAST_ANSWER)
        except requests.RequestException as error:
            outcome["error"] = error

    waiting = threading.Thread(target=send)
    waiting.start()
    killable.wait_held(me)
    killable.kill_rasa()
    waiting.join(30)
    # The person's request fails: no answer, not half of one.
    assert "answer" not in outcome and isinstance(outcome.get("error"), requests.ConnectionError)
    killable.release(me)
    killable.restart_rasa()

    # Nothing of the interrupted turn was stored: the profile form still waits for the last
    # answer, as before that message.
    turns = whole_turns(events_of(stack, me))
    assert [text for text, _ in turns] == script
    assert not any("action_show_summary" in done for _, done in turns)

    # The person sends the message again and gets the whole turn, once.
    again = stack.say(me, LAST_ANSWER)
    assert again == [dict(m, recipient_id=me) for m in expected]
    assert "Hier zijn er nog" in rest_texts(stack.say(me, "laat meer zien"))
    turns = whole_turns(events_of(stack, me))
    assert [text for text, _ in turns] == [*script, LAST_ANSWER, "laat meer zien"]
    assert sum(done.count("action_show_summary") for _, done in turns) == 1
