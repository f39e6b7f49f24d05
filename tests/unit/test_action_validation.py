"""Action server replies are still validated after bot.rasa_cli.patch_action_validation."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_cli import patch_action_validation


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    patch_action_validation()
    return RemoteAction("action_search_courses", None)


def test_a_valid_reply_passes(action: RemoteAction) -> None:
    reply = {
        "events": [{"event": "slot", "name": "sector", "value": "zorg"}],
        "responses": [{"text": "Hallo", "buttons": []}],
    }
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": "geen lijst"},
        {"events": [{"name": "sector"}]},  # an event without its type
        {"events": [1]},  # an event that is not an object
    ],
)
def test_an_invalid_reply_is_refused_with_rasas_message(action: RemoteAction, reply) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(reply)


def test_the_schema_is_not_checked_again_per_reply(action: RemoteAction, monkeypatch) -> None:
    from jsonschema import Draft4Validator, validators

    calls = []
    for cls in {
        validators.validator_for(RemoteAction.action_response_format_spec()),
        Draft4Validator,
    }:
        monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s: calls.append(s)))
    action._validate_action_result({"events": [], "responses": []})
    assert calls == []
