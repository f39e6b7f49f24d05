"""The work-to-work actions with a real Tracker, a CollectingDispatcher, ESCO and the catalog."""

from __future__ import annotations

import dataclasses

import pytest
from careers_support import DOMAIN, make_tracker, run_action, slot_values

import actions.common as common
from actions.careers import (
    ActionAskCurrentOccupation,
    ActionExplainWork,
    ActionFindOccupation,
    ActionSuggestWork,
    ValidateOccupationForm,
)
from actions.common import profile_from, render
from bot.careers.build import ATTRIBUTION_NL
from bot.catalog.profile import UNKNOWN
from bot.catalog.search import CourseFilters, is_higher_education


@pytest.fixture
def use_catalog(monkeypatch, catalog):
    """The seeded catalog on SQLite and on PostgreSQL, for the actions that search it."""
    monkeypatch.setattr(common, "catalog", lambda: catalog)
    return catalog


def rendered(message: dict) -> str:
    values = {k: v for k, v in message.items() if k not in {"response", "buttons", "template"}}
    return render(DOMAIN, message["response"], **values)


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]


def validate(value, slots: dict | None = None) -> dict:
    return ValidateOccupationForm().validate_current_occupation(
        value, None, make_tracker(slots or {}), DOMAIN
    )


# -- finding the person's occupation -----------------------------------------------------------


def test_the_occupation_named_in_the_question(by_label) -> None:
    text = "ik ben buschauffeur, wat voor ander werk kan ik doen?"
    _, events = run_action(ActionFindOccupation(), make_tracker(text=text))
    found = slot_values(events)
    assert found["current_occupation"] == by_label("buschauffeur").id
    # The profile gets the same occupation from the lexicon, so summary and console agree.
    assert found["occupation"] == "buschauffeur" and found["sector"] == "mobiliteit"
    assert found["resume_profile"] is False


def test_wished_work_is_not_the_persons_work(by_label) -> None:
    text = "ik ben kok maar ik wil buschauffeur worden, wat past bij mij"
    _, events = run_action(ActionFindOccupation(), make_tracker(text=text))
    assert slot_values(events)["current_occupation"] == by_label("kok").id


def test_the_occupation_from_the_profile_through_the_lexicon(by_label) -> None:
    tracker = make_tracker({"occupation": "kassamedewerker"}, text="/ask_other_work")
    _, events = run_action(ActionFindOccupation(), tracker)
    assert slot_values(events)["current_occupation"] == by_label("kassamedewerker").id


def test_an_occupation_found_before_is_kept(by_label) -> None:
    known = by_label("lasser").id
    tracker = make_tracker({"current_occupation": known}, text="wat kan ik nog meer")
    _, events = run_action(ActionFindOccupation(), tracker)
    assert "current_occupation" not in slot_values(events)


def test_in_the_middle_of_the_profile_questions_they_go_on_afterwards() -> None:
    tracker = make_tracker(text="welk werk past bij mij", active_loop="profile_form")
    _, events = run_action(ActionFindOccupation(), tracker)
    found = slot_values(events)
    assert found["resume_profile"] is True and found["current_occupation"] is None


def test_when_several_fit_three_buttons_to_choose() -> None:
    _, events = run_action(ActionFindOccupation(), make_tracker(text="ik ben chauffeur"))
    found = slot_values(events)
    assert found["current_occupation"] is None and len(found["occupation_choices"]) == 3
    messages, _ = run_action(ActionAskCurrentOccupation(), make_tracker(found))
    assert responses(messages) == ["utter_ask_occupation_choice"]
    buttons = messages[0]["buttons"]
    assert len(buttons) == 3
    assert {b["payload"] for b in buttons} == {
        f'/inform{{"current_occupation": "{i}"}}' for i in found["occupation_choices"]
    }


def test_the_form_question_and_the_answer(by_label) -> None:
    messages, _ = run_action(ActionAskCurrentOccupation(), make_tracker())
    assert responses(messages) == ["utter_ask_current_occupation"]
    assert validate("ik werk als vrachtwagenchaufeur")["current_occupation"] == (
        by_label("vrachtwagenchauffeur").id
    )
    clicked = by_label("taxichauffeur").id
    assert validate(clicked)["current_occupation"] == clicked
    assert validate(UNKNOWN)["current_occupation"] == UNKNOWN
    # The form validates the slot cleared just before it asks: that is not a wrong answer.
    assert validate(None, {"occupation_misses": 0}) == {"current_occupation": None}


