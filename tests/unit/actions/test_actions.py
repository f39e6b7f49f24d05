"""The custom actions with a real Tracker, a CollectingDispatcher and the seeded catalog."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.common as common
from actions.common import render
from actions.courses import ActionExplainCourse, asked_aspects, duration_text
from actions.fallback import ActionHandleFallback
from actions.profile import ActionChangeAnswer, ValidateProfileForm
from actions.schemes import (
    ActionExplainBasicSkills,
    ActionExplainScheme,
    ActionExplainWhyNot,
    ActionMatchSchemes,
)
from actions.search import ActionSearchCourses

ROOT = Path(__file__).resolve().parents[3]


DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def use_catalog(monkeypatch, catalog):
    monkeypatch.setattr(common, "catalog", lambda: catalog)


def tracker(
    slots: dict | None = None,
    text: str = "",
    intent: str = "inform",
    entities=None,
    events=None,
    ranking=None,
    active_loop: str | None = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": ranking or [],
    }
    return Tracker(
        sender_id="unit",
        slots=slots or {},
        latest_message=message,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


@pytest.mark.parametrize(
    ("method", "value", "expected"),
    [
        ("validate_work_situation", "ik heb een ww-uitkering", {"work_situation": "ww"}),
        ("validate_work_situation", "zzp'er", {"work_situation": "self_employed"}),
        ("validate_work_situation", "weet ik niet", {"work_situation": "unknown"}),
        ("validate_sector", "zorg", {"sector": "zorg", "occupation": None}),
        ("validate_sector", "lasser", {"sector": "metaal", "occupation": "lasser"}),
        ("validate_education_level", "mbo 2", {"education_level": "2", "education_name": "mbo2"}),
        ("validate_education_level", "havo", {"education_level": "4", "education_name": "havo"}),
        ("validate_age", "vijfenveertig", {"age": "45"}),
        ("validate_age", "45-56", {"age": "45-56"}),
        ("validate_goal", "switch", {"goal": "switch"}),
    ],
)
def test_validators_map_answers_to_canonical_values(
    method: str, value: str, expected: dict
) -> None:
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateProfileForm(), method)(value, dispatcher, tracker(), DOMAIN)
    assert result == expected
    assert dispatcher.messages == []


def test_region_from_place_and_postcode() -> None:
    form = ValidateProfileForm()
    place = form.validate_region("Zwolle", CollectingDispatcher(), tracker(), DOMAIN)
    assert place["province"] == "overijssel" and place["region_lat"]
    postcode = form.validate_region("3512", CollectingDispatcher(), tracker(), DOMAIN)
    assert postcode["province"] == "utrecht" and postcode["region"] == "3512"


def test_bad_answer_is_rejected_with_a_dutch_response() -> None:
    dispatcher = CollectingDispatcher()
    asked = tracker({"requested_slot": "age"})
    result = ValidateProfileForm().validate_age("honderdvijftig", dispatcher, asked, DOMAIN)
    assert result == {"age": None}
    assert responses(dispatcher.messages) == ["utter_not_understood_age"]


def test_a_word_picked_up_for_another_question_is_dropped_without_a_word() -> None:
    # "ik werk" at the work question: "werk" may be read as a goal, which is not asked yet.
    earlier = [
        {"event": "slot", "name": "goal", "value": "switch"},
        {"event": "user", "text": "ik werk"},
    ]
    dispatcher = CollectingDispatcher()
    t = tracker({"requested_slot": "work_situation"}, text="ik werk", events=earlier)
    result = ValidateProfileForm().validate_goal("werk", dispatcher, t, DOMAIN)
    assert result == {"goal": "switch"}  # an earlier answer stays
    assert dispatcher.messages == []
    first = tracker({"requested_slot": "work_situation"}, text="ik werk", events=earlier[1:])
    assert ValidateProfileForm().validate_goal("werk", dispatcher, first, DOMAIN) == {"goal": None}
    assert dispatcher.messages == []


PROFILE = {
    "work_situation": "employed", "sector": "metaal", "education_level": "2", "age": "50",
    "region": "Eindhoven", "province": "noord-brabant", "goal": "improve_current",
}  # fmt: skip
# The seed holds only hbo and wo programmes, which ask for mbo 4 or havo: up to mbo 3 the search
# shows none of them unless asked (tests/unit/actions/test_search_fit.py). The tests about
# results in general use someone with mbo 4.
RESULTS_PROFILE = {**PROFILE, "education_level": "4"}


def test_search_gives_three_results_with_reasons_then_more() -> None:
    messages, events = run(ActionSearchCourses(), tracker(RESULTS_PROFILE, intent="affirm"))
    assert responses(messages) == ["utter_results_intro"] + ["utter_course_result"] * 3
    for message in messages[1:]:
        assert message["reason"] and message["title"] and message["link"]
        assert render(DOMAIN, "utter_price_unknown") in message["facts"]
        assert "example" not in message["url"]
    shown = next(e["value"] for e in events if e.get("name") == "last_results")
    messages, events = run(
        ActionSearchCourses(), tracker({**RESULTS_PROFILE, "results_offset": 0}, intent="ask_more")
    )
    assert responses(messages)[0] == "utter_results_more_intro"
    again = next(e["value"] for e in events if e.get("name") == "last_results")
    assert set(shown).isdisjoint(again)


def test_search_with_a_topic_uses_the_message() -> None:
    messages, events = run(
        ActionSearchCourses(), tracker({}, text="verpleegkunde deeltijd", intent="search_courses")
    )
    assert "verpleegkunde" in messages[1]["title"].lower()
    assert "deeltijd" in messages[1]["facts"] and messages[1]["link"]
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "search_topic",
        "value": "verpleegkunde deeltijd",
    } in events


def test_store_failure_gives_an_apology(monkeypatch) -> None:
    class Broken:
        def search(self, *a, **k):
            raise RuntimeError("database down")

    monkeypatch.setattr(common, "catalog", lambda: Broken())
    messages, events = run(ActionSearchCourses(), tracker(PROFILE, intent="affirm"))
    assert responses(messages) == ["utter_store_error"]


def test_schemes_for_a_metal_worker_name_the_fund_and_the_employer_route() -> None:
    messages, _ = run(ActionMatchSchemes(), tracker(PROFILE))
    names = [m.get("name") for m in messages if m.get("response") == "utter_scheme_result"]
    assert 1 <= len(names) <= 3
    assert any("OOM" in n or "Opleidings" in n for n in names)
    reasons = " ".join(m["reason"] for m in messages if m.get("response") == "utter_scheme_result")
    assert "werkgever" in reasons


def test_stap_is_explained_as_ended() -> None:
    entities = [{"entity": "scheme", "value": "stap-budget"}]
    messages, _ = run(
        ActionExplainScheme(),
        tracker(text="bestaat het stap-budget nog", intent="ask_scheme", entities=entities),
    )
    assert responses(messages) == ["utter_scheme_ended"]
    assert "Levenlanglerenkrediet" in messages[0]["alternatives"]


def test_active_scheme_is_answered_from_its_record(catalog) -> None:
    messages, _ = run(
        ActionExplainScheme(),
        tracker(
            text="/ask_scheme", intent="ask_scheme", entities=[{"entity": "scheme", "value": "llk"}]
        ),
    )
    record = catalog.scheme("llk")
    assert responses(messages) == ["utter_scheme_info"]
    assert messages[0]["explanation"] == record.explanation_b1
    assert messages[0]["source"] == record.sources[0]
    day = record.last_verified  # the one date format a person sees: "1 september 2026"
    assert messages[0]["last_verified"] == f"{day.day} {MONTHS[day.month - 1]} {day.year}"


MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"
MONTHS = MONTHS.split()


def test_dates_are_written_the_way_people_say_them() -> None:
    assert common.dutch_date(DOMAIN, dt.date(2027, 3, 1)) == "1 maart 2027"
    assert common.dutch_date(DOMAIN, dt.date(2026, 12, 31)) == "31 december 2026"
    assert common.dutch_date(DOMAIN, None) == ""


def test_an_uncertain_fact_is_shown_with_an_ended_scheme(catalog) -> None:
    entities = [{"entity": "scheme", "value": "ontwikkeladvies"}]
    messages, _ = run(
        ActionExplainScheme(),
        tracker(text="kan ik nog ontwikkeladvies krijgen", intent="ask_scheme", entities=entities),
    )
    assert responses(messages) == ["utter_scheme_ended"]
    assert catalog.scheme("ontwikkeladvies").uncertain in messages[0]["note"]


def test_why_not_for_a_worker_names_the_employer_route_and_gives_the_script() -> None:
    messages, _ = run(
        ActionExplainWhyNot(),
        tracker(PROFILE, text="waarom kom ik niet in aanmerking", intent="ask_why_not"),
    )
    names = responses(messages)
    assert names[0] == "utter_why_not_intro"
    assert names[-2:] == ["utter_why_not_employer", "utter_employer_script"]
    items = [m for m in messages if m["response"] == "utter_why_not_item"]
    assert 1 <= len(items) <= 3
    stap = next(m for m in items if m["name"].startswith("STAP"))
    assert stap["verdict"] == "Dit past niet bij jou."
    assert "1 januari 2024" in stap["reasons"]
    employer = next(m for m in messages if m["response"] == "utter_why_not_employer")
    assert "OOM" in employer["schemes"]
    script = render(DOMAIN, "utter_employer_script")
    assert "gesprek" in script and "werktijd" in script


def test_why_not_for_someone_over_57_asking_about_llk_gives_the_age_reason() -> None:
    profile = {"work_situation": "ww", "age": "57+", "education_level": "4"}
    entities = [{"entity": "scheme", "value": "levenlanglerenkrediet"}]
    messages, _ = run(
        ActionExplainWhyNot(),
        tracker(
            profile,
            text="waarom krijg ik geen levenlanglerenkrediet",
            intent="ask_why_not",
            entities=entities,
        ),
    )
    assert responses(messages) == ["utter_why_not_intro", "utter_why_not_item"]
    item = messages[1]
    assert item["name"] == "Levenlanglerenkrediet"
    assert item["verdict"] == "Dit past niet bij jou."
    assert item["reasons"] == ("Je bent 57 jaar of ouder. Het is alleen voor mensen jonger dan 57.")
    assert item["note"] == ""  # the uncertain lower age does not matter for a nee


def test_why_not_remembers_the_scheme_asked_about_earlier() -> None:
    earlier = [
        {
            "event": "user",
            "text": "wat is de slim scholingssubsidie",
            "parse_data": {"intent": {"name": "ask_scheme"}, "entities": []},
        }
    ]
    profile = {"work_situation": "employed", "sector": "horeca", "occupation": "kok"}
    messages, _ = run(
        ActionExplainWhyNot(),
        tracker(profile, text="hoezo niet", intent="ask_why_not", events=earlier),
    )
    items = [m for m in messages if m["response"] == "utter_why_not_item"]
    assert [m["name"] for m in items] == ["SLIM-scholingssubsidie (Ontwikkelpaden)"]
    assert "andere sector" in items[0]["reasons"]


def test_fallback_first_suggests_then_offers_a_human() -> None:
    ranking = [
        {"name": "nlu_fallback"},
        {"name": "ask_schemes"},
        {"name": "request_human"},
        {"name": "greet"},
    ]
    one = [{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    messages, _ = run(
        ActionHandleFallback(), tracker(intent="nlu_fallback", events=one, ranking=ranking)
    )
    assert responses(messages) == ["utter_did_you_mean"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["Wie betaalt het?", "Praat met adviseur", "Iets anders"]
    two = one + one
    messages, _ = run(
        ActionHandleFallback(), tracker(intent="nlu_fallback", events=two, ranking=ranking)
    )
    assert responses(messages) == ["utter_offer_human"]


def test_change_answer_clears_the_chosen_field_or_asks_which() -> None:
    messages, events = run(ActionChangeAnswer(), tracker(PROFILE, intent="change_answer"))
    assert responses(messages) == ["utter_ask_which_answer"]
    messages, events = run(
        ActionChangeAnswer(),
        tracker(
            PROFILE,
            intent="change_answer",
            entities=[{"entity": "profile_field", "value": "region"}],
        ),
    )
    cleared = {e["name"] for e in events if e.get("value") is None}
    assert {"region", "province", "place"} <= cleared


def test_a_goal_inside_an_education_answer_is_not_taken_as_the_goal() -> None:
    entities = [
        {"entity": "education_level", "value": "geen diploma", "start": 0, "end": 12},
        {"entity": "goal", "value": "diploma", "start": 5, "end": 12},
        {
            "entity": "goal",
            "value": "geen diploma",
            "start": 0,
            "end": 12,
            "extractor": "DIETClassifier",
        },
    ]
    entities[0]["extractor"] = "SpacyEntityExtractor"
    t = tracker({"requested_slot": "education_level"}, text="geen diploma", entities=entities)
    result = ValidateProfileForm().validate_goal("diploma", CollectingDispatcher(), t, DOMAIN)
    assert result == {"goal": None}
    alone = tracker(
        {"requested_slot": "education_level"},
        text="ik wil een diploma halen",
        entities=[{"entity": "goal", "value": "diploma", "start": 11, "end": 24}],
    )
    assert ValidateProfileForm().validate_goal(
        "diploma", CollectingDispatcher(), alone, DOMAIN
    ) == {"goal": "diploma"}


def shown_courses() -> list[str]:
    _, events = run(ActionSearchCourses(), tracker(RESULTS_PROFILE, intent="affirm"))
    return next(e["value"] for e in events if e.get("name") == "last_results")


def test_a_course_question_before_any_results_offers_a_search() -> None:
    messages, _ = run(ActionExplainCourse(), tracker(text="wat kost het", intent="ask_course_info"))
    assert responses(messages) == ["utter_no_course_shown"]
    messages, _ = run(
        ActionExplainCourse(),
        tracker(text="wat kost het", intent="ask_course_info", active_loop="profile_form"),
    )
    assert responses(messages) == ["utter_no_course_shown_form"]  # the form asks on, no buttons


def test_a_vague_course_question_asks_which_fact() -> None:
    slots = {**PROFILE, "last_results": shown_courses()}
    messages, _ = run(
        ActionExplainCourse(), tracker(slots, text="vertel meer", intent="ask_course_info")
    )
    assert responses(messages) == ["utter_which_course_aspect"]
    assert all(b["payload"].startswith("/ask_course_info") for b in messages[0]["buttons"])
    messages, _ = run(
        ActionExplainCourse(),
        tracker(slots, text="vertel meer", intent="ask_course_info", active_loop="profile_form"),
    )
    assert responses(messages) == ["utter_course_question_later"]


def test_price_of_the_second_course_comes_from_its_record(catalog) -> None:
    shown = shown_courses()
    slots = {**PROFILE, "last_results": shown}
    messages, _ = run(
        ActionExplainCourse(),
        tracker(slots, text="wat kost de tweede", intent="ask_course_info"),
    )
    assert responses(messages) == ["utter_course_info", "utter_what_next"]
    course = catalog.courses([shown[1]])[0]
    assert messages[0]["title"] == course.title
    assert course.price is None  # DUO's register has no prices: none is guessed
    assert messages[0]["facts"] == render(DOMAIN, "utter_price_unknown")


def test_every_fact_of_every_shown_course_is_filled_in() -> None:
    slots = {**PROFILE, "last_results": shown_courses()}
    for aspect in ("kosten", "duur", "toelating", "plaats", "diploma", "start"):
        entities = [{"entity": "course_aspect", "value": aspect}]
        messages, _ = run(
            ActionExplainCourse(),
            tracker(slots, text="/ask_course_info", intent="ask_course_info", entities=entities),
        )
        assert responses(messages) == ["utter_course_info_intro"] + ["utter_course_info"] * 3 + [
            "utter_what_next"
        ]
        for message in messages[1:4]:
            assert message["facts"] and "{" not in message["facts"], (aspect, message)


def test_admission_compares_the_course_level_with_the_persons_diploma(catalog) -> None:
    shown = shown_courses()
    slots = {**PROFILE, "last_results": shown}
    messages, _ = run(
        ActionExplainCourse(),
        tracker(slots, text="mag ik beginnen aan de eerste", intent="ask_course_info"),
    )
    facts = messages[0]["facts"]
    assert "Niveau:" in facts and "Vraag de school wat je nodig hebt" in facts
    assert any(
        render(DOMAIN, name) in facts
        for name in ("utter_course_level_fits", "utter_course_level_high", "utter_course_level_low")
    )


def test_course_aspects_are_read_from_the_words_of_the_question() -> None:
    def aspects(text: str) -> list[str]:
        return asked_aspects(tracker(text=text, intent="ask_course_info"))

    assert aspects("hoe lang duurt het en wat kost het") == ["duur", "kosten"]
    assert aspects("kan ik beginnen zonder diploma") == ["toelating"]
    assert aspects("wanneer kan ik beginnen") == ["start"]
    assert aspects("kan ik het online doen") == ["plaats"]
    assert aspects("is het diploma erkend") == ["diploma"]
    assert aspects("vertel eens") == []


def test_iso_durations_in_dutch() -> None:
    assert duration_text(DOMAIN, "P6W") == "6 weken"
    assert duration_text(DOMAIN, "P1Y") == "1 jaar"
    assert duration_text(DOMAIN, "P1D") == "1 dag"
    assert duration_text(DOMAIN, "PT3H") is None


def test_basic_skills_are_answered_from_the_taalhuis_record(catalog) -> None:
    messages, _ = run(
        ActionExplainBasicSkills(),
        tracker(text="ik kan niet goed lezen", intent="ask_basic_skills"),
    )
    assert responses(messages) == ["utter_basic_skills_intro", "utter_scheme_short"]
    record = catalog.scheme("taalhuis")
    assert messages[1]["explanation"] == record.explanation_b1
    assert messages[1]["how_to_apply"] == record.how_to_apply


def test_uwv_and_gemeente_name_their_scheme_records() -> None:
    for text, name in (
        ("betaalt het uwv mijn opleiding", "Scholing met een WW-uitkering (UWV)"),
        (
            "kan de gemeente mijn cursus betalen",
            "Scholing met bijstand (gemeente, Participatiewet)",
        ),
    ):
        messages, _ = run(ActionExplainScheme(), tracker(text=text, intent="ask_scheme"))
        assert responses(messages) == ["utter_scheme_info"]
        assert messages[0]["name"] == name


@pytest.mark.parametrize(
    ("intent", "requested", "expected"),
    [
        ("ask_scheme", None, {"sector": "zorg", "occupation": None}),  # a question keeps it
        ("nlu_fallback", None, {"sector": "zorg", "occupation": None}),  # not understood
        ("ask_scheme", "sector", {"sector": "overheid", "occupation": None}),  # the answer
        ("inform", None, {"sector": "overheid", "occupation": None}),  # "ik werk bij ..."
    ],
)
def test_a_sector_word_in_a_question_does_not_change_the_profile(
    intent: str, requested: str | None, expected: dict
) -> None:
    earlier = [
        {"event": "user", "text": "ik werk in de zorg"},
        {"event": "slot", "name": "sector", "value": "zorg"},
    ]
    t = tracker(
        {"sector": "overheid", "requested_slot": requested},
        text="kan ik geld krijgen bij de gemeente?",
        intent=intent,
        entities=[{"entity": "sector", "value": "overheid", "start": 21, "end": 35}],
        events=[*earlier, {"event": "user", "text": "kan ik geld krijgen bij de gemeente?"}],
    )
    result = ValidateProfileForm().validate_sector("overheid", CollectingDispatcher(), t, DOMAIN)
    assert result == expected


@pytest.mark.parametrize(
    ("text", "requested", "expected", "said"),
    [
        # current work and wished work in one message: the current work is the sector
        ("ik werk in de bouw maar ik wil de zorg in", None, ("bouw", None), []),
        ("nu ben ik lasser, later wil ik in de zorg werken", "sector", ("metaal", "lasser"), []),
        # only a wish, as the answer to the sector question: noted, the question comes again
        ("ik wil graag in de zorg werken", "sector", (None, None), ["utter_sector_wish_noted"]),
        # only a wish outside the question: the sector stays what it was
        ("ik zou kok willen worden", None, ("logistiek", None), []),
        # leaving work is about the current work
        ("ik wil weg uit de zorg", "sector", ("zorg", None), []),
        ("ik werk in de zorg", "sector", ("zorg", None), []),
    ],
)
def test_wished_work_is_not_the_sector(
    text: str, requested: str | None, expected: tuple, said: list
) -> None:
    earlier = [
        {"event": "user", "text": "ik werk in de logistiek"},
        {"event": "slot", "name": "sector", "value": "logistiek"},
    ]
    t = tracker(
        {"requested_slot": requested},
        text=text,
        intent="inform",
        events=[*earlier, {"event": "user", "text": text}],
    )
    dispatcher = CollectingDispatcher()
    value = "zorg" if "zorg" in text else "kok"
    result = ValidateProfileForm().validate_sector(value, dispatcher, t, DOMAIN)
    assert (result["sector"], result["occupation"]) == expected
    assert responses(dispatcher.messages) == said


def test_the_first_search_after_the_summary_is_about_the_wished_work() -> None:
    from actions.profile import ActionShowSummary

    events = [
        {"event": "user", "text": "ik werk in de bouw maar ik wil de zorg in"},
        {"event": "user", "text": "mbo 2"},
    ]
    t = tracker({"sector": "bouw"}, text="mbo 2", events=events)
    _, slot_events = run(ActionShowSummary(), t)
    topic = next(e["value"] for e in slot_events if e["name"] == "search_topic")
    assert topic and "zorg" in topic.lower()
    # and that search finds courses for the wished work, not for the current sector (at mbo 2,
    # after "Toch hbo tonen": the seed has only hbo and wo, and the note says so)
    slots = {**PROFILE, "sector": "bouw", "search_topic": topic, "course_scope": "ho"}
    found, _ = run(ActionSearchCourses(), tracker(slots, intent="affirm"))
    assert responses(found)[:2] == ["utter_no_mbo_yet", "utter_results_intro"]
    titles = " ".join(m["title"] + " " + m["reason"] for m in found[2:]).lower()
    assert any(w in titles for w in ("zorg", "verpleeg", "welzijn")), titles
    plain = tracker({"sector": "bouw"}, text="mbo 2", events=events[1:])
    _, slot_events = run(ActionShowSummary(), plain)
    assert next(e["value"] for e in slot_events if e["name"] == "search_topic") is None
