"""Takeover on a real handoff store (SQLite) with a fake Rasa client that can fail.

The browser tests show the happy path end to end; these pin what happens when Rasa is down,
when the request is not the adviser's, and when the call-back offer after a time-out fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from sqlalchemy import delete

from bot.db import Database
from bot.errors import NotYours, RasaUnavailable
from bot.handoff.models import HandoffRequest, HandoffStatus
from bot.handoff.store import HandoffStore
from bot.handoff.takeover import TIMEOUT_INTENT, Takeover
from bot.office_hours import OfficeHours
from bot.settings import MAX_MESSAGE_CHARS, Settings

ANNA, BRAM = (1, "Anna"), (2, "Bram")
ALWAYS_OPEN = OfficeHours.parse("ma-zo 00:00-23:59")


class FakeRasa:
    """Records what the takeover asks of Rasa's HTTP API; `down` makes every call fail."""

    def __init__(self) -> None:
        self.down = False
        self.appended: list[tuple[str, list[dict[str, Any]], bool]] = []
        self.triggered: list[tuple[str, str]] = []

    def append(self, conversation_id: str, events: list[dict[str, Any]], send: bool = False):
        if self.down:
            raise RasaUnavailable("Rasa is niet bereikbaar.")
        self.appended.append((conversation_id, events, send))
        return {}

    def trigger_intent(self, conversation_id: str, intent: str):
        if self.down:
            raise RasaUnavailable("Rasa is niet bereikbaar.")
        self.triggered.append((conversation_id, intent))
        return {}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("takeover")
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp / "var"),
            "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp / 'overstap.db'}",
        }
    )
    database = Database(settings)
    database.migrate()
    yield database
    database.close()


@pytest.fixture
def store(database: Database) -> HandoffStore:
    """The handoff store with no request in it."""
    with database.scope() as session:
        session.execute(delete(HandoffRequest))
    return HandoffStore(database.sessions)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def takeover(store: HandoffStore, rasa: FakeRasa) -> Takeover:
    return Takeover(store, rasa)  # type: ignore[arg-type]


def waiting(store: HandoffStore, conversation_id: str = "gesprek-1") -> int:
    return store.record(conversation_id, "asked", {"turns": 2}, "ik wil een mens", "socketio")


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["event"] for event in events]


def test_a_claim_pauses_the_bot_and_says_who_joined(store, rasa, takeover) -> None:
    request_id = waiting(store)
    result = takeover.claim(request_id, *ANNA)
    assert result.won and result.holder == "Anna" and result.status == HandoffStatus.CLAIMED
    [(conversation_id, events, send)] = rasa.appended
    assert conversation_id == "gesprek-1" and send is True
    assert kinds(events) == ["pause", "bot"]
    assert "Anna" in events[1]["text"]


def test_rasa_down_at_a_claim_puts_the_request_back_in_the_queue(store, rasa, takeover) -> None:
    request_id = waiting(store)
    rasa.down = True
    with pytest.raises(RasaUnavailable):
        takeover.claim(request_id, *ANNA)
    request = store.get(request_id)
    assert request.status == HandoffStatus.OPEN
    assert request.claimed_by_id is None and request.claimed_by_name is None
    rasa.down = False
    assert takeover.claim(request_id, *BRAM).won  # the next try (by anyone) can take it


def test_a_lost_claim_sends_nothing(store, rasa, takeover) -> None:
    request_id = waiting(store)
    assert takeover.claim(request_id, *ANNA).won
    rasa.appended.clear()
    result = takeover.claim(request_id, *BRAM)
    assert not result.won and result.holder == "Anna"
    assert rasa.appended == []


