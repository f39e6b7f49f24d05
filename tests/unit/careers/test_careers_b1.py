"""What the bot says about other work is plain Dutch (B1), also with ESCO's words filled in.

The response templates are checked with every other response (test_copy_b1.py). Here the
texts as a person reads them: running text passes the same check; a skill group in a list
is short, has no officialese, and nearly all its words are common Dutch words.
"""

from __future__ import annotations

import re

import pytest
import yaml
from careers_support import DOMAIN, b1_check, make_tracker, run_action
from wordfreq import zipf_frequency

from actions.careers import ActionSuggestWork, fact_text
from actions.common import render
from bot.careers.build import ATTRIBUTION_NL
from bot.careers.data import GROUP_LABELS_FILE
from bot.careers.demand import DEMAND_FILE, read_facts

B1 = b1_check()
MAX_ITEM_WORDS = 8
MAX_RARE_SHARE = 0.05  # words outside common Dutch (wordfreq Zipf < 3), over all list items
OCCUPATIONS = [
    "buschauffeur", "taxichauffeur", "kassamedewerker", "winkelmedewerker",
    "thuiszorgmedewerker", "zorghulp", "algemeen verpleegkundige", "kok", "ober/serveerster",
    "metselaar", "schilder bouw", "lasser", "automonteur", "loodgieter", "magazijnmedewerker",
    "schoonmaker gebouwen", "callcentermedewerker", "receptionist", "boekhouder",
    "software ontwikkelaar", "beveiliger", "hovenier", "dierenverzorger", "medewerker fitness",
    "medewerker linnenkamer", "kapper",
]  # fmt: skip


def words(text: str) -> list[str]:
    return re.findall(r"[\wÀ-ÿ'-]+", text.lower())


def rendered(message: dict) -> str:
    values = {k: v for k, v in message.items() if k not in {"response", "buttons", "template"}}
    return render(DOMAIN, message["response"], **values)


@pytest.fixture(scope="module")
def texts(by_label) -> list[str]:
    found = []
    for label in OCCUPATIONS:
        tracker = make_tracker({"current_occupation": by_label(label).id})
        messages, _ = run_action(ActionSuggestWork(), tracker)
        found += [rendered(m) for m in messages]
    return found


def test_running_text_is_b1(texts) -> None:
    # Names may stay (B1 guidance): the occupation in the heading counts as one short word,
    # as a filled-in value does in the template check; ESCO's required attribution line is
    # left out; the listed groups are checked below.
    for text in texts:
        text = re.sub(r"\*\*[^*]+\*\*", "X", text.replace(ATTRIBUTION_NL, ""))
        running = "\n".join(line for line in text.splitlines() if not line.startswith("- "))
        B1.test_response_is_b1("suggestion", running)


def test_listed_skill_groups_are_short_common_words(texts) -> None:
    items = [line[2:] for text in texts for line in text.splitlines() if line.startswith("- ")]
    assert len(items) > 100
    rare = 0
    for item in items:
        assert len(words(item)) <= MAX_ITEM_WORDS, item
        assert not B1.OFFICIALESE & set(words(item)), item
        rare += sum(1 for w in words(item) if zipf_frequency(w, "nl") < 3.0)
    assert rare / sum(len(words(i)) for i in items) <= MAX_RARE_SHARE


def test_every_demand_fact_as_said_is_b1() -> None:
    for fact in read_facts(DEMAND_FILE):
        # UWV's names of groups and jobs may stay, like a scheme's name.
        said = fact_text(DOMAIN, fact)
        assert fact.group in said and "Volgens UWV (" in said
        for name in filter(None, (fact.group, fact.to)):
            said = said.replace(name, "X")
        B1.test_response_is_b1(fact.id, said)


def test_plainer_group_labels_are_esco_groups_and_short(data) -> None:
    labels = yaml.safe_load(GROUP_LABELS_FILE.read_text(encoding="utf-8"))["labels"]
    known = set(data.esco_group_labels)
    for esco, plain in labels.items():
        assert esco in known, esco
        assert len(words(plain)) <= MAX_ITEM_WORDS and not B1.OFFICIALESE & set(words(plain))
