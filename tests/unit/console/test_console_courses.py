"""The console lists every course a person was shown, with its CROHO/crebo and RIO codes."""

from __future__ import annotations

from bot.handoff.summary import shown_courses as summary_courses
from bot.web.console.takeover import shown_courses


def test_every_page_of_results_counts_once_in_order() -> None:
    events = [
        {"event": "slot", "name": "last_results", "value": ["a", "b", "c"]},
        {"event": "user", "text": "meer"},
        {"event": "slot", "name": "last_results", "value": ["d", "b"]},
    ]
    assert summary_courses(events, {"last_results": ["d", "b"]}) == ["a", "b", "c", "d"]


def test_the_console_names_each_shown_course_with_its_codes(catalog) -> None:
    ids = ["duo-ho:110A404:1015O8759", "duo-ho:gone:0"]
    found = shown_courses(catalog.database, ids)
    assert found[0]["title"] == "Bachelor Verpleegkunde" and found[0]["code"] == "34560"
    assert found[0]["provider"] == "Hogeschool Inholland"
    assert len(found[0]["rio"]) == 2 and all(len(code) == 36 for code in found[0]["rio"])
    assert found[1] == {"id": "duo-ho:gone:0", "title": "", "provider": "", "code": "", "rio": []}
