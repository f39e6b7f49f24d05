"""Synthetic catalogs (bench/synthetic.py) on SQLite and PostgreSQL: load, index, search."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from bench import synthetic
from bot.catalog import index, postings, regions
from bot.catalog.models import Course, CourseLocation, nlqf_rank
from bot.catalog.postings import SearchPosting
from bot.catalog.profile import Profile
from bot.catalog.search import CourseFilters, _distance_km, term_weights, text_candidates
from bot.catalog.store import Catalog
from bot.catalog.textsearch import analyzer, count_terms
from bot.errors import CatalogError
from bot.settings import Settings

SIZE = 2000


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def catalog(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A seeded catalog of this module's own: synthetic courses never reach the catalog the
    other tests share (they would stay beside DUO's courses after a reload)."""
    tmp = tmp_path_factory.mktemp("synthetic")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'synthetic.db'}"
    else:
        url = request.getfixturevalue("module_postgres_database")
    env = {"OVERSTAP_VAR_DIR": str(tmp / "var"), "OVERSTAP_DATABASE_URL": url}
    catalog = Catalog.open(Settings.from_env(env))
    catalog.migrate()
    catalog.load_seed()
    yield catalog
    catalog.close()


def _count(catalog, model, *where) -> int:
    with catalog.sessions() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def _typo(word: str, vocab: dict[str, int]) -> str:
    """Two inner letters swapped, so that the index does not know the result."""
    for i in range(2, len(word) - 2):
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if typo != word and analyzer().stem(typo) not in vocab:
            return typo
    raise AssertionError(f"no typo found for {word}")


def test_generate_refuses_a_catalog_with_real_courses(catalog) -> None:
    before = _count(catalog, Course)
    assert before > 0
    with pytest.raises(CatalogError, match="--force"):
        synthetic.generate(catalog.engine, 10, progress=False)
    assert _count(catalog, Course) == before
    assert _count(catalog, Course, Course.source == synthetic.SOURCE) == 0


def test_synthetic_catalog_loads_indexes_and_searches(catalog) -> None:
    _check_synthetic_catalog(catalog)