def test_work_the_bot_does_not_know_twice_ends_the_question() -> None:
    first = validate("blablabla")
    assert first["current_occupation"] is None and first["occupation_misses"] == 1
    messages, _ = run_action(ActionAskCurrentOccupation(), make_tracker(first))
    assert responses(messages) == ["utter_occupation_not_found"]
    second = validate("ook geen idee eigenlijk", first)
    assert second["current_occupation"] == UNKNOWN


# -- suggestions ------------------------------------------------------------------------------


def suggestions_for(label: str, by_label, **slots) -> tuple[list[dict], list[dict]]:
    tracker = make_tracker({"current_occupation": by_label(label).id, **slots})
    return run_action(ActionSuggestWork(), tracker)


def test_other_work_with_the_reason_in_words_and_buttons(by_label) -> None:
    messages, events = suggestions_for("buschauffeur", by_label)
    assert responses(messages) == ["utter_work_intro"] + ["utter_work_suggestion"] * 3 + [
        "utter_work_pick"
    ]
    intro = rendered(messages[0])
    assert ATTRIBUTION_NL in intro and "geen advies" in intro and "Europese lijst" in intro
    tram = rendered(messages[1])
    assert tram.startswith("**Trambestuurder**")
    assert "Je kunt al:\n- besturen van voertuigen" in tram
    assert "Volgens UWV (18 december 2025) wordt het tekort aan bus- en trambestuurders" in tram
    # Other work UWV has no fact about: not a word about demand.
    assert "UWV" not in rendered(messages[2])
    buttons = messages[-1]["buttons"]
    assert [b["title"] for b in buttons][:3] == ["Trambestuurder", "Privéchauffeur", "Vrachtwagenchauffeur"]  # fmt: skip
    assert len(buttons) == 5
    options = slot_values(events)["work_options"]
    assert buttons[0]["payload"] == f'/choose_work{{"work_option": "{options[0]}"}}'
    assert [b["payload"] for b in buttons[-2:]] == ["/ask_other_work", "/request_human"]


def test_asking_again_shows_the_next_few(by_label) -> None:
    _, first = suggestions_for("buschauffeur", by_label)
    shown = slot_values(first)["work_options"]
    bus = by_label("buschauffeur").id
    right_after = [
        {"event": "action", "name": "action_suggest_work"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "wat kan ik nog meer"},
        {"event": "action", "name": "action_find_occupation"},
    ]
    tracker = make_tracker({"current_occupation": bus, "work_offset": 0}, events=right_after)
    _, events = run_action(ActionSuggestWork(), tracker)
    assert slot_values(events)["work_offset"] == 3
    assert not set(slot_values(events)["work_options"]) & set(shown)
    # Later, after looking at one kind of work, "ander werk bekijken" starts from the top.
    later = [{"event": "action", "name": "utter_work_next"}, *right_after[1:]]
    tracker = make_tracker({"current_occupation": bus, "work_offset": 0}, events=later)
    _, events = run_action(ActionSuggestWork(), tracker)
    assert slot_values(events)["work_options"] == shown


def test_in_the_middle_of_the_questions_the_form_goes_on(by_label) -> None:
    _, events = suggestions_for("kok", by_label, resume_profile=True)
    assert {"event": "followup", "timestamp": None, "name": "profile_form"} in events


def test_more_only_when_there_is_more(by_label) -> None:
    messages, _ = suggestions_for("kassamedewerker", by_label, education_level="2")
    titles = [b["title"] for b in messages[-1]["buttons"]]
    assert "Meer ander werk" not in titles and titles[-1] == "Praat met adviseur"


def test_no_suggestions_and_no_occupation_are_said_plainly(by_label) -> None:
    messages, _ = suggestions_for("vanger", by_label)
    assert responses(messages) == ["utter_no_work_found"]
    messages, _ = run_action(ActionSuggestWork(), make_tracker({"current_occupation": UNKNOWN}))
    assert responses(messages) == ["utter_occupation_unknown"]


# -- one kind of work: what to learn and the courses for it ------------------------------------


