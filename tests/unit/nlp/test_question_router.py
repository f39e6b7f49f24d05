"""Question or search: the words of a question about rules, money or work pick its intent."""

from __future__ import annotations

import pytest

from bot.nlp.questions import QuestionRouter, mentions

ROUTER = QuestionRouter.load()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Moet mijn baas mijn cursus betalen?", "ask_employer_duty"),
        ("moet mijn werkgever de opleiding vergoeden", "ask_employer_duty"),
        ("geldt de scholingsplicht ook voor mij", "ask_employer_duty"),
        ("Moet ik mijn studiekosten terugbetalen als ik ontslag neem?", "ask_study_costs"),
        ("wat is een studiekostenbeding", "ask_study_costs"),
        ("Kan ik als zzp'er mijn opleiding aftrekken?", "ask_tax"),
        ("Opleidingskosten ZZP: Aftrekbaar voor de Belasting?", "ask_tax"),
        ("hoeveel rente betaal ik over het levenlanglerenkrediet", "ask_loan_interest"),
        ("Heb ik een ontwikkelbudget in mijn cao?", "ask_learning_budget"),
        ("Mag ik studeren met een bijstandsuitkering?", "ask_study_on_benefit"),
        ("WAT IS HET NLQF", "ask_nlqf"),
        ("Wat moet er in mijn portfolio?", "ask_evc"),
        ("Wat is het verschil tussen coaching en therapie?", "express_career_doubt"),
        ("Wat doet een loopbaancoach?", "express_career_doubt"),
    ],
)
def test_questions_find_their_topic(text: str, intent: str) -> None:
    found = ROUTER.topic_intent(text)
    assert found is not None and found.intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "cursus belastingrecht",  # a course search, not a question
        "ik zoek een opleiding tot loopbaancoach",
        "ik werk in de bouw",
        "hallo",
        "/ask_tax",  # a button: the person chose already
        "",
    ],
)
def test_searches_and_answers_are_no_topic_questions(text: str) -> None:
    found = ROUTER.topic_intent(text)
    assert found is None or not ROUTER.route(text, "search_courses")


@pytest.mark.parametrize(
    ("text", "diet", "routed"),
    [
        # DIET's generic guesses give way to the words of the question
        ("Moet mijn baas mijn cursus betalen?", "search_courses", "ask_employer_duty"),
        ("Kan ik mijn cursus aftrekken van de belasting?", "nlu_fallback", "ask_tax"),
        ("hoeveel rente vraagt duo voor het llk", "ask_scheme", "ask_loan_interest"),
        ("Wat is een studiekostenbeding?", "out_of_scope", "ask_study_costs"),
        # a course search stays a search when it is not asked as a question
        ("cursus belasting aangifte zzp aftrek", "search_courses", None),
        # a confident specific intent stays
        ("betaalt het uwv mijn opleiding?", "ask_scheme", None),
        ("ik wil een mens spreken over mijn studiekostenbeding", "request_human", None),
        # the same intent: nothing to change
        ("wat is het nlqf", "ask_nlqf", None),
    ],
)
def test_route_replaces_only_generic_guesses(text: str, diet: str, routed) -> None:
    assert ROUTER.route(text, diet) == routed


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("mag ik dat", True),
        ("Welke kosten mag ik aftrekken", True),
        ("Opleidingskosten ZZP: Aftrekbaar voor de Belasting?", True),
        ("ik vraag me af hoe dat zit met mijn cao", True),
        ("cursus excel", False),
        ("ik werk in de zorg", False),
    ],
)
def test_is_question(text: str, question: bool) -> None:
    assert ROUTER.is_question(text) is question


def test_every_route_intent_is_in_the_domain() -> None:
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[3]
    intents = set()
    for path in [root / "domain.yml"]:
        intents.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or [])
    assert ROUTER.intents <= intents
    assert ROUTER.replaceable <= intents | {"nlu_fallback"}


def test_mentions_uses_the_same_word_rules() -> None:
    assert mentions("Ik heb veel stress op mijn werk", ["stress*"])
    assert mentions("Mijn o&o-fonds", ["o&o"])
    assert not mentions("stressless", ["stress"])


@pytest.mark.parametrize(
    ("text", "diet", "entities", "routed"),
    [
        ("Hoelang mag ik gebruik maken van het LLLK?", "nlu_fallback", ["scheme"], "ask_scheme"),
        (
            "Wanneer voldoe je aan de voortgangseis van STAP?",
            "ask_course_info",
            ["scheme"],
            "ask_scheme",
        ),
        ("ik ken het stap budget", "nlu_fallback", ["scheme"], None),  # not asked as a question
        ("hoe lang duurt die opleiding?", "ask_course_info", [], None),  # no scheme named
        ("is het stap budget nog open?", "request_human", ["scheme"], None),  # specific intent
        # a topic route comes before the scheme: the interest on the loan, not the loan
        ("hoeveel rente vraagt duo voor het llk?", "nlu_fallback", ["scheme"], "ask_loan_interest"),
    ],
)
def test_a_question_naming_a_scheme_is_about_the_scheme(text, diet, entities, routed) -> None:
    assert ROUTER.route(text, diet, entities) == routed


def test_word_order_and_why_questions() -> None:
    assert ROUTER.route("Twijfelt u of een opleiding verplicht is?", "nlu_fallback") == (
        "ask_employer_duty"
    )
    # "waarom ... geen" is no question about a scheme when it is about coaching and therapy
    assert (
        ROUTER.route("Waarom coaching en geen therapie?", "ask_why_not") == "express_career_doubt"
    )
    assert ROUTER.route("waarom krijg ik geen stap?", "ask_why_not", ["scheme"]) is None