def _check_synthetic_catalog(catalog) -> None:
    report = synthetic.generate(catalog.engine, SIZE, seed=3, force=True, progress=False)
    catalog.vocabulary.clear()
    assert report.courses == SIZE and report.replaced > 0
    assert _count(catalog, Course) == SIZE
    assert _count(catalog, Course, Course.source == synthetic.SOURCE) == SIZE
    assert _count(catalog, CourseLocation) == report.locations > SIZE // 2
    assert synthetic.built_with(catalog.engine) == synthetic.fingerprint(SIZE, 3)
    assert not catalog.seed_is_current()  # `overstap setup` will load the seed again

    with catalog.sessions() as session:
        courses = session.execute(select(Course).order_by(Course.id)).scalars().all()
        vocab = index.vocabulary(session)
        # The term dictionary holds exactly the document counts of the stored fields.
        counts: Counter = Counter()
        for course in courses:
            counts.update(count_terms(course.search_title, course.search_body))
        assert vocab == dict(counts)
        for course in courses[:: SIZE // 50]:
            fields = index.fields_for(
                course.title, course.keywords, course.sector, course.description
            )
            assert (course.search_title, course.search_body) == fields
            assert course.online == int(
                bool(set(course.modes_of_delivery) & {"online", "distance-learning"})
            )
            assert (len(course.locations) == 0) == bool(course.online)
            assert course.regions == regions.mask(course.locations)
            assert course.search_impacts == postings.forward(
                course.search_title, course.search_body
            )
            assert len(course.locations) <= 3
            assert all(loc.lat and loc.lon and loc.province for loc in course.locations)
        if session.get_bind().dialect.name == "sqlite":  # the FTS5 index matches its content
            session.execute(
                text("INSERT INTO courses_fts(courses_fts, rank) VALUES ('integrity-check', 1)")
            )
        assert len({c.sector for c in courses}) >= 10
        assert len({c.nlqf for c in courses}) >= 6
        prices = sorted(c.price for c in courses if c.price is not None)
        assert prices[0] == 0 and prices[-1] > 3000

    # Zipf-like: a few words in most courses, most words in very few.
    shares = sorted((n / SIZE for n in vocab.values()), reverse=True)
    assert shares[5] > 0.3 and sum(s < 0.005 for s in shares) > len(shares) / 2

    # A word from one course's title finds that course; so does a typo of it.
    target = next(
        c for c in courses
        if any(2 <= vocab.get(analyzer().stem(w), 0) <= 20 and len(w) >= 8 and w.isalpha()
               for w in c.title.lower().split())
    )  # fmt: skip
    word = next(
        w for w in target.title.lower().split()
        if 2 <= vocab.get(analyzer().stem(w), 0) <= 20 and len(w) >= 8 and w.isalpha()
    )  # fmt: skip
    result = catalog.search(Profile(), topic=word, limit=50)
    assert target.id in {h.course.id for h in result.hits}
    assert all(h.reasons[0].code == "course_topic" for h in result.hits)
    typo = _typo(word, vocab)
    result = catalog.search(Profile(), topic=typo, limit=50)
    assert result.terms[0].corrected
    assert target.id in {h.course.id for h in result.hits}

    # Filters hold for every hit.
    common = "praktijk"  # in most seed descriptions, so in many synthetic ones
    assert vocab[common] > SIZE // 10
    by_province = CourseFilters(nlqf_max="3", province="gelderland", price_max=1000.0)
    near = CourseFilters(nlqf_max="4", near=(52.5125, 6.0944), max_km=30.0, price_max=2500.0)
    for filters in (by_province, near):
        result = catalog.search(Profile(nlqf="2"), topic=common, limit=20, filters=filters)
        assert result.hits
        for hit in result.hits:
            course = hit.course
            assert course.nlqf_rank is None or course.nlqf_rank <= (
                3 if filters is by_province else 4
            )
            assert course.price is not None and course.price <= filters.price_max
            if filters is by_province:
                assert course.online or any(
                    loc.province == "gelderland" for loc in course.locations
                )
            else:
                assert course.online or any(
                    _distance_km(52.5125, 6.0944, loc.lat, loc.lon) <= 30
                    for loc in course.locations
                )

    # The postings hold every term of every course, and the threshold algorithm on them gives
    # exactly the best n that scoring every course would give, with and without filters.
    assert _count(catalog, SearchPosting) == sum(
        len(postings.impacts(c.search_title, c.search_body)) for c in courses
    )
    _check_top_n(catalog, courses, vocab, [word, typo, common, "zorg", "heftruck certificaat",
                                          "gratis cursus", "eerste hulp"], by_province)  # fmt: skip
    _check_top_n(catalog, courses, vocab, [common, "zorg", "heftruck certificaat"], near)

    # Generating again replaces the synthetic courses (no --force needed); same seed, same catalog.
    first = synthetic.generate(catalog.engine, 300, seed=7, progress=False)
    titles = [c.title for c in _courses(catalog)]
    again = synthetic.generate(catalog.engine, 300, seed=7, progress=False)
    assert first.replaced == SIZE and again.replaced == 300
    assert [c.title for c in _courses(catalog)] == titles
    synthetic.generate(catalog.engine, 300, seed=8, progress=False)
    assert [c.title for c in _courses(catalog)] != titles
    assert _count(catalog, Course) == 300


def _check_top_n(catalog, courses, vocab, topics: list[str], filters: CourseFilters) -> None:
    lat0, lon0 = filters.near or (0.0, 0.0)
    dlat = filters.max_km / 111.0
    dlon = filters.max_km / (111.0 * math.cos(math.radians(lat0)))

    def near(loc: CourseLocation) -> bool:  # the box the SQL filter tests
        return (
            loc.lat is not None
            and lat0 - dlat <= loc.lat <= lat0 + dlat
            and lon0 - dlon <= loc.lon <= lon0 + dlon
        )

    def passes(course: Course) -> bool:
        if filters.near is None:
            placed = any(loc.province == filters.province for loc in course.locations)
        else:
            placed = any(near(loc) for loc in course.locations)
        return (
            (course.nlqf_rank is None or course.nlqf_rank <= nlqf_rank(filters.nlqf_max))
            and course.price is not None
            and course.price <= filters.price_max
            and (course.online or placed)
        )

    for topic in topics:
        terms = analyzer().query(topic, vocab)
        weights = term_weights(terms, vocab)
        groups = [{t for a in term.alternatives for t in a} for term in terms]
        for with_filters in (False, True):
            scores = []
            for course in courses:
                if with_filters and not passes(course):
                    continue
                found = postings.impacts(course.search_title, course.search_body)
                score = sum(  # per word typed, its best form (the word, a synonym, a fix)
                    max((weights[t] * found[t] for t in g if t in found), default=0.0)
                    for g in groups
                )
                if score > 0:
                    scores.append(score)
            expected = sorted(scores, reverse=True)
            best = expected[0] if expected else 1.0
            for n in (1, 10, 40, 300):
                with catalog.sessions() as session:
                    got = text_candidates(
                        session, terms, filters if with_filters else CourseFilters(), n, vocab
                    )
                want = [round(x / best, 9) for x in expected[:n]]
                assert [round(r, 9) for _id, r in got] == want, (topic, with_filters, n)


def _courses(catalog) -> list[Course]:
    with catalog.sessions() as session:
        return session.execute(select(Course).order_by(Course.id)).scalars().all()


def test_postgres_keeps_fine_statistics_of_search_words(catalog) -> None:
    if catalog.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL planner statistics")
    with catalog.engine.connect() as conn:
        target = conn.execute(
            text(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'courses'::regclass AND attname = 'search_tsv'"
            )
        ).scalar()
    assert target == 1000
