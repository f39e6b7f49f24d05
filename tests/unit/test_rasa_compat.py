"""Plain `rasa test` from the project root: a JSON file that is a bare number (Rasa's own
training cache has them) is passed over, and real training data is still recognised."""

from __future__ import annotations

import json
from pathlib import Path

from rasa.shared.data import get_data_files, is_nlu_file
from rasa.shared.nlu.training_data import loading

import bot.nlp.handoff_signals  # noqa: F401 - importing the component applies the fix


def test_a_bare_number_is_no_training_data_and_real_data_still_is(tmp_path: Path) -> None:
    cache = tmp_path / ".rasa" / "cache" / "tmp1"
    cache.mkdir(parents=True)
    (cache / "ted_policy.priority.json").write_text("1")
    rasa_json = tmp_path / "nlu.json"
    rasa_json.write_text(json.dumps({"rasa_nlu_data": {"common_examples": []}}))
    wit = tmp_path / "wit.json"
    wit.write_text(json.dumps({"utterances": []}))

    found = get_data_files([str(tmp_path)], is_nlu_file)

    assert sorted(found) == sorted([str(rasa_json), str(wit)])
    assert loading.guess_format(str(rasa_json)) == loading.RASA
    assert loading.guess_format(str(wit)) == loading.WIT
    assert loading.guess_format(str(cache / "ted_policy.priority.json")) == loading.UNK
