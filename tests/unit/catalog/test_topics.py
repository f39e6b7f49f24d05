"""Topic answers are data with sources, certainty and a check date; `catalog verify` checks them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.catalog.topics import (
    Button,
    Fact,
    load_topics,
    situation_in,
    verify_topics,
)
from bot.cli import main

TODAY = dt.date(2026, 12, 7)
TOPICS = {t.id: t for t in load_topics()}
INTENTS = {
    "ask_employer_duty", "ask_study_costs", "ask_learning_budget", "ask_tax", "ask_loan_interest",
    "ask_study_on_benefit", "ask_nlqf", "ask_evc", "express_career_doubt",
}  # fmt: skip


def test_every_topic_of_the_issue_has_data_that_passes_verify() -> None:
    assert {t.intent for t in TOPICS.values()} == INTENTS
    assert verify_topics(list(TOPICS.values()), TODAY, 180) == []


def test_verify_finds_missing_sources_certainty_notes_and_old_checks() -> None:
    topic = TOPICS["tax"]
    bad_facts = (
        Fact(text="Zonder bron.", certainty="verified", sources=()),
        Fact(text="Raar.", certainty="misschien", sources=("https://x.nl",)),
        Fact(text="Niet zeker, zegt het niet.", certainty="uncertain", sources=("https://x.nl",)),
    )
    broken = dataclasses.replace(
        topic,
        facts=bad_facts,
        last_verified=TODAY - dt.timedelta(days=400),
        buttons=(Button("Een veel te lange knoptekst", "/ask_tax"), Button("Geen slash", "x")),
    )
    messages = [p.message for p in verify_topics([broken], TODAY, 180)]
    assert any("400 dagen" in m for m in messages)
    assert any("geen bron" in m for m in messages)
    assert any("onbekende zekerheid" in m for m in messages)
    assert any("note ontbreekt" in m for m in messages)
    assert sum("knop" in m for m in messages) == 2


def test_catalog_verify_checks_topics_too(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OVERSTAP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("OVERSTAP_DATABASE_URL", f"sqlite:///{tmp_path / 'o.db'}")
    monkeypatch.setenv("OVERSTAP_CATALOG_MAX_AGE_DAYS", "3650")
    assert main(["catalog", "load"]) == 0
    assert main(["catalog", "verify", "--max-age-days", "3650"]) == 0
    out = capsys.readouterr().out
    assert "9 onderwerpen gecontroleerd, 0 fouten" in out
    assert "1 bronnen van opleidingen gecontroleerd, 0 fouten" in out
    # the shipped HO snapshot is older than the default 45 days: verify says so and fails
    monkeypatch.setenv("OVERSTAP_CATALOG_MAX_AGE_DAYS", "45")
    assert main(["catalog", "verify", "--max-age-days", "3650"]) == 1
    assert "Draai: overstap catalog update" in capsys.readouterr().out


def test_doubtful_facts_say_so() -> None:
    zzp = [f for f in TOPICS["tax"].facts if "zzp" in f.text]
    assert zzp and zzp[0].certainty == "secondary" and "Belastingdienst" in (zzp[0].note or "")
    ww_money = [f for f in TOPICS["study_on_benefit"].facts if f.certainty == "uncertain"]
    assert ww_money and all(f.note for f in ww_money)


@pytest.mark.parametrize(
    ("situation", "text", "has", "has_not"),
    [
        ("ww", "", "WW-uitkering", "bijstand"),
        ("bijstand", "", "bijstand", "WW-uitkering"),
        (None, "", "WW-uitkering", None),  # unknown: both sides
        ("employed", "", "bijstand", None),  # not a benefit situation: both sides
    ],
)
def test_facts_fit_the_persons_benefit(situation, text, has, has_not) -> None:
    shown = " ".join(f.text for f in TOPICS["study_on_benefit"].facts_for(situation, text))
    assert has in shown
    if has_not:
        assert has_not not in shown


def test_a_conditional_fact_stays_for_situations_the_topic_does_not_cover() -> None:
    # The zzp fact starts "Ben je zzp'er of ondernemer?": an employee may read it too.
    tax = TOPICS["tax"]
    for situation in ("self_employed", None, "employed"):
        assert any("zzp" in f.text for f in tax.facts_for(situation))


def test_stress_fact_only_when_the_message_names_stress() -> None:
    career = TOPICS["career"]
    assert any("huisarts" in f.text for f in career.facts_for(None, "ik heb veel stress"))
    assert not any("huisarts" in f.text for f in career.facts_for(None, "welke rol past bij mij"))


def test_what_to_ask_and_whom_depends_on_the_benefit() -> None:
    topic = TOPICS["study_on_benefit"]
    assert "UWV" in topic.ask_for("ww") and "gemeente" not in topic.ask_for("ww")
    assert "gemeente" in topic.ask_for("bijstand")
    assert "UWV" in topic.ask_for(None) and "gemeente" in topic.ask_for(None)


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("mag ik studeren met bijstand?", "bijstand"),
        ("Mag ik een opleiding volgen met een WW-uitkering?", "ww"),
        ("kan ik als zzp'er mijn cursus aftrekken", "self_employed"),
        ("mag ik studeren met ww of bijstand", None),  # two: the person has to say
        ("hallo", None),
    ],
)
def test_situation_named_in_a_question(text: str, situation) -> None:
    assert situation_in(text) == situation
