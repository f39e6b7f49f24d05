"""Work to work over the real REST and WhatsApp channels, against the trained model, the action
server and the seeded catalog (the stack `make run` starts)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import uuid

import pytest
import requests
from test_whatsapp_conversation import Person, titles
from test_whatsapp_conversation import texts as whatsapp_texts
from whatsapp_fakes import options_of

from bot.careers.build import ATTRIBUTION_NL
from bot.catalog.profile import Profile
from bot.catalog.store import Catalog
from bot.settings import Settings

pytestmark = pytest.mark.rasa


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons", [])}


def new_sender() -> str:
    return f"careers-{uuid.uuid4().hex[:12]}"


def slots_of(stack, sender: str) -> dict:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token, "include_events": "NONE"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["slots"]


def catalog_of(stack) -> Catalog:
    db = stack.var_dir / "overstap.db"
    env = {"OVERSTAP_VAR_DIR": str(stack.var_dir), "OVERSTAP_DATABASE_URL": f"sqlite:///{db}"}
    return Catalog.open(Settings.from_env(env))


def test_a_bus_driver_sees_other_work_then_courses_schemes_and_evc(stack) -> None:
    me = new_sender()
    shown = stack.say(me, "ik ben buschauffeur, wat voor ander werk kan ik doen?")
    out = texts(shown)
    assert "Trambestuurder" in out or "Trolleybuschauffeur" in out
    assert "Je kunt al:\n- besturen van voertuigen" in out  # the shared skill group in words
    assert "Je leert nog:" in out
    assert ATTRIBUTION_NL in out and "geen advies" in out
    assert "Volgens UWV (18 december 2025)" in out  # bus- en trambestuurders, with its date
    choices = buttons(shown)
    assert "Trambestuurder" in choices and "Praat met adviseur" in choices

    chosen = stack.say(me, choices["Trambestuurder"])
    out = texts(chosen)
    assert out.startswith("**Trambestuurder**")
    assert "treinen en trams besturen" in out
    slots = slots_of(stack, me)
    assert slots["current_occupation"] and slots["occupation"] == "buschauffeur"
    # The courses are the catalog's answer to the search the action made.
    catalog = catalog_of(stack)
    try:
        profile = dataclasses.replace(Profile.from_slots(slots), goal="switch")
        hits = (
            catalog.search(profile, slots["search_topic"], 0, 3).hits
            if slots["search_topic"]
            else []
        )
    finally:
        catalog.close()
    if hits:
        assert "Voor werk als trambestuurder vond ik deze opleidingen:" in out
        assert slots["last_results"] == [h.course.id for h in hits]
        for hit in hits:
            assert f"**{hit.course.title}**" in out
    else:
        assert "Ik vond nog geen opleiding voor werk als trambestuurder" in out
    assert "Wie kan je opleiding betalen" in out or "Ik vond geen regeling" in out
    assert "STAP" not in out
    assert "ervaringscertificaat" in out and "gestopt in februari 2024" in out
    assert "Praat met adviseur" in buttons(chosen)

    handoff = stack.say(me, "ja graag")
    assert "adviseur" in texts(handoff)
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    row = db.execute(
        "SELECT summary FROM handoff_requests WHERE conversation_id = ?", (me,)
    ).fetchone()
    summary = json.loads(row[0])
    assert summary["work"] == {"occupation": "Buschauffeur", "viewed": ["Trambestuurder"]}


def test_when_several_fit_the_bot_asks_with_three_buttons(stack) -> None:
    me = new_sender()
    asked = stack.say(me, "ik ben chauffeur, welk werk past nog meer bij mij")
    assert "Welk werk bedoel je?" in texts(asked)
    choices = buttons(asked)
    assert len(choices) == 3 and "Vrachtwagenchauffeur" in choices
    shown = stack.say(me, choices["Vrachtwagenchauffeur"])
    assert "Je werk is: vrachtwagenchauffeur." in texts(shown)
    more = stack.say(me, "wat kan ik nog meer")
    assert "Je werk is: vrachtwagenchauffeur." in texts(more)
    assert not set(buttons(more)) & set(buttons(shown)) - {"Meer ander werk", "Praat met adviseur"}


def test_work_that_disappears_and_the_question_which_work(stack) -> None:
    me = new_sender()
    asked = stack.say(me, "mijn werk verdwijnt")
    out = texts(asked)
    assert "Wat naar dat je werk verdwijnt" in out and "Wat voor werk doe je nu?" in out
    not_known = stack.say(me, "blablabla")
    assert "Dat werk ken ik niet" in texts(not_known)
    shown = stack.say(me, "ik was schoonmaakster")  # a female form
    assert "Je werk is: schoonmaker gebouwen." in texts(shown)


def test_in_the_middle_of_the_questions_and_back_to_them(stack) -> None:
    me = new_sender()
    stack.say(me, "/start_profile")
    assert "sector" in texts(stack.say(me, '/inform{"work_situation": "employed"}'))
    asked = stack.say(me, "welk werk past bij mij")
    assert "Wat voor werk doe je nu?" in texts(asked)
    shown = stack.say(me, "ik ben kok")
    out = texts(shown)
    assert "Je werk is: kok." in out and "Je kunt al:" in out
    # The lexicon knows a cook, so the sector question is answered: the diploma comes next.
    assert "Wat is je hoogste diploma?" in out
    assert slots_of(stack, me)["occupation"] == "kok"


def test_on_whatsapp_the_choices_fit_its_limits(stack) -> None:
    me = Person(stack)
    shown = me.say("ik werk als verkoper in een winkel, wat kan ik nog meer")
    out = whatsapp_texts(shown)
    assert "Je kunt al:" in out and ATTRIBUTION_NL in out
    pick = shown[-1]
    assert pick["type"] == "interactive" and pick["interactive"]["type"] == "list"
    rows = options_of(pick)
    assert 4 <= len(rows) <= 10 and all(len(title) <= 24 for title, _ in rows)
    for row in pick["interactive"]["action"]["sections"][0]["rows"]:
        if row["title"].endswith("…"):  # a long name keeps its whole self in the description
            assert len(row["description"]) <= 72 and row["description"].startswith(
                row["title"][:-1]
            )
    work = next(
        title for title, _ in rows if title not in {"Meer ander werk", "Praat met adviseur"}
    )
    chosen = me.tap(work, shown)
    assert "Je leert nog:" in whatsapp_texts(chosen) or "Je kunt al:" in whatsapp_texts(chosen)
    assert "Praat met adviseur" in titles(chosen)
