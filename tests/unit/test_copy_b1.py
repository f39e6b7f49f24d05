"""Every text a person reads is plain Dutch (B1): checked on all responses and buttons, and on
the texts the channels send themselves (bot/**/texts.yml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

ROOT = Path(__file__).resolve().parents[2]
OFFICIALESE = {
    "betreffende", "middels", "teneinde", "verstrekken", "inzake", "derhalve", "alsmede",
    "conform", "indien", "omtrent", "reeds", "tevens", "woonachtig", "doch", "dienen",
}  # fmt: skip
MIN_FLESCH_DOUMA = 65
MAX_WORDS_PER_SENTENCE = 15


def responses() -> dict[str, list[dict]]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def plain(text: str) -> str:
    text = re.sub(r"\{[a-z_]+\}", "X", text)  # a filled-in value counts as one short word
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return text.replace("**", "").replace("\n", " ")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+", plain(text)) if s.strip()]


TEXTS = [(name, variant["text"]) for name, variants in responses().items() for variant in variants]


@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[name for name, _ in TEXTS])
def test_response_is_b1(name: str, text: str) -> None:
    words = re.findall(r"[\wÀ-ÿ'-]+", plain(text).lower())
    assert not OFFICIALESE & set(words), f"{name}: officialese {OFFICIALESE & set(words)}"
    parts = sentences(text)
    if len(words) >= 8:  # readability formulas say nothing about a label of two words
        average = len(words) / max(1, len(parts))
        assert average <= MAX_WORDS_PER_SENTENCE, f"{name}: {average:.1f} words per sentence"
        textstat.set_lang("nl")
        score = textstat.flesch_reading_ease(plain(text))
        assert score >= MIN_FLESCH_DOUMA, f"{name}: Flesch-Douma {score:.0f}"


def channel_texts() -> list[tuple[str, str]]:
    """The channels' own texts, one YAML file of name: text per package: WhatsApp's, the
    chat widget's, the advisor console's and the chat channels' (faults and limits)."""
    from bot.channels.texts import load_texts as load_chat_channel_texts
    from bot.web.console.texts import PLACEHOLDERS as CONSOLE_PLACEHOLDERS
    from bot.web.texts import load_texts as load_widget_texts
    from bot.whatsapp.texts import load_texts as load_whatsapp_texts

    loaders = {
        ROOT / "bot" / "whatsapp" / "texts.yml": lambda path: vars(load_whatsapp_texts(path)),
        ROOT / "bot" / "web" / "texts.yml": load_widget_texts,
        ROOT / "bot" / "web" / "console" / "texts.yml": lambda path: load_widget_texts(
            path, CONSOLE_PLACEHOLDERS
        ),
        ROOT / "bot" / "channels" / "texts.yml": lambda path: vars(load_chat_channel_texts(path)),
    }
    found = sorted((ROOT / "bot").rglob("texts.yml"))
    assert found == sorted(loaders), f"a texts file without a loader here: {found}"
    return [
        (f"{path.parent.name}.{name}", text)
        for path, load in loaders.items()
        for name, text in load(path).items()
    ]


CHANNEL_TEXTS = channel_texts()


@pytest.mark.parametrize(("name", "text"), CHANNEL_TEXTS, ids=[name for name, _ in CHANNEL_TEXTS])
def test_channel_text_is_b1(name: str, text: str) -> None:
    test_response_is_b1(name, text)


def test_button_titles_fit_whatsapp() -> None:
    for name, variants in responses().items():
        for variant in variants:
            for button in variant.get("buttons") or []:
                assert len(button["title"]) <= 20, f"{name}: {button['title']!r}"


def test_every_question_offers_buttons() -> None:
    for name, variants in responses().items():
        if name.startswith("utter_ask_profile_form_") or name in {"utter_greet", "utter_what_next"}:
            assert all(v.get("buttons") for v in variants), name


def scheme_texts() -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "data" / "catalog" / "schemes.yml").read_text(encoding="utf-8"))
    fields = ("amount", "how_to_apply", "explanation_b1", "uncertain", "ended_note")
    texts = []
    for rec in data["schemes"]:
        # Scheme names may stay (B1 guidance), so they do not count against readability.
        names = sorted({rec["name"], *rec.get("aliases", [])}, key=len, reverse=True)
        for field in fields:
            if rec.get(field):
                text = rec[field]
                for name in names:
                    text = re.sub(re.escape(name), "X", text, flags=re.IGNORECASE)
                texts.append((f"{rec['id']}.{field}", text))
    return texts


SCHEME_TEXTS = scheme_texts()


@pytest.mark.parametrize(("name", "text"), SCHEME_TEXTS, ids=[name for name, _ in SCHEME_TEXTS])
def test_scheme_texts_are_b1(name: str, text: str) -> None:
    test_response_is_b1(name, text)


def topic_texts() -> list[tuple[str, str]]:
    """The answers to questions about rules, money and work (data/topics/topics.yml)."""
    data = yaml.safe_load((ROOT / "data" / "topics" / "topics.yml").read_text(encoding="utf-8"))
    texts = []
    for rec in data["topics"]:
        # Names of laws, schemes and legal words may stay (B1 guidance): they do not count.
        names = sorted(rec.get("terms") or [], key=len, reverse=True)
        parts = [("title", rec["title"])]
        parts += [(f"fact{i}", f["text"]) for i, f in enumerate(rec["facts"], start=1)]
        parts += [(f"note{i}", f["note"]) for i, f in enumerate(rec["facts"], 1) if f.get("note")]
        parts += [(f"ask.{k}", v) for k, v in (rec.get("ask") or {}).items()]
        for field, text in parts:
            for name in names:
                text = re.sub(re.escape(name), "X", text, flags=re.IGNORECASE)
            texts.append((f"{rec['id']}.{field}", text))
        for button in rec.get("buttons") or []:
            assert len(button["title"]) <= 20, f"{rec['id']}: {button['title']!r}"
    return texts


TOPIC_TEXTS = topic_texts()


@pytest.mark.parametrize(("name", "text"), TOPIC_TEXTS, ids=[name for name, _ in TOPIC_TEXTS])
def test_topic_texts_are_b1(name: str, text: str) -> None:
    test_response_is_b1(name, text)
