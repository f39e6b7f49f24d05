"""A REST message that is not answered leaves a log line without its text.

Rasa's REST channel logged the (redacted) message text at ERROR when the request was cancelled
(`rest.message.received.timeout`: the client went away or timed out while Rasa was busy) and
when handling failed (`rest.message.received.failure`). Over real HTTP, with the channel's
blueprint in a Sanic server of its own (test_limits.RestServer) and a client that gives up
before the reply.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import requests
from test_limits import RestServer, limited_settings

TEXT = "mijn naam is Jantine Verschuren en ik werk in de zorg"
WORDS = ("Jantine", "Verschuren", "zorg", "naam")


def test_a_request_the_client_gave_up_on_logs_no_text(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture,
) -> None:
    settings = limited_settings(tmp_path, monkeypatch)
    caplog.set_level(logging.DEBUG)
    with RestServer(settings, delay_s=5.0) as server:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.post(server.url, json={"sender": "slow", "message": TEXT}, timeout=1.0)
        deadline = time.monotonic() + 10
        while "cancelled" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.received == [TEXT]  # Rasa had the message; the client went away
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    assert "REST message cancelled before its reply" in caplog.text
    assert [w for w in WORDS if w in logged] == []
    assert [r.levelname for r in caplog.records if r.name.startswith("bot.channels")] == ["WARNING"]
