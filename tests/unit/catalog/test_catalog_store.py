"""The catalog store on SQLite and PostgreSQL: seed, search, schemes and handoffs."""

import datetime as dt

import pytest
from sqlalchemy import select

from bot.catalog.profile import Profile
from bot.handoff.models import HandoffRequest
from bot.handoff.store import HandoffStore

STATUS_TABLE_SCHEMES = {
    "stap", "llk", "ontwikkeladvies", "slim", "slim_scholing", "uwv_ww_scholing", "scholingsvoucher",
    "scholingsbudget_ww", "bijstand_gemeente", "leerwerkloket", "rmt", "oo_fondsen", "werkgeversplicht",
    "tel_mee_met_taal", "aftrek_scholingsuitgaven", "zzp_aftrek",
}  # fmt: skip
ENDED = {
    "stap", "scholingsvoucher", "aftrek_scholingsuitgaven", "rmt", "ontwikkeladvies",
    "ontwikkeladvies_stap", "nl_leert_door", "ontwikkeladvies_45plus",
}  # fmt: skip


def test_the_shipped_catalog_is_real_hbo_and_wo_from_duo(catalog) -> None:
    stats = catalog.stats()
    assert stats["courses"] >= 3000
    assert len(stats["courses_by_sector"]) >= 10
    with catalog.sessions() as session:
        from bot.catalog.models import Course

        levels = set(session.execute(select(Course.nlqf)).scalars())
        sources = set(session.execute(select(Course.source)).scalars())
        urls = set(session.execute(select(Course.url)).scalars())
        prices = set(session.execute(select(Course.price)).scalars())
    assert {"5", "6", "7"} <= levels
    assert sources == {"Bron: DUO Open Onderwijsdata (RIO), CC0"}
    assert not [u for u in urls if u and "example" in u]
    assert prices == {None}  # the register has no prices, so none is made up
    [ho] = stats["sources"]
    assert ho["source"] == "duo-ho" and ho["downloaded"] == "2026-08-04" and ho["rows"] == 5333


def test_every_scheme_of_the_status_table_is_there(catalog) -> None:
    schemes = {s.id: s for s in catalog.schemes()}
    assert set(schemes) >= STATUS_TABLE_SCHEMES
    for scheme_id in ENDED:
        assert schemes[scheme_id].is_ended(dt.date(2026, 11, 23)), scheme_id
    for scheme in schemes.values():
        assert scheme.sources and scheme.last_verified and scheme.explanation_b1


def test_ended_schemes_are_never_matched(catalog) -> None:
    profile = Profile(work_situation="employed", age="35", nlqf="2", sector="metaal")
    ids = [s.id for s, _ in catalog.match_schemes(profile, dt.date(2026, 11, 23))]
    assert ids, "a worker in metal should get some scheme"
    assert not ENDED & set(ids)
    assert "oom" in ids


def test_topic_search_finds_part_time_nursing_in_amsterdam(catalog) -> None:
    profile = Profile(province="noord-holland", lat=52.374, lon=4.8897)
    text = "ik wil in deeltijd verpleegkunde studeren in amsterdam"
    result = catalog.search(profile, topic=text, limit=3)
    assert result.hits
    top = result.hits[0]
    assert "verpleegkunde" in top.course.title.lower()
    assert "deeltijd" in top.course.forms and top.place == "Amsterdam"
    assert top.course.url.startswith("https://") and top.course.catalog_source == "duo-ho"
    assert top.reasons[0].code == "course_topic"


def test_profile_search_prefers_sector_level_and_region(catalog) -> None:
    profile = Profile(sector="zorg", nlqf="2", province="overijssel", goal="diploma")
    result = catalog.search(profile, limit=3)
    assert len(result.hits) == 3
    for hit in result.hits:
        assert hit.course.sector == "zorg"
        codes = {r.code for r in hit.reasons}
        assert "course_sector" in codes


def test_paging_returns_new_results(catalog) -> None:
    profile = Profile(sector="techniek", nlqf="3")
    first = catalog.search(profile, offset=0, limit=3)
    second = catalog.search(profile, offset=3, limit=3)
    assert {h.course.id for h in first.hits}.isdisjoint({h.course.id for h in second.hits})
    assert first.total == second.total


def test_handoff_is_recorded_with_redacted_question(catalog) -> None:
    request_id = HandoffStore(catalog.sessions).record(
        "conv-1", "asked", {"profile": {"sector": "zorg"}}, "bel me op 0612345678", "rest"
    )
    with catalog.sessions() as session:
        stored = session.get(HandoffRequest, request_id)
    assert stored.open_question == "bel me op [telefoon]"
    assert stored.summary == {"profile": {"sector": "zorg"}}
    assert stored.status == "open"


@pytest.mark.parametrize("scheme_id", ["llk", "leerwerkloket"])
def test_scheme_lookup(catalog, scheme_id: str) -> None:
    scheme = catalog.scheme(scheme_id)
    assert scheme is not None and scheme.status == "actief"