@pytest.mark.parametrize("action", ["send", "hand_back", "close"])
def test_only_the_adviser_who_has_it_may_write_hand_back_or_close(
    store, rasa, takeover, action: str
) -> None:
    request_id = waiting(store)
    args = {"send": (BRAM[1], "Hoi"), "hand_back": (), "close": ()}[action]
    with pytest.raises(NotYours):  # still waiting: nobody's yet
        getattr(takeover, action)(request_id, BRAM[0], *args)
    takeover.claim(request_id, *ANNA)
    rasa.appended.clear()
    with pytest.raises(NotYours):  # Anna's, not Bram's
        getattr(takeover, action)(request_id, BRAM[0], *args)
    with pytest.raises(NotYours):  # a request that does not exist
        getattr(takeover, action)(request_id + 1000, ANNA[0], *args)
    assert rasa.appended == []
    assert store.get(request_id).status == HandoffStatus.CLAIMED


def test_an_advisers_message_is_marked_and_cut_to_the_limit(store, rasa, takeover) -> None:
    request_id = waiting(store)
    takeover.claim(request_id, *ANNA)
    takeover.send(request_id, ANNA[0], "Anna", "  " + "a" * (MAX_MESSAGE_CHARS + 50) + "  ")
    _, [event], send = rasa.appended[-1]
    assert send and event["text"] == "a" * MAX_MESSAGE_CHARS
    assert event["metadata"] == {"sender": "adviseur", "sender_name": "Anna"}
    with pytest.raises(ValueError):
        takeover.send(request_id, ANNA[0], "Anna", "   ")


def test_rasa_down_at_hand_back_keeps_the_request_with_the_adviser(store, rasa, takeover) -> None:
    request_id = waiting(store)
    takeover.claim(request_id, *ANNA)
    rasa.down = True
    with pytest.raises(RasaUnavailable):
        takeover.hand_back(request_id, ANNA[0])
    with pytest.raises(RasaUnavailable):
        takeover.close(request_id, ANNA[0])
    assert store.get(request_id).status == HandoffStatus.CLAIMED  # she can try again
    rasa.down = False
    takeover.hand_back(request_id, ANNA[0])
    assert store.get(request_id).status == HandoffStatus.RETURNED
    assert kinds(rasa.appended[-1][1]) == ["resume", "bot"]


def test_closing_says_goodbye_before_the_bot_listens_again(store, rasa, takeover) -> None:
    request_id = waiting(store)
    takeover.claim(request_id, *ANNA)
    takeover.close(request_id, ANNA[0])
    assert kinds(rasa.appended[-1][1]) == ["bot", "resume"]
    assert store.get(request_id).status == HandoffStatus.CLOSED


def test_a_time_out_offers_a_call_back(store, rasa, takeover) -> None:
    request_id = waiting(store, "te-lang")
    expired = takeover.expire_one(dt.timedelta(0), ALWAYS_OPEN)
    assert expired is not None and expired.id == request_id
    assert store.get(request_id).status == HandoffStatus.EXPIRED
    assert rasa.triggered == [("te-lang", TIMEOUT_INTENT)]
    assert takeover.expire_one(dt.timedelta(0), ALWAYS_OPEN) is None  # nothing left to do


def test_a_failed_call_back_offer_still_expires_the_request(
    store, rasa, takeover, caplog: pytest.LogCaptureFixture
) -> None:
    request_id = waiting(store, "te-lang")
    rasa.down = True
    with caplog.at_level(logging.ERROR, logger="bot.handoff.takeover"):
        expired = takeover.expire_one(dt.timedelta(0), ALWAYS_OPEN)
    assert expired is not None and expired.id == request_id
    assert store.get(request_id).status == HandoffStatus.EXPIRED  # not offered twice later
    assert f"handoff {request_id} expired but the call-back offer was not sent" in caplog.text
    assert rasa.triggered == []


def test_rasa_down_at_a_message_keeps_the_request_with_the_adviser(store, rasa, takeover) -> None:
    request_id = waiting(store)
    takeover.claim(request_id, *ANNA)
    rasa.down = True
    with pytest.raises(RasaUnavailable):
        takeover.send(request_id, ANNA[0], "Anna", "Hoi")
    request = store.get(request_id)
    assert request.status == HandoffStatus.CLAIMED and request.claimed_by_id == ANNA[0]
