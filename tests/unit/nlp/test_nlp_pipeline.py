"""The Dutch spaCy pipeline built in code: lemmas, and entities in Dutch sentences, typos included."""

from __future__ import annotations

import pytest

from bot.nlp import pipeline
from bot.nlp.lexicon import Lexicon


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    target = tmp_path_factory.mktemp("spacy") / "nl_overstap"
    report = pipeline.build(target, progress=False)
    assert report["patterns"] > 1000
    assert pipeline.is_current(target)
    return pipeline.load(target)


def ents(nlp, text: str) -> set[tuple[str, str]]:
    return {(e.label_, e.ent_id_.split(":", 1)[1] if e.ent_id_ else e.text) for e in nlp(text).ents}


def test_it_is_a_blank_dutch_pipeline_with_lemmatizer_and_ruler(nlp) -> None:
    assert nlp.lang == "nl"
    assert nlp.pipe_names == ["entity_ruler", "lemmatizer"]


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("cursussen", "cursus"),
        ("volgde", "volgen"),
        ("opleidingen", "opleiding"),
        ("werkte", "werken"),
    ],
)
def test_lookup_lemmas(nlp, word: str, lemma: str) -> None:
    assert nlp(f"ik {word} iets")[1].lemma_ == lemma


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Ik werk als verpleegkundige in Zwolle",
            {("occupation", "verpleegkundige"), ("place", "Zwolle")},
        ),
        (
            "ik zit in de zorg en woon in noord-brabant",
            {("sector", "zorg"), ("province", "noord-brabant")},
        ),
        ("ik heb mbo 2 gedaan", {("education_level", "mbo2")}),
        ("havo diploma", {("education_level", "havo")}),
        ("mijn postcode is 3512", {("postcode", "3512")}),
        ("bestaat het stapbudget nog", {("scheme", "stap")}),
        ("ik ben 45 jaar", {("age", "45 jaar")}),
        ("ik ben vijfenveertig jaar", {("age", "vijfenveertig jaar")}),
        ("betaalt het uwv mijn opleiding", {("scheme", "uwv_ww_scholing")}),
        ("betaalt de gemeente mijn cursus", {("scheme", "bijstand_gemeente")}),
        ("levenslang lerenkrediet aanvragen", {("scheme", "llk")}),
    ],
)
def test_entities_in_dutch_sentences(nlp, sentence: str, expected: set) -> None:
    assert expected <= ents(nlp, sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("ik ben verpleegkundie", ("occupation", "verpleegkundige")),  # letter dropped
        ("ik woon in amsterdm", ("place", "Amsterdam")),
        ("ik werk in de tecniek", ("sector", "techniek")),
        ("ik woon in Rottredam", ("place", "Rotterdam")),  # letters swapped
    ],
)
def test_misspelled_entities_are_found(nlp, sentence: str, expected: tuple) -> None:
    assert expected in ents(nlp, sentence)


def test_typo_variants_that_are_real_words_are_not_patterns() -> None:
    lexicon = Lexicon.load()
    patterns = pipeline.ruler_patterns(lexicon, known_words={"verleger"})
    words = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
    for p in patterns:
        if isinstance(p["pattern"], list) and isinstance(p["pattern"][0].get("LOWER"), dict):
            words.update(p["pattern"][0]["LOWER"]["IN"])
    assert "verpleegkundie" in words  # a typo of an occupation
    assert "verleger" not in words  # a real word is never a typo pattern


def test_fingerprint_changes_with_the_lexicon(tmp_path) -> None:
    lexicon_dir = tmp_path / "lexicon"
    lexicon_dir.mkdir()
    (lexicon_dir / "sectors.yml").write_text("sectors: []\n")
    before = pipeline.fingerprint(lexicon_dir)
    (lexicon_dir / "sectors.yml").write_text("sectors: [{id: zorg, label: Zorg, terms: [zorg]}]\n")
    assert pipeline.fingerprint(lexicon_dir) != before


def test_fingerprint_ignores_the_word_lists(tmp_path) -> None:
    """data/lexicon/words.yml is read by the actions at run time, not by the entity ruler."""
    lexicon_dir = tmp_path / "lexicon"
    lexicon_dir.mkdir()
    (lexicon_dir / "sectors.yml").write_text("sectors: []\n")
    (lexicon_dir / "words.yml").write_text("wish_words: [wil]\n")
    before = pipeline.fingerprint(lexicon_dir)
    (lexicon_dir / "words.yml").write_text("wish_words: [wil, wilt]\n")
    assert pipeline.fingerprint(lexicon_dir) == before
