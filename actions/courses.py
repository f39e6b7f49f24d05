"""Questions about the courses shown last: price, duration, admission, place, diploma, start."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import call_store, lexicon, profile_from, render
from actions.course_text import iso_words as duration_text
from actions.search import euro
from bot.catalog.models import Course, nlqf_rank
from bot.errors import StoreUnavailable
from bot.nlp.lexicon import normalize, word_map, words

# OOAPI level of a course -> the education level in data/lexicon/levels.yml that names it.
LEVEL_IDS = {
    "secondary vocational education 1": "mbo1",
    "secondary vocational education 2": "mbo2",
    "secondary vocational education 3": "mbo3",
    "secondary vocational education 4": "mbo4",
    "associate degree": "ad",
    "bachelor": "hbo",
    "master": "master",
}
# Words that point at one of the courses shown (data/lexicon/words.yml): the place in the list,
# counted from 0, of "de tweede"; "de laatste"; title words that do not tell courses apart.
ORDINALS = {word: int(place) - 1 for word, place in word_map("course_ordinals").items()}
LAST_WORDS = frozenset(words("course_last_words"))
GENERIC_WORDS = frozenset(words("course_title_generic_words"))
MAX_DATES = 3
MAX_PLACES = 4


def asked_aspects(tracker: Tracker) -> list[str]:
    """The aspects named by button entities, or else by words in the message."""
    latest = tracker.latest_message or {}
    found = [
        str(e.get("value"))
        for e in latest.get("entities") or []
        if e.get("entity") == "course_aspect"
        and lexicon().get("course_aspect", str(e.get("value")))
    ]
    if found:
        return list(dict.fromkeys(found))
    return [e.id for e in lexicon().find_all("course_aspect", latest.get("text") or "")]


def chosen_courses(text: str, courses: list[Course]) -> list[Course]:
    """The course the person points at ("de tweede", a word of its title), or else all."""
    norm = f" {normalize(text)} "
    for word, position in ORDINALS.items():
        if f" {word} " in norm and position < len(courses):
            return [courses[position]]
    if any(f" {word} " in norm for word in LAST_WORDS):
        return courses[-1:]
    words = set(norm.split())
    scores = []
    for course in courses:
        title_words = {w for w in normalize(course.title).split() if len(w) > 2} - GENERIC_WORDS
        scores.append(len(title_words & words))
    best = max(scores, default=0)
    if best > 0 and scores.count(best) == 1:
        return [courses[scores.index(best)]]
    return courses


def level_text(domain: DomainDict, course: Course) -> str | None:
    level_id = LEVEL_IDS.get(course.level or "")
    if level_id:
        return lexicon().label("education_level", level_id, default=level_id)
    if course.nlqf:
        return render(domain, "utter_course_level_nlqf", nlqf=course.nlqf)
    return None


def upcoming_dates(course: Course, today: dt.date) -> list[dt.date]:
    dates = []
    for raw in course.start_dates or []:
        try:
            day = dt.date.fromisoformat(str(raw))
        except ValueError:
            continue
        if day >= today:
            dates.append(day)
    return sorted(dates)[:MAX_DATES]


def course_facts(
    domain: DomainDict, course: Course, aspect: str, person_rank: int | None, today: dt.date
) -> list[str]:
    """Sentences about one aspect of one course, each from a response in the domain."""
    if aspect == "kosten":
        if course.price is None:
            return [render(domain, "utter_price_unknown")]
        if course.price == 0:
            return [render(domain, "utter_price_free")]
        return [render(domain, "utter_price_amount", amount=euro(course.price))]
    if aspect == "duur":
        duration = duration_text(domain, course.duration)
        lines = [
            render(domain, "utter_course_duration", duration=duration)
            if duration
            else render(domain, "utter_course_duration_unknown")
        ]
        load = course.study_load or {}
        if load.get("unit") == "hour" and load.get("value"):
            lines.append(render(domain, "utter_course_hours", hours=euro(float(load["value"]))))
        elif load.get("unit") == "ects" and load.get("value"):
            lines.append(render(domain, "utter_course_credits", credits=int(load["value"])))
        mode = (course.mode_of_study or "").replace("-", "_").replace(" ", "_")
        if f"utter_course_mode_{mode}" in (domain.get("responses") or {}):
            lines.append(render(domain, f"utter_course_mode_{mode}"))
        return lines
    if aspect == "toelating":
        level = level_text(domain, course)
        if level is None:
            return [render(domain, "utter_course_level_unknown")]
        lines = [render(domain, "utter_course_level", level=level)]
        rank = nlqf_rank(course.nlqf)
        if rank is not None and person_rank is not None:
            if person_rank <= rank <= person_rank + 2:
                lines.append(render(domain, "utter_course_level_fits"))
            elif rank > person_rank + 2:
                lines.append(render(domain, "utter_course_level_high"))
            else:
                lines.append(render(domain, "utter_course_level_low"))
        lines.append(render(domain, "utter_course_admission_ask"))
        return lines
    if aspect == "plaats":
        lines = []
        places = list(dict.fromkeys(loc.place for loc in course.locations or []))
        if places:
            lines.append(
                render(domain, "utter_course_places", places=", ".join(places[:MAX_PLACES]))
            )
        modes = set(course.modes_of_delivery or [])
        if "hybrid" in modes:
            lines.append(render(domain, "utter_course_place_hybrid"))
        elif course.online:
            lines.append(render(domain, "utter_course_place_online"))
        return lines or [render(domain, "utter_course_place_unknown")]
    if aspect == "diploma":
        level = level_text(domain, course)
        if course.level and course.level != "undefined" and level:
            return [render(domain, "utter_course_diploma_yes", level=level)]
        return [render(domain, "utter_course_diploma_no")]
    if aspect == "start":
        dates = upcoming_dates(course, today)
        if not dates:
            return [render(domain, "utter_course_start_unknown")]
        return [
            render(
                domain,
                "utter_course_start",
                dates=", ".join(common.dutch_date(domain, d) for d in dates),
            )
        ]
    return []


class ActionExplainCourse(Action):
    """Answers from the course records shown last; asks which fact when the question is vague.

    Outside the profile questions it ends with a next step; inside them the form asks on.
    """

    def name(self) -> str:
        return "action_explain_course"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        in_form = bool(tracker.active_loop_name)
        shown = [str(i) for i in tracker.get_slot("last_results") or []]
        if not shown:
            dispatcher.utter_message(
                response="utter_no_course_shown_form" if in_form else "utter_no_course_shown"
            )
            return []
        aspects = asked_aspects(tracker)
        if not aspects:
            # In the middle of the questions the form asks its own question next: no second one.
            dispatcher.utter_message(
                response="utter_course_question_later" if in_form else "utter_which_course_aspect"
            )
            return []
        try:
            courses = await call_store(common.catalog().courses, shown)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        if not courses:
            dispatcher.utter_message(
                response="utter_no_course_shown_form" if in_form else "utter_no_course_shown"
            )
            return []
        chosen = chosen_courses((tracker.latest_message or {}).get("text") or "", courses)
        person_rank = profile_from(tracker).level_rank
        today = dt.date.today()
        if len(chosen) > 1:
            dispatcher.utter_message(response="utter_course_info_intro")
        for course in chosen:
            facts: list[str] = []
            for aspect in aspects:
                facts.extend(course_facts(domain, course, aspect, person_rank, today))
            dispatcher.utter_message(
                response="utter_course_info",
                title=course.title,
                provider=course.provider,
                facts="\n".join(facts),
            )
        if not in_form:
            dispatcher.utter_message(response="utter_what_next")
        return []
