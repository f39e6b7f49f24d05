"""Every value of the project's vocabularies has its Dutch label beside it, and the places that
still spell a vocabulary out agree with the enum that declares it."""

from __future__ import annotations

from enum import Enum

import pytest
import yaml

from bot.catalog import loader
from bot.catalog.models import ONLINE_MODES
from bot.catalog.vocab import DeliveryMode, SchemeStatus, label_of, level_label
from bot.handoff.models import Channel, HandoffReason, HandoffStatus, HandoffTopic
from bot.nlp.signals import TOPICS
from bot.settings import PROJECT_ROOT

VOCABULARIES = (HandoffStatus, HandoffReason, HandoffTopic, Channel, DeliveryMode, SchemeStatus)


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_value_has_a_dutch_label(vocabulary: type[Enum]) -> None:
    for member in vocabulary:
        assert member.label.strip(), member
        assert str(member) == member.value  # compares and prints as the stored text


def test_the_summary_topics_are_the_signals_topics_and_other() -> None:
    assert {t.value for t in HandoffTopic} == {*TOPICS, "other"}


def test_the_delivery_modes_are_the_loaders() -> None:
    assert {m.value for m in DeliveryMode} == loader.MODES
    assert {m.value for m in DeliveryMode} >= ONLINE_MODES


def test_the_scheme_statuses_are_those_in_the_seed_data() -> None:
    data = yaml.safe_load((PROJECT_ROOT / "data" / "catalog" / "schemes.yml").read_text())
    records = data["schemes"] if isinstance(data, dict) else data
    assert {r["status"] for r in records} <= {s.value for s in SchemeStatus}


def test_labels_for_the_catalog_overview() -> None:
    assert label_of(DeliveryMode, "on campus") == "op de campus"
    assert label_of(SchemeStatus, "beeindigd") == "beëindigd"
    assert label_of(SchemeStatus, "iets nieuws") == "iets nieuws"
    assert level_label("4+") == "niveau 4+" and level_label("none") == "zonder niveau"