def test_a_chosen_work_with_courses_from_the_catalog(by_label, use_catalog) -> None:
    catalog = use_catalog
    bus, tram = by_label("buschauffeur"), by_label("trambestuurder")
    slots = {"current_occupation": bus.id, "work_options": [tram.id], "education_level": "2"}
    tracker = make_tracker(
        slots,
        text=f'/choose_work{{"work_option": "{tram.id}"}}',
        intent="choose_work",
        entities=[{"entity": "work_option", "value": tram.id}],
    )
    messages, events = run_action(ActionExplainWork(), tracker)
    assert responses(messages)[0] == "utter_work_suggestion"
    assert "Je leert nog:\n- treinen en trams besturen" in rendered(messages[0])
    found = slot_values(events)
    assert found["work_viewed"] == [tram.id]
    # The courses are what the catalog's search returns for the first topic that has any.
    profile = dataclasses.replace(profile_from(tracker), goal="switch")
    fit = CourseFilters(higher_education=False)  # mbo 2: no hbo or wo programmes
    expected = catalog.search(profile, found.get("search_topic"), 0, 3, fit).hits
    if expected:
        assert responses(messages)[1:] == ["utter_work_courses_intro"] + ["utter_course_result"] * len(expected)  # fmt: skip
        assert found["last_results"] == [h.course.id for h in expected]
        assert [m["title"] for m in messages[2:]] == [h.course.title for h in expected]
    else:
        assert responses(messages)[1:] == ["utter_work_no_courses"]


@pytest.mark.parametrize("level", ["2", "4"])
def test_courses_for_a_work_fit_the_persons_level(by_label, use_catalog, level: str) -> None:
    """Up to mbo 3 no hbo or wo programmes for a work (the shipped catalog has only those):
    the person hears that an adviser or the Leerwerkloket can search with them. From mbo 4 on
    the programmes are shown."""
    teacher = by_label("leraar basisonderwijs")
    slots = {"current_occupation": by_label("kok").id, "work_options": [teacher.id],
             "education_level": level}  # fmt: skip
    tracker = make_tracker(
        slots,
        text=f'/choose_work{{"work_option": "{teacher.id}"}}',
        intent="choose_work",
        entities=[{"entity": "work_option", "value": teacher.id}],
    )
    messages, events = run_action(ActionExplainWork(), tracker)
    if level == "2":
        assert responses(messages)[1:] == ["utter_work_no_courses"]
        assert "last_results" not in slot_values(events)
    else:
        shown = [m for m in messages if m.get("response") == "utter_course_result"]
        ids = slot_values(events)["last_results"]
        assert shown and len(ids) == len(shown)
        assert all(is_higher_education(c) for c in use_catalog.courses(ids))


@pytest.mark.parametrize(
    ("text", "position"),
    [("die tweede baan lijkt me wat", 1), ("meer over het eerste werk", 0)],
)
def test_a_chosen_work_typed(by_label, use_catalog, text: str, position: int) -> None:
    options = [by_label("trambestuurder").id, by_label("privéchauffeur").id]
    slots = {"current_occupation": by_label("buschauffeur").id, "work_options": options}
    _, events = run_action(
        ActionExplainWork(), make_tracker(slots, text=text, intent="choose_work")
    )
    assert slot_values(events)["work_viewed"] == [options[position]]


def test_a_work_named_that_was_not_suggested(by_label, use_catalog) -> None:
    slots = {"current_occupation": by_label("kok").id, "work_options": []}
    tracker = make_tracker(slots, text="vertel meer over trambestuurder", intent="choose_work")
    messages, events = run_action(ActionExplainWork(), tracker)
    assert slot_values(events)["work_viewed"] == [by_label("trambestuurder").id]
    messages, _ = run_action(
        ActionExplainWork(), make_tracker(slots, text="ja leuk", intent="choose_work")
    )
    assert responses(messages) == ["utter_which_work"]


def test_a_fact_is_said_with_the_date_its_source_gives() -> None:
    from actions.careers import fact_text
    from bot.careers.demand import DEMAND_FILE, read_facts

    facts = {f.id: f for f in read_facts(DEMAND_FILE)}
    assert fact_text(DOMAIN, facts["outlook_2030_bus_tram"]).startswith(
        "Volgens UWV (18 december 2025) wordt het tekort aan bus- en trambestuurders tot 2030"
    )
    # The report gives only the month: so does the bot.
    assert fact_text(DOMAIN, facts["spanning_2023q1_accountants"]).startswith(
        "Volgens UWV (september 2023) is er veel werk voor accountants."
    )
