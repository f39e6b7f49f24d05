"""Honest about what the register lacks: someone up to mbo 3 is not shown hbo and wo programmes
(they ask for mbo 4 or havo) unless they ask for them; the bot says what is missing and where to
look instead. Against the seeded catalog (hbo and wo only, as shipped) and against a catalog
with mbo programmes and a short course besides (made here, with the DUO source ids)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common as common
from actions.search import ActionSearchCourses
from bot.catalog.models import CatalogSource, Course, CourseLocation, nlqf_rank
from bot.catalog.store import Catalog
from bot.db import session_scope
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
SHOW_HO = {"entity": "course_scope", "value": "ho"}
MBO2 = {
    "work_situation": "ww", "sector": "zorg", "education_level": "2", "age": "45",
    "region": "Utrecht", "province": "utrecht", "goal": "switch",
}  # fmt: skip


def tracker(slots: dict, intent: str = "inform", text: str = "", entities=None) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }
    return Tracker(
        sender_id="unit", slots=slots, latest_message=message, events=[], paused=False,
        followup_action=None, active_loop={}, latest_action_name="action_listen",
    )  # fmt: skip


def run(t: Tracker) -> tuple[list[dict], dict]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSearchCourses().run(dispatcher, t, DOMAIN))
    return dispatcher.messages, {e["name"]: e.get("value") for e in events if e["event"] == "slot"}


def names(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


def titles(messages: list[dict]) -> list[str]:
    return [m["title"] for m in messages if m.get("response") == "utter_course_result"]


def payloads(messages: list[dict], response: str) -> list[str]:
    message = next(m for m in messages if m.get("response") == response)
    buttons = DOMAIN["responses"][response][0]["buttons"]
    assert message["buttons"] == []  # the buttons come with the response from the domain
    return [b["payload"] for b in buttons]


# -- the catalog as shipped: only hbo and wo ----------------------------------------------


@pytest.fixture
def seeded(monkeypatch, catalog: Catalog) -> Catalog:
    assert not catalog.loaded_sources() & {"duo-mbo", "duo-nfo"}
    monkeypatch.setattr(common, "catalog", lambda: catalog)
    return catalog


@pytest.mark.parametrize("level", ["0", "1", "2", "3"])
def test_up_to_mbo_3_only_hbo_and_wo_gives_the_real_routes_and_no_list(seeded, level) -> None:
    messages, slots = run(tracker({**MBO2, "education_level": level}))
    assert names(messages) == ["utter_only_ho"]
    assert "last_results" not in slots and slots["results_offset"] == 0
    text = DOMAIN["responses"]["utter_only_ho"][0]["text"]
    for route in ("www.leerwerkloket.nl", "mbo-school", "gemeente", "hogescholen"):
        assert route in text
    assert payloads(messages, "utter_only_ho") == [
        '/ask_scheme{{"scheme": "leerwerkloket"}}',
        "/request_human",
        '/ask_more{{"course_scope": "ho"}}',
    ]


def test_a_typed_topic_up_to_mbo_3_gets_the_same_answer(seeded) -> None:
    t = tracker(MBO2, intent="search_courses", text="verpleegkunde")
    messages, slots = run(t)
    assert names(messages) == ["utter_only_ho"]
    assert slots["search_topic"] == "verpleegkunde"  # "Toch hbo tonen" searches this again


def test_toch_hbo_tonen_shows_them_with_the_note_and_is_remembered(seeded) -> None:
    pressed = tracker(
        {**MBO2, "search_topic": "verpleegkunde", "results_offset": 3},
        intent="ask_more",
        text='/ask_more{"course_scope": "ho"}',
        entities=[SHOW_HO],
    )
    messages, slots = run(pressed)
    assert (
        names(messages) == ["utter_no_mbo_yet", "utter_results_intro"] + ["utter_course_result"] * 3
    )
    assert "verpleegkunde" in titles(messages)[0].lower(), titles(messages)
    assert slots["course_scope"] == "ho" and slots["results_offset"] == 0  # from the top
    # A later search in this conversation shows hbo and wo with the note, without asking again.
    later = tracker(
        {**MBO2, "course_scope": "ho"}, intent="search_courses", text="bedrijfskunde deeltijd"
    )
    messages, slots = run(later)
    assert names(messages)[:2] == ["utter_no_mbo_yet", "utter_results_intro"]
    assert "course_scope" not in slots  # already remembered
    more = tracker(
        {**MBO2, "course_scope": "ho", "search_topic": "bedrijfskunde deeltijd"}, intent="ask_more"
    )
    messages, slots = run(more)
    assert names(messages)[0] == "utter_results_more_intro" and slots["results_offset"] == 3


def test_from_mbo_4_hbo_and_wo_are_shown_without_a_note(seeded) -> None:
    for level in ("4", "6", None):
        messages, _ = run(tracker({**MBO2, "education_level": level}))
        assert names(messages) == ["utter_results_intro"] + ["utter_course_result"] * 3, level


def test_a_stray_word_still_asks_what_to_learn_up_to_mbo_3(seeded) -> None:
    t = tracker(MBO2, intent="search_courses", text="Moet mijn baas mijn cursus betalen?")
    messages, slots = run(t)
    assert names(messages) == ["utter_ask_subject"]
    assert slots["search_topic"] is None


def test_nothing_at_all_is_still_nothing(seeded) -> None:
    messages, _ = run(tracker(MBO2, intent="search_courses", text="qwrtzp vlmbx"))
    assert names(messages) == ["utter_no_results"]


# -- a catalog with mbo programmes and a short course (test data) ---------------------------

UTRECHT = ("Utrecht", "utrecht", 52.0907, 5.1214)


def course(cid: str, title: str, sector: str, nlqf: str | None, level: str) -> Course:
    c = Course(
        id=cid, title=title, description="", provider="Testschool (verzonnen)", level=level,
        nlqf=nlqf, nlqf_rank=nlqf_rank(nlqf), sector=sector, modes_of_delivery=["on campus"],
        price=None, start_dates=["2027-02-01"], keywords=[], source=cid.split(":")[0], online=0,
    )  # fmt: skip
    place, province, lat, lon = UTRECHT
    c.locations.append(CourseLocation(place=place, province=province, lat=lat, lon=lon))
    return c


def mbo(cid: str, title: str, sector: str, nlqf: str) -> Course:
    return course(f"duo-mbo:{cid}", title, sector, nlqf, f"secondary vocational education {nlqf}")


COURSES = [
    course("duo-ho:vpk", "Verpleegkunde", "zorg", "6", "bachelor"),
    course("duo-ho:ict", "HBO-ICT", "ict", "6", "bachelor"),
    course("duo-ho:rechten", "HBO-Rechten", "overheid", "6", "bachelor"),
    mbo("vpk", "Mbo-Verpleegkundige", "zorg", "4"),
    mbo("vig", "Verzorgende-IG", "zorg", "3"),
    mbo("helpende", "Helpende Zorg en Welzijn", "zorg", "2"),
    mbo("ict", "Medewerker ICT", "ict", "2"),
    course("duo-nfo:heftruck", "Heftruckcertificaat", "logistiek", None, "undefined"),
]


@pytest.fixture(scope="module")
def with_mbo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    tmp = tmp_path_factory.mktemp("mbo")
    store = Catalog.open(
        Settings.from_env(
            {
                "OVERSTAP_VAR_DIR": str(tmp / "var"),
                "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp / 'overstap.db'}",
            }
        )  # fmt: skip
    )
    store.migrate()
    now = dt.datetime(2026, 12, 1, 12)
    with session_scope(store.sessions) as session:
        session.add_all(COURSES)
        for source in ("duo-ho", "duo-mbo", "duo-nfo"):
            session.add(CatalogSource(id=source, label=source, downloaded=now.date(),
                                      imported_at=now, rows=1, courses=1))  # fmt: skip
    yield store
    store.close()


@pytest.fixture
def with_mbo(monkeypatch, with_mbo_catalog: Catalog) -> Catalog:
    monkeypatch.setattr(common, "catalog", lambda: with_mbo_catalog)
    return with_mbo_catalog


def test_with_mbo_loaded_mbo_2_gets_mbo_only_with_the_level_reason(with_mbo) -> None:
    messages, _ = run(tracker(MBO2, intent="search_courses", text="verpleegkunde"))
    assert names(messages)[0] == "utter_results_intro"  # no note: mbo is in the catalog
    assert "Verpleegkunde" not in titles(messages) and "Mbo-Verpleegkundige" in titles(messages)
    assert all(not t.startswith("HBO") for t in titles(messages))
    first = next(m for m in messages if m.get("title") == "Mbo-Verpleegkundige")
    assert "past bij je diploma" in first["reason"]


def test_with_mbo_loaded_the_profile_search_keeps_to_the_persons_level(with_mbo) -> None:
    messages, slots = run(tracker(MBO2))
    assert names(messages) == ["utter_results_intro"] + ["utter_course_result"] * 3
    shown = set(slots["last_results"])
    assert shown <= {c.id for c in COURSES if c.nlqf_rank is None or c.nlqf_rank <= 4}


def test_with_mbo_loaded_a_topic_only_hbo_has_says_so_and_offers_the_routes(with_mbo) -> None:
    messages, slots = run(tracker(MBO2, intent="search_courses", text="rechten"))
    assert names(messages) == ["utter_no_level_fit"]
    assert "last_results" not in slots
    assert '/ask_more{{"course_scope": "ho"}}' in payloads(messages, "utter_no_level_fit")
    pressed = tracker({**MBO2, "search_topic": "rechten"}, intent="ask_more", entities=[SHOW_HO])
    messages, _ = run(pressed)
    assert names(messages) == ["utter_results_intro", "utter_course_result"]  # no "only hbo"
    assert titles(messages) == ["HBO-Rechten"]


def test_with_mbo_loaded_and_hbo_asked_for_the_mbo_programme_still_ranks_first(with_mbo) -> None:
    t = tracker({**MBO2, "course_scope": "ho"}, intent="search_courses", text="verpleegkunde")
    messages, _ = run(t)
    shown = titles(messages)
    assert "Verpleegkunde" in shown
    assert shown.index("Mbo-Verpleegkundige") < shown.index("Verpleegkunde")


def test_with_mbo_loaded_mbo_4_sees_hbo_too(with_mbo) -> None:
    messages, _ = run(tracker({**MBO2, "education_level": "4"}, intent="search_courses",
                              text="rechten"))  # fmt: skip
    assert titles(messages) == ["HBO-Rechten"]
