"""Questions about rules, money and work over the real REST channel: answers, not course lists."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

pytestmark = pytest.mark.rasa


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_a_rules_question_gets_facts_with_source_and_next_steps(stack) -> None:
    replies = stack.say(new_sender(), "Moet mijn baas mijn cursus betalen?")
    out = texts(replies)
    assert "7:611a" in out and "Bron: https://" in out and "Gecontroleerd op" in out
    assert "Waarom:" not in out  # no course result
    assert "Praat met adviseur" in buttons(replies)


def test_a_search_without_a_subject_asks_what_to_learn_and_then_searches(stack) -> None:
    me = new_sender()
    asked = stack.say(me, "heb je iets met mensen")  # "mensen" is too common to be a subject
    assert "Wat wil je leren" in texts(asked) and "Waarom:" not in texts(asked)
    found = texts(stack.say(me, "opleiding verpleegkundige"))
    assert "Waarom:" in found


def test_a_doubt_about_work_is_offered_an_adviser_who_gets_the_question(stack) -> None:
    me = new_sender()
    replies = stack.say(me, "welke rol past bij mij en mijn talenten?")
    assert "loopbaanadviseur" in texts(replies) and "Ja, een adviseur" in buttons(replies)
    assert "adviseur" in texts(stack.say(me, "/request_human"))
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    row = db.execute(
        "SELECT open_question FROM handoff_requests WHERE conversation_id = ?", (me,)
    ).fetchone()
    assert row is not None and row[0] == "welke rol past bij mij en mijn talenten?"


def test_a_question_about_study_costs_gets_the_facts_and_the_offer_of_a_person(stack) -> None:
    replies = stack.say(new_sender(), "moet ik het studiekostenbeding terugbetalen als ik opzeg")
    out = texts(replies)
    assert "studiekostenbeding" in out and "1 augustus 2022" in out
    assert "Daar helpt een mens je beter bij" in out and "Ja, een adviseur" in buttons(replies)


def test_the_scheme_menu_names_stap_only_with_its_end(stack) -> None:
    titles = buttons(stack.say(new_sender(), "/ask_scheme"))
    assert "STAP (gestopt)" in titles
    assert not [t for t in titles if "STAP" in t and "gestopt" not in t]


def test_studying_with_bijstand_says_whom_to_ask(stack) -> None:
    out = texts(stack.say(new_sender(), "Mag ik een opleiding doen met een bijstandsuitkering?"))
    assert "toestemming" in out and "klantmanager" in out and "WW-uitkering" not in out
