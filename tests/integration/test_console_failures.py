"""The console's answers when the takeover fails, over real HTTP (uvicorn in a thread, SQLite)
with a fake Rasa client on the app's console state: Rasa down at a claim, a message, the live
view and a hand-back; a request that is not yours; a request that does not exist.
tests/unit/handoff/test_takeover.py pins the same failures one level down, in Takeover itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from webserver import serve

from bot.catalog.store import Catalog
from bot.console.auth import Accounts
from bot.errors import RasaUnavailable
from bot.handoff.models import HandoffStatus
from bot.handoff.store import HandoffStore
from bot.settings import Settings
from bot.web.app import create_app

PASSWORD = "een lang wachtwoord"


class FakeRasa:
    """What the console asks of Rasa's HTTP API; `down` makes every call fail."""

    def __init__(self) -> None:
        self.down = False
        self.appended: list[tuple[str, list[dict[str, Any]]]] = []

    def check(self) -> None:
        if self.down:
            raise RasaUnavailable("Rasa is niet bereikbaar.")

    def append(self, conversation_id: str, events: list[dict[str, Any]], send: bool = False):
        self.check()
        self.appended.append((conversation_id, events))
        return {}

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        self.check()
        return [{"event": "user", "text": "Ik wil een mens.", "timestamp": 1.0}]

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("console-failures")
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp / "var"),
            "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp / 'var' / 'overstap.db'}",
            "OVERSTAP_SECRET_KEY": "console failures secret",
            "OVERSTAP_RASA_TOKEN": "console failures token",
        }
    )
    catalog = Catalog.open(settings)
    catalog.migrate()
    accounts = Accounts(catalog.sessions)
    accounts.create("anna", PASSWORD, "adviseur", "Anna")
    accounts.create("bram", PASSWORD, "adviseur", "Bram")
    app = create_app(settings, catalog=catalog, worker=False)
    rasa = FakeRasa()
    app.state.console.rasa = rasa  # the console's Rasa client, opened on first use otherwise
    with serve(app) as url:
        yield {"url": url, "rasa": rasa, "store": HandoffStore(catalog.sessions)}
    catalog.close()


@pytest.fixture
def rasa(site) -> FakeRasa:
    site["rasa"].down = False
    return site["rasa"]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(site, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login", timeout=10)
    response = session.post(
        site["url"] + "/adviseur/login",
        data={"name": name, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return session, csrf_of(response.text)


def waiting(site, conversation_id: str) -> int:
    return site["store"].record(conversation_id, "asked", {"turns": 2}, "een mens", "socketio")


def post(site, session: requests.Session, csrf: str, path: str) -> requests.Response:
    return session.post(site["url"] + path, data={"csrf_token": csrf}, timeout=10)


def test_rasa_down_at_a_claim_says_so_and_leaves_the_request_waiting(site, rasa) -> None:
    session, csrf = login(site, "anna")
    request_id = waiting(site, "claim-down")
    rasa.down = True
    response = post(site, session, csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    assert response.url.endswith("/adviseur/wachtrij")
    assert "De bot is niet bereikbaar. Probeer het zo nog eens." in response.text
    assert site["store"].get(request_id).status == HandoffStatus.OPEN
    rasa.down = False
    response = post(site, session, csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    assert response.url.endswith(f"/adviseur/verzoek/{request_id}")
    assert site["store"].get(request_id).claimed_by_name == "Anna"


def test_a_request_that_is_gone_or_taken(site, rasa) -> None:
    anna, anna_csrf = login(site, "anna")
    bram, bram_csrf = login(site, "bram")
    response = post(site, anna, anna_csrf, "/adviseur/verzoek/999999/oppakken")
    assert "Dit verzoek bestaat niet meer." in response.text
    request_id = waiting(site, "taken")
    post(site, anna, anna_csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    response = post(site, bram, bram_csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    assert "Al opgepakt door Anna." in response.text
    # Bram may not write, hand back or close what Anna has.
    sent = bram.post(
        site["url"] + f"/adviseur/api/verzoek/{request_id}/bericht",
        json={"text": "Hoi"},
        headers={"X-CSRF-Token": bram_csrf},
        timeout=10,
    )
    assert sent.status_code == 409 and "niet (meer) van jou" in sent.json()["error"]
    response = post(site, bram, bram_csrf, f"/adviseur/verzoek/{request_id}/teruggeven")
    assert response.url.endswith("/adviseur/wachtrij") and "niet (meer) van jou" in response.text
    assert site["store"].get(request_id).status == HandoffStatus.CLAIMED


def test_rasa_down_while_talking_keeps_the_request_with_the_adviser(site, rasa) -> None:
    session, csrf = login(site, "anna")
    request_id = waiting(site, "talk-down")
    post(site, session, csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    api = site["url"] + f"/adviseur/api/verzoek/{request_id}"
    rasa.down = True
    sent = session.post(
        api + "/bericht", json={"text": "Hoi"}, headers={"X-CSRF-Token": csrf}, timeout=10
    )
    assert sent.status_code == 503
    assert sent.json() == {"error": "Versturen lukt niet: de bot is niet bereikbaar."}
    live = session.get(api + "/berichten", timeout=10)
    assert live.status_code == 503 and live.json() == {"error": "De bot is niet bereikbaar."}
    response = post(site, session, csrf, f"/adviseur/verzoek/{request_id}/teruggeven")
    assert response.url.endswith(f"/adviseur/verzoek/{request_id}")
    assert "De bot is niet bereikbaar. Probeer het zo nog eens." in response.text
    assert site["store"].get(request_id).status == HandoffStatus.CLAIMED
    rasa.down = False
    live = session.get(api + "/berichten", timeout=10)
    assert live.status_code == 200 and live.json()["mine"] is True
    response = post(site, session, csrf, f"/adviseur/verzoek/{request_id}/teruggeven")
    assert "Teruggegeven aan de bot." in response.text
    assert site["store"].get(request_id).status == HandoffStatus.RETURNED


def test_an_empty_or_broken_message_is_refused(site, rasa) -> None:
    session, csrf = login(site, "anna")
    request_id = waiting(site, "empty")
    post(site, session, csrf, f"/adviseur/verzoek/{request_id}/oppakken")
    api = site["url"] + f"/adviseur/api/verzoek/{request_id}/bericht"
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    sent_before = len(rasa.appended)
    empty = session.post(api, data='{"text": "   "}', headers=headers, timeout=10)
    assert empty.status_code == 400 and empty.json() == {"error": "Het bericht is leeg."}
    broken = session.post(api, data="{niet json", headers=headers, timeout=10)
    assert broken.status_code == 400 and broken.json() == {"error": "Geen geldig bericht."}
    assert len(rasa.appended) == sent_before
