"""bot/perf.py's spaCy docs: the entity ruler finds what spaCy's finds, and Rasa's spaCy
components get docs that give the same tokens, lemmas and entities."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from perf_support import patched, rasa_only
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot import perf
from bot.nlp import pipeline

ROOT = Path(__file__).resolve().parents[2]
DIMENSIONS = ["sector", "occupation", "education_level", "place", "province", "postcode",
              "scheme", "age"]  # fmt: skip


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    target = tmp_path_factory.mktemp("spacy") / "nl_overstap"
    pipeline.build(target, progress=False)
    return pipeline.load(target)


def texts(nlp) -> list[str]:
    """Every NLU example, upper- and lowercased too, and sentences of ruler words (typos)."""
    found = [m.get(TEXT) for m in load_data(str(ROOT / "data" / "nlu")).nlu_examples]
    found += [m.get(TEXT) for m in load_data(str(ROOT / "tests" / "nlu_test.yml")).nlu_examples]
    ruler = nlp.get_pipe("entity_ruler")
    words = [
        word
        for patterns in ruler.token_patterns.values()
        for pattern in patterns
        for word in (perf._lower_in(pattern) or [])[:3]
    ]
    rng = random.Random(7)
    found += [" ".join(rng.sample(words, 3)) + " 1234 AB, 45 jaar" for _ in range(300)]
    found += [" ".join(rng.sample(words, 2)).upper() for _ in range(100)]
    return found + [text.lower() for text in found] + [text.upper() for text in found[:300]]


def entities(doc) -> list[tuple]:
    return [(e.label_, e.ent_id_, e.start, e.end, e.start_char, e.end_char) for e in doc.ents]


def test_the_ruler_finds_what_spacys_ruler_finds(nlp) -> None:
    samples = texts(nlp)
    assert len(samples) > 3000
    with rasa_only("entity_ruler"):
        expected = [entities(nlp(text)) for text in samples]
    with patched("entity_ruler"):
        found = [entities(nlp(text)) for text in samples]
    assert sum(map(len, expected)) > 2000
    assert found == expected


def test_two_labels_for_one_span_are_left_to_spacy() -> None:
    import spacy

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [
            {"label": "place", "pattern": [{"LOWER": {"IN": ["zorgg", "zwolle"]}}]},
            {"label": "sector", "pattern": [{"LOWER": {"IN": ["zorgg"]}}]},
            {"label": "sector", "pattern": "de zorg"},
            {"label": "age", "pattern": [{"TEXT": {"REGEX": "^[1-9][0-9]$"}}, {"LOWER": "jaar"}]},
        ]
    )
    samples = ["ik werk in de zorgg", "in de zorg in Zwolle", "ik ben 45 jaar", "niets"]
    with rasa_only("entity_ruler"):
        expected = [entities(nlp(text)) for text in samples]
    with patched("entity_ruler"):
        assert [entities(nlp(text)) for text in samples] == expected
    assert [len(found) for found in expected] == [1, 2, 1, 0]


def rasa_parse(nlp, text: str) -> tuple:
    model = SpacyModel(model=nlp, model_name="nl_overstap")
    spacy_nlp = SpacyNLP(model, {**SpacyNLP.get_default_config(), "case_sensitive": False})
    tokenizer = SpacyTokenizer({**SpacyTokenizer.get_default_config()})
    extractor = SpacyEntityExtractor({"dimensions": DIMENSIONS})
    message = Message({TEXT: text})
    extractor.process(tokenizer.process(spacy_nlp.process([message], model)), model)
    tokens = [(t.text, t.start, t.lemma, t.data) for t in message.get("text_tokens")]
    return tokens, message.get(ENTITIES)


def test_rasas_spacy_components_give_the_same_tokens_lemmas_and_entities(nlp) -> None:
    samples = texts(nlp)[::5]
    with rasa_only("spacy_docs", "entity_ruler"):
        expected = [rasa_parse(nlp, text) for text in samples]
    with patched("spacy_docs", "entity_ruler"):
        found = [rasa_parse(nlp, text) for text in samples]
        assert perf._SpacyPlan(nlp).without_entities == ["entity_ruler"]
        assert perf._SpacyPlan(nlp).entities_only == ["lemmatizer"]
    assert sum(len(entities) for _, entities in expected) > 200
    assert found == expected


def test_a_pipeline_with_another_component_is_run_whole(nlp) -> None:
    import spacy

    other = spacy.blank("nl")
    other.add_pipe("entity_ruler")
    other.add_pipe("sentencizer")
    plan = perf._SpacyPlan(other)
    assert plan.without_entities == [] and plan.entities_only == []
