"""Replies for WhatsApp: splitting long text, buttons, lists and numbered menus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.errors import ConfigError
from bot.whatsapp.outbound import numbered_choice, plan, split_for_interactive, split_text
from bot.whatsapp.texts import TEXTS_FILE, load_texts, texts


def buttons(*titles: str) -> list[dict[str, str]]:
    return [{"title": t, "payload": f'/inform{{"n": "{i}"}}'} for i, t in enumerate(titles, 1)]


def test_short_text_is_one_message() -> None:
    assert split_text("Hoi. Hoe gaat het?") == ["Hoi. Hoe gaat het?"]


def test_long_text_is_cut_at_sentence_ends_within_the_limit() -> None:
    sentence = "Dit is een korte zin over een opleiding. "
    text = sentence * 250  # about 10,000 characters, no paragraphs
    parts = split_text(text)
    assert len(parts) == 3
    assert all(len(p) <= 4096 for p in parts)
    assert all(p.endswith("opleiding.") for p in parts)
    assert " ".join(parts) == text.strip()


def test_paragraphs_are_preferred_over_sentences() -> None:
    first = "Eerste stuk. " * 200
    second = "Tweede stuk. " * 200
    parts = split_text(first.strip() + "\n\n" + second.strip())
    assert parts == [first.strip(), second.strip()]


def test_text_without_spaces_is_cut_hard() -> None:
    parts = split_text("x" * 9000)
    assert [len(p) for p in parts] == [4096, 4096, 808]


def test_interactive_body_is_at_most_1024_and_the_rest_goes_first() -> None:
    text = "Een zin met wat uitleg erin. " * 100  # 2,900 characters
    first, body = split_for_interactive(text)
    assert len(body) <= 1024 and body.endswith(".")
    assert all(len(p) <= 4096 for p in first)
    assert " ".join([*first, body]) == text.strip()


def test_up_to_three_options_are_reply_buttons_with_ids_as_payloads() -> None:
    result = plan("Wat wil je?", buttons("Ja, we beginnen", "Praat met adviseur", "Privacy"))
    (message,) = result.messages
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Wat wil je?"
    replies = [b["reply"] for b in interactive["action"]["buttons"]]
    assert [r["id"] for r in replies] == [f'/inform{{"n": "{i}"}}' for i in (1, 2, 3)]
    assert all(len(r["title"]) <= 20 for r in replies)
    assert not result.numbered


def test_button_titles_longer_than_20_are_shortened() -> None:
    (message,) = plan("Kies", buttons("Een hele lange knoptekst hier")).messages
    title = message["interactive"]["action"]["buttons"][0]["reply"]["title"]
    assert len(title) == 20 and title.endswith("…")


def test_four_to_ten_options_are_a_list_with_short_row_titles() -> None:
    titles = [f"Keuze nummer {i} met een lange naam" for i in range(1, 11)]
    (message,) = plan("Welke sector?", buttons(*titles)).messages
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert len(interactive["action"]["button"]) <= 20
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 10
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[0]["description"] == titles[0]  # the full title stays readable
    assert rows[3]["id"] == '/inform{"n": "4"}'


def test_more_than_ten_options_become_numbered_text() -> None:
    titles = [f"Optie {i}" for i in range(1, 13)]
    result = plan("Kies er een.", buttons(*titles))
    (message,) = result.messages
    body = message["text"]["body"]
    assert body.startswith("Kies er een.")
    assert texts().numbered_prompt in body
    assert "1. Optie 1" in body and "12. Optie 12" in body
    assert [o.payload for o in result.numbered][1] == '/inform{"n": "2"}'


def test_long_text_with_buttons_sends_text_first_then_the_buttons() -> None:
    text = "Uitleg over de regeling. " * 80  # 2,000 characters
    messages = plan(text, buttons("Ja", "Nee")).messages
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert len(messages[1]["interactive"]["body"]["text"]) <= 1024


def test_same_titles_after_shortening_fall_back_to_numbers() -> None:
    result = plan("Kies", buttons("Opleiding in de zorg A", "Opleiding in de zorg B"))
    assert result.messages[0]["type"] == "text" and len(result.numbered) == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2", "b"), (" 2 ", "b"), ("2.", "b"), ("3)", "c"), ("0", None), ("4", None),
     ("twee", None), ("2 jaar", None), ("", None)],
)  # fmt: skip
def test_a_typed_number_maps_to_that_option(typed: str, expected: str | None) -> None:
    assert numbered_choice(typed, ["a", "b", "c"]) == expected


def test_no_menu_means_numbers_stay_text() -> None:
    assert numbered_choice("2", []) is None


def test_labels_fit_whatsapp() -> None:
    assert len(texts().list_button_label) <= 20 and len(texts().list_section_title) <= 24


def test_the_channel_texts_come_from_the_yaml_file() -> None:
    (message,) = plan("Welke?", buttons("a", "b", "c", "d")).messages
    assert message["interactive"]["action"]["button"] == texts().list_button_label
    (message,) = plan("", buttons("Ja", "Nee")).messages
    assert message["interactive"]["body"]["text"] == texts().choose_prompt


def write(tmp_path: Path, **changes: str | None) -> Path:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    for name, value in changes.items():
        if value is None:
            del data[name]
        else:
            data[name] = value
    path = tmp_path / "texts.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_texts_file_loads(tmp_path: Path) -> None:
    assert load_texts() == texts()
    assert load_texts(write(tmp_path)) == texts()  # the helper below changes nothing by itself


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"failed_reply": None}, "ontbreekt ['failed_reply']"),
        ({"greeting": "Hoi"}, "onbekend ['greeting']"),
        ({"numbered_prompt": "  "}, "numbered_prompt moet een tekst zijn"),
        ({"list_button_label": "Kies hier een van de antwoorden"}, "te lang"),
    ],
)
def test_a_bad_texts_file_is_refused(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_texts(write(tmp_path, **changes))


def test_markdown_becomes_whatsapp_formatting() -> None:
    (message,) = plan("**Zorg mbo 3**\n[Meer informatie](https://example.org/zorg)").messages
    assert message["text"]["body"] == "*Zorg mbo 3*\nMeer informatie: https://example.org/zorg"
