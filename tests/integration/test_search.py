"""Course search: the same cases against SQLite FTS5 and PostgreSQL full text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, event, inspect, select, text

from bot.catalog import index, postings, search
from bot.catalog.models import Course, CourseLocation, SearchTerm
from bot.catalog.profile import Profile
from bot.catalog.search import CourseFilters, search_courses, term_weights, text_candidates
from bot.catalog.store import Catalog
from bot.catalog.textsearch import analyzer
from bot.db import Meta, session_scope

TODAY = dt.date(2026, 11, 23)
GRONINGEN = (53.2194, 6.5665)
UTRECHT = (52.0907, 5.1214)
ROTTERDAM = (51.9244, 4.4777)


def course(cid: str, title: str, *, sector: str = "zorg", nlqf: str | None = "3", **kw) -> Course:
    place, province, (lat, lon) = kw.pop("where", ("Utrecht", "utrecht", UTRECHT))
    modes = kw.pop("modes", ["on campus"])
    c = Course(
        id=cid,
        title=title,
        description=kw.pop("description", ""),
        provider=kw.pop("provider", "Testschool"),
        level="secondary vocational education" if nlqf else "undefined",
        nlqf=nlqf,
        nlqf_rank=None
        if nlqf is None
        else ["0", "1", "2", "3", "4", "4+", "5", "6", "7"].index(nlqf),
        sector=sector,
        modes_of_delivery=modes,
        price=kw.pop("price", 500.0),
        start_dates=kw.pop("starts", ["2027-01-15"]),
        keywords=kw.pop("keywords", []),
        source="test (verzonnen)",
        catalog_source=kw.pop("catalog_source", None),
        online=int(bool({"online", "distance-learning"} & set(modes))),
    )
    c.locations.append(CourseLocation(place=place, province=province, lat=lat, lon=lon))
    assert not kw, kw
    return c


def courses() -> list[Course]:
    return [
        course("verpleging", "Basiscursus verpleging", description="Je leert zorgen voor zieke mensen."),
        course("informatica", "Informatica", sector="ict", nlqf="6", price=2500),
        course("heftruck", "Vorkheftruck rijbewijs", sector="logistiek", nlqf=None, price=350),
        course("reach", "Reachtruck certificaat", sector="logistiek", nlqf=None, price=400),
        course("lassen2", "Lasser", sector="metaal", nlqf="2", keywords=["lassen"]),
        course("lassen4", "Lassen voor gevorderden", sector="metaal", nlqf="4"),
        course("zon", "Zonnepanelen installeren", sector="installatie", nlqf=None),
        course("kok", "Kok", sector="horeca", nlqf="2", where=("Groningen", "groningen", GRONINGEN)),
        course("koken-online", "Koken voor beginners", sector="horeca", nlqf=None, modes=["online"], price=90),
        course("boekhouden-duur", "Boekhouden", sector="administratie", nlqf="4", price=3000),
        course("boekhouden-goedkoop", "Boekhouden basis", sector="administratie", nlqf="4", price=200),
        course("ehbo", "EHBO-diploma", nlqf=None, keywords=["eerste hulp"], starts=["2026-12-01"]),
        course("metsel-rdam", "Metselaar", sector="bouw", nlqf="2", where=("Rotterdam", "zuid-holland", ROTTERDAM)),
        course("kinderopvang", "Pedagogisch medewerker kinderopvang", sector="kinderopvang"),
        course("bso", "Cursus tussenschoolse opvang", sector="kinderopvang", nlqf=None, price=0),
        # a post-hbo course: no level in DUO's hbo/wo register, but higher education all the same
        course("posthbo", "Praktijkopleider (post-hbo)", sector="onderwijs", nlqf=None,
               catalog_source="duo-ho"),
    ]  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog(request, tmp_path, settings_for) -> Iterator[Catalog]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'search.db'}"
    else:
        url = request.getfixturevalue("module_postgres_database")
    cat = Catalog.open(settings_for(url))
    cat.migrate()
    with session_scope(cat.sessions) as session:
        session.execute(delete(CourseLocation))
        session.execute(delete(Course))
        session.execute(delete(SearchTerm))
        session.add_all(courses())
    yield cat
    cat.close()


def ids(cat: Catalog, topic: str | None, profile: Profile | None = None, **filters) -> list[str]:
    with session_scope(cat.sessions) as session:
        result = search_courses(
            session,
            profile or Profile(),
            topic,
            limit=20,
            filters=CourseFilters(**filters),
            today=TODAY,
        )
        return [h.course.id for h in result.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verpleegkundige", "verpleging"),  # synonym group, different stems
        ("verplegen", "verpleging"),
        ("ICT", "informatica"),  # abbreviation -> synonym
        ("heftruck", "heftruck"),  # compound part of "vorkheftruck"
        ("zonnepaneel", "zon"),  # singular finds plural through the stemmer
        ("opvang", "kinderopvang"),  # compound head
        ("eerste hulp", "ehbo"),  # two-word synonym
        ("ik zoek een cursus koken", "koken-online"),  # stopwords dropped, stem "kok"
        ("heftruk", "heftruck"),  # typo on a short query
        ("informatca", "informatica"),
        ("zonnepanneel", "zon"),
    ],
)
def test_query_finds_course(catalog: Catalog, query: str, expected: str) -> None:
    assert expected in ids(catalog, query)


def test_unrelated_query_finds_nothing(catalog: Catalog) -> None:
    assert ids(catalog, "astronomie") == []


def test_the_typed_word_ranks_above_its_synonyms(catalog: Catalog) -> None:
    found = ids(catalog, "reachtruck")
    assert found[0] == "reach"
    assert "heftruck" in found  # a synonym still counts, just lower


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("lassen", {"nlqf_max": "2"}, {"lassen2"}),
        ("lassen", {"nlqf_min": "4"}, {"lassen4"}),
        ("koken", {"province": "groningen", "include_online": False}, {"kok"}),
        ("koken", {"province": "groningen"}, {"kok", "koken-online"}),
        ("koken", {"modes": ("online",)}, {"koken-online"}),
        ("boekhouden", {"price_max": 1000}, {"boekhouden-goedkoop"}),
        ("metselaar", {"near": ROTTERDAM, "max_km": 30, "include_online": False}, {"metsel-rdam"}),
        ("metselaar", {"near": UTRECHT, "max_km": 30, "include_online": False}, set()),
        ("ehbo", {"starts_from": TODAY, "starts_until": dt.date(2026, 12, 31)}, {"ehbo"}),
        ("ehbo", {"starts_from": dt.date(2027, 1, 1)}, set()),
        ("heftruck", {"sectors": ("logistiek",)}, {"heftruck", "reach"}),
        ("heftruck", {"sectors": ("bouw",)}, set()),
        ("informatica", {"higher_education": False}, set()),  # level 6: left out in SQL
        ("praktijkopleider", {}, {"posthbo"}),
        ("praktijkopleider", {"higher_education": False}, set()),  # by its source
        ("lassen", {"higher_education": False}, {"lassen2", "lassen4"}),
        ("heftruck", {"higher_education": False}, {"heftruck", "reach"}),  # no level: kept
    ],
)
def test_filters(catalog: Catalog, query: str, filters: dict, expected: set[str]) -> None:
    assert set(ids(catalog, query, **filters)) == expected


def test_level_fit_ranks_the_right_level_first(catalog: Catalog) -> None:
    assert ids(catalog, "lassen", Profile(nlqf="2"))[0] == "lassen2"
    assert ids(catalog, "lassen", Profile(nlqf="4"))[0] == "lassen4"


def test_region_ranks_the_near_course_first(catalog: Catalog) -> None:
    profile = Profile(province="groningen", lat=GRONINGEN[0], lon=GRONINGEN[1])
    assert ids(catalog, "koken", profile)[0] == "kok"


def test_cost_after_schemes_lifts_a_funded_course(catalog: Catalog) -> None:
    """A sector fund the person may use makes an expensive course in that sector weigh less."""
    with session_scope(catalog.sessions) as session:
        plain = search_courses(session, Profile(), "boekhouden", limit=5, today=TODAY)
        funded = search_courses(
            session, Profile(), "boekhouden", limit=5, today=TODAY,
            funding={"administratie": "Het fonds"},
        )  # fmt: skip
        costly_plain = next(h for h in plain.hits if h.course.id == "boekhouden-duur")
        costly_funded = next(h for h in funded.hits if h.course.id == "boekhouden-duur")
    assert costly_funded.score > costly_plain.score
    assert ("course_funded", {"scheme": "Het fonds"}) in [
        (r.code, r.values) for r in costly_funded.reasons
    ]


def test_profile_search_without_topic_uses_sector(catalog: Catalog) -> None:
    found = ids(catalog, None, Profile(sector="metaal", nlqf="2"))
    assert found[:2] == ["lassen2", "lassen4"]


def test_changes_are_indexed_on_flush(catalog: Catalog) -> None:
    with session_scope(catalog.sessions) as session:
        session.get(Course, "kok").title = "Zelfstandig werkend bakker"
    assert "kok" in ids(catalog, "bakker")
    with session_scope(catalog.sessions) as session:
        session.delete(session.get(Course, "kok"))
    assert "kok" not in ids(catalog, "bakker")
    with session_scope(catalog.sessions) as session:
        assert session.get(SearchTerm, "bakker").docs >= 1


def test_typo_tolerance_uses_the_term_dictionary(catalog: Catalog) -> None:
    with session_scope(catalog.sessions) as session:
        vocabulary = index.vocabulary(session)
    assert vocabulary["heftruck"] == 1 and vocabulary["boekhoud"] == 2
    with session_scope(catalog.sessions) as session:
        result = search_courses(session, Profile(), "heftruk", today=TODAY)
    assert result.terms[0].corrected


def test_migrate_rebuilds_documents_after_an_analyzer_change(catalog: Catalog) -> None:
    with session_scope(catalog.sessions) as session:
        # Raw SQL bypasses the index: the stored fields and the postings are both stale.
        session.execute(text("UPDATE courses SET search_title = '', search_body = ''"))
        session.execute(text("DELETE FROM search_postings"))
        session.merge(Meta(key=index.META_KEY, value="old"))
    assert ids(catalog, "informatica") == []
    catalog.migrate()
    assert ids(catalog, "informatica") == ["informatica"]
    with session_scope(catalog.sessions) as session:
        assert session.execute(select(Meta.value).where(Meta.key == index.META_KEY)).scalar() == (
            index.ANALYZER_VERSION
        )


def test_overheid_is_found_on_both_backends(catalog: Catalog) -> None:
    """The stem of "overheid" is "over", a Dutch stop word: PostgreSQL's `dutch` configuration
    dropped it from the index. The stemmed tokens are indexed with `simple` now."""
    with session_scope(catalog.sessions) as session:
        session.add(course("overheid", "Werken bij de overheid", sector="administratie"))
    assert ids(catalog, "overheid")[0] == "overheid"
    assert ids(catalog, "overheid", price_max=1000, nlqf_max="4") == ["overheid"]
    if catalog.engine.dialect.name == "postgresql":
        with session_scope(catalog.sessions) as session:
            (stem,) = analyzer().query("overheid")[0].alternatives[0]
            assert stem == "over"
            found = session.execute(
                text("SELECT id FROM courses WHERE search_tsv @@ to_tsquery('simple', :q)"),
                {"q": stem},
            ).scalars()
            assert list(found) == ["overheid"]


def test_title_words_outrank_description_words_the_same_on_both_backends(
    catalog: Catalog,
) -> None:
    """BM25 with the title weighted 3: a course about the word beats one that mentions it."""
    with session_scope(catalog.sessions) as session:
        session.add_all(
            [
                course("mentions", "Schilder", sector="bouw", description="Je leert ook metselen."),
                course("about", "Metselen", sector="bouw", nlqf="2"),
            ]
        )
        result = search_courses(session, Profile(), "metselen", limit=5, today=TODAY)
    found = [h.course.id for h in result.hits]
    assert found[0] == "about" and found[-1] == "mentions"  # "Metselaar" sits in between
    assert result.hits[0].score > result.hits[-1].score


def test_filter_columns_follow_changes_and_deletes(catalog: Catalog) -> None:
    """The postings carry price, level, sector and online: a change reaches the filters."""
    assert ids(catalog, "boekhouden", price_max=1000) == ["boekhouden-goedkoop"]
    with session_scope(catalog.sessions) as session:
        session.get(Course, "boekhouden-duur").price = 150.0
    assert set(ids(catalog, "boekhouden", price_max=1000)) == {
        "boekhouden-duur",
        "boekhouden-goedkoop",
    }
    with session_scope(catalog.sessions) as session:
        session.get(Course, "boekhouden-goedkoop").nlqf, _ = "6", None
        session.get(Course, "boekhouden-goedkoop").nlqf_rank = 7
    assert ids(catalog, "boekhouden", price_max=1000, nlqf_max="4") == ["boekhouden-duur"]
    with session_scope(catalog.sessions) as session:
        session.delete(session.get(Course, "boekhouden-duur"))
    with session_scope(catalog.sessions) as session:
        left = session.execute(
            text("SELECT count(*) FROM search_postings WHERE course_id = 'boekhouden-duur'")
        ).scalar()
    assert left == 0
    assert ids(catalog, "boekhouden", nlqf_max="4") == []


def test_a_word_counts_once_whichever_synonym_matched(catalog: Catalog) -> None:
    """A word typed scores by its best form (the word, a synonym, a typo fix), not by the sum
    of every form a course names: a course that names three forms weakly does not beat one
    that names the word strongly. Different words typed still add up."""
    with session_scope(catalog.sessions) as session:
        session.add_all(
            [
                course("strong", "Lassen", sector="metaal"),
                course("weak", "Cursus", sector="metaal",
                       description="Over lassen, de lasser en lastechniek."),
                course("with-mig", "Lassen met MIG", sector="metaal"),
            ]
        )  # fmt: skip
    with session_scope(catalog.sessions) as session:
        vocabulary = index.vocabulary(session)
        terms = analyzer().query("lassen mig", vocabulary)
        assert [len(t.alternatives) for t in terms] == [3, 1]  # lass, lasser, lastechniek; mig
        found = dict(text_candidates(session, terms, CourseFilters(), 50, vocabulary))
        rows = session.execute(select(Course).where(Course.sector == "metaal")).scalars().all()
        weights = term_weights(terms, vocabulary)
        expected, forms = {}, {}
        for c in rows:  # every metaal course, scored by hand from its postings
            imp = postings.impacts(c.search_title, c.search_body)
            forms[c.id] = [weights[a[0]] * imp.get(a[0], 0.0) for a in terms[0].alternatives]
            per_word = [max(weights[a[0]] * imp.get(a[0], 0.0) for a in t.alternatives)
                        for t in terms]  # fmt: skip
            if sum(per_word) > 0:
                expected[c.id] = sum(per_word)
    best = max(expected.values())
    assert found == pytest.approx({cid: score / best for cid, score in expected.items()})
    assert all(forms["weak"]) and found["weak"] * best == pytest.approx(max(forms["weak"]))
    assert max(forms["weak"]) < sum(forms["weak"])  # the sum would have ranked it higher
    assert found["with-mig"] == 1.0  # lassen and mig: both words add up
    # A course not read scores at most each word's best unread form; when every course with
    # all words was read, a course not read lacks one word, so its weakest one drops out.
    assert postings.unseen([0.9, 0.7], lacks_a_group=False) == pytest.approx(1.6)
    assert postings.unseen([0.9, 0.7], lacks_a_group=True) == pytest.approx(0.9)


def test_shown_courses_equal_the_stored_ones(catalog: Catalog) -> None:
    """The page's Course objects are made from the search's own rows, not loaded again: each
    holds every column and place exactly as the ORM loads it, detached and unchanged."""
    with session_scope(catalog.sessions) as session:
        ehbo = session.get(Course, "ehbo")
        ehbo.study_load = {"hours": 8}
        ehbo.updated = dt.date(2026, 11, 2)
        ehbo.locations.append(
            CourseLocation(
                place="Groningen", province="groningen", lat=GRONINGEN[0], lon=GRONINGEN[1]
            )
        )
    with session_scope(catalog.sessions) as session:
        hits = search_courses(session, Profile(), "ehbo cursus opvang", limit=20, today=TODAY).hits
    assert {h.course.id for h in hits} >= {"ehbo", "bso"}
    columns = [c.key for c in Course.__table__.columns]
    places = [c.key for c in CourseLocation.__table__.columns]
    with session_scope(catalog.sessions) as session:
        for hit in hits:
            shown, stored = hit.course, session.get(Course, hit.course.id)
            assert inspect(shown).detached and not inspect(shown).modified
            assert {k: getattr(shown, k) for k in columns} == {
                k: getattr(stored, k) for k in columns
            }
            assert [[getattr(p, k) for k in places] for p in shown.locations] == [
                [getattr(p, k) for k in places]
                for p in sorted(stored.locations, key=lambda p: p.id)
            ]
            assert all(p.course is shown for p in shown.locations)
    ehbo = next(h.course for h in hits if h.course.id == "ehbo")
    assert ehbo.study_load == {"hours": 8} and ehbo.updated == dt.date(2026, 11, 2)
    assert ehbo.keywords == ["eerste hulp"] and len(ehbo.locations) == 2


def test_region_masks_follow_the_places(catalog: Catalog) -> None:
    """The province and distance filters test the course's region mask first: it follows
    every change of its places, however they are made, in courses and in the postings."""

    def masks(course_id: str) -> set[int]:
        with session_scope(catalog.sessions) as session:
            found = session.execute(
                text("SELECT regions FROM courses WHERE id = :i UNION "
                     "SELECT regions FROM search_postings WHERE course_id = :i"),
                {"i": course_id},
            ).scalars()  # fmt: skip
            return set(found)

    assert ids(catalog, "metselaar", province="groningen", include_online=False) == []
    with session_scope(catalog.sessions) as session:  # a place added through the course
        metselaar = session.get(Course, "metsel-rdam")
        metselaar.locations.append(
            CourseLocation(
                place="Groningen", province="groningen", lat=GRONINGEN[0], lon=GRONINGEN[1]
            )
        )
    assert ids(catalog, "metselaar", province="groningen", include_online=False) == ["metsel-rdam"]
    assert ids(catalog, "metselaar", near=GRONINGEN, max_km=20, include_online=False) == [
        "metsel-rdam"
    ]
    assert len(masks("metsel-rdam")) == 1  # the course and all its postings agree
    with session_scope(catalog.sessions) as session:  # a place moved on its own
        place = session.execute(
            select(CourseLocation).where(CourseLocation.province == "groningen",
                                         CourseLocation.course_id == "metsel-rdam")
        ).scalar_one()  # fmt: skip
        place.province, place.lat, place.lon = "utrecht", UTRECHT[0], UTRECHT[1]
    assert ids(catalog, "metselaar", province="groningen", include_online=False) == []
    assert ids(catalog, "metselaar", near=UTRECHT, max_km=20, include_online=False) == [
        "metsel-rdam"
    ]
    with session_scope(catalog.sessions) as session:  # a place added and one deleted alone
        session.add(CourseLocation(course_id="kok", place="Elders", province="buitenland"))
        session.delete(
            session.execute(
                select(CourseLocation).where(CourseLocation.course_id == "metsel-rdam",
                                             CourseLocation.province == "utrecht")
            ).scalar_one()
        )  # fmt: skip
    assert ids(catalog, "metselaar", near=UTRECHT, max_km=20, include_online=False) == []
    assert ids(catalog, "kok", province="buitenland", include_online=False) == ["kok"]
    assert ids(catalog, "kok", province="groningen", include_online=False) == ["kok"]
    assert len(masks("metsel-rdam")) == 1 and len(masks("kok")) == 1


def test_each_course_keeps_its_terms_impacts(catalog: Catalog) -> None:
    """A course's `search_impacts` holds exactly the impacts of its postings (two words are
    scored from it), in step when the course changes."""

    def check() -> None:
        with session_scope(catalog.sessions) as session:
            for c in session.execute(select(Course)).scalars():
                stored = dict(
                    session.execute(
                        text("SELECT term, impact FROM search_postings WHERE course_id = :i"),
                        {"i": c.id},
                    ).all()
                )
                pairs = (p.split(":") for p in c.search_impacts.split())
                forward = {t: int(n) / postings.IMPACT_UNIT for t, n in pairs}
                assert forward == stored and stored  # the very same numbers

    check()
    with session_scope(catalog.sessions) as session:
        kok = session.get(Course, "kok")
        before = kok.search_impacts
        kok.title = "Zelfstandig werkend kok en bakker"
    with session_scope(catalog.sessions) as session:
        assert session.get(Course, "kok").search_impacts != before
    check()


def test_the_term_dictionary_is_read_again_only_when_it_changed(catalog, monkeypatch) -> None:
    """A process keeps the term dictionary; an import by another process (another Catalog on
    the same database) changes its version, and only then is it read again."""
    monkeypatch.setattr(search, "VOCABULARY_CHECK_S", 0.0)
    reads = []
    event.listen(catalog.engine, "before_cursor_execute",
                 lambda *a: reads.append(1) if "FROM search_terms" in a[2] else None)  # fmt: skip
    assert catalog.search(Profile(), "koken", today=TODAY).hits
    assert catalog.search(Profile(), "heftruck", today=TODAY).hits
    assert len(reads) == 1  # read once, then only its version is asked
    other = Catalog.open(catalog.settings, str(catalog.engine.url))
    with session_scope(other.sessions) as session:
        session.add(course("bakker", "Broodbakker", sector="horeca"))
    other.close()
    result = catalog.search(Profile(), "broodbakkr", today=TODAY)  # a typo of the new word
    assert len(reads) == 2 and [h.course.id for h in result.hits] == ["bakker"]
