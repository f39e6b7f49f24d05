"""The console over real HTTP (uvicorn in a thread, SQLite): login, sessions, CSRF, roles,
escaping, exports. The Rasa parts are in tests/integration/test_console.py."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest
import requests
from itsdangerous import TimestampSigner
from sqlalchemy import text
from webserver import serve

from bot.catalog.store import Catalog
from bot.console.audit import AuditLog
from bot.console.auth import Accounts
from bot.db import Database
from bot.settings import Settings
from bot.web import security
from bot.web.app import create_app

PASSWORD = "een lang wachtwoord"
XSS = '<img src=x onerror="document.title=1">'


def make_settings(tmp_path: Path, **env: str) -> Settings:
    """Settings in a temporary directory (tests/conftest.py has the same; conftest modules
    are not imported, two of them clash)."""
    base = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'overstap.db'}",
    }
    return Settings.from_env({**base, **env})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp: Path = tmp_path_factory.mktemp("web")
    settings = make_settings(
        tmp,
        OVERSTAP_TRACKER_URL=f"sqlite:///{tmp / 'var' / 'tracker.db'}",
        OVERSTAP_SECRET_KEY="web test secret",
        OVERSTAP_RASA_TOKEN="web test token",
    )
    catalog = Catalog.open(settings)
    catalog.migrate()
    accounts = Accounts(catalog.sessions)
    accounts.create("adv", PASSWORD, "adviseur", "Anna")
    accounts.create("admin", PASSWORD, "beheerder", "Bert")
    tracker = Database(settings, settings.tracker_url)  # only for its engine on the tracker file
    with tracker.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
        for i, event in enumerate(
            [
                {
                    "event": "user",
                    "text": XSS,
                    "timestamp": time.time(),
                    "input_channel": "socketio",
                    "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
                },
                {"event": "bot", "text": "Sorry.", "timestamp": time.time()},
            ],  # fmt: skip
            start=1,
        ):
            conn.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, data)"
                    " VALUES (:i, 'xss-conv', :t, :ts, :n, :d)"
                ),
                {
                    "i": i,
                    "t": event["event"],
                    "ts": event["timestamp"],
                    "n": event.get("parse_data", {}).get("intent", {}).get("name"),
                    "d": json.dumps(event),
                },
            )
    tracker.close()
    app = create_app(settings, catalog=catalog, worker=False)
    with serve(app) as url:
        yield {"url": url, "settings": settings, "catalog": catalog}
    catalog.close()


def http_get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


def http_post(url: str, **kwargs) -> requests.Response:
    return requests.post(url, timeout=10, **kwargs)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(site, name: str = "adv", password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login")
    response = session.post(
        site["url"] + "/adviseur/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return session


def test_unauthenticated_requests_go_to_the_login_page(site) -> None:
    url = site["url"]
    for path in ("/adviseur/wachtrij", "/adviseur/gesprekken?zoek=x", "/adviseur/statistiek"):
        response = http_get(url + path, allow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/adviseur/login?next=")
    assert http_get(url + "/adviseur/api/wachtrij").status_code == 401
    response = http_post(url + "/adviseur/verzoek/1/oppakken", allow_redirects=False)
    assert response.status_code == 303 and "/adviseur/login" in response.headers["location"]
    assert http_get(url + "/adviseur", allow_redirects=True).url.endswith(
        "/adviseur/login?next=%2Fadviseur%2Fwachtrij"
    )


def test_login_sets_a_strict_httponly_cookie_for_the_console_only(site) -> None:
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login")
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    response = session.post(
        site["url"] + "/adviseur/login",
        data={"name": "adv", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/adviseur" in cookie
    assert "max-age=43200" in cookie
    assert response.headers["location"] == "/adviseur/wachtrij"
    assert "Anna (adviseur)" in session.get(site["url"] + "/adviseur/wachtrij").text
    # The chat page never gets a console cookie.
    assert "set-cookie" not in http_get(site["url"] + "/").headers


def test_wrong_password_and_open_redirects(site) -> None:
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login?next=//evil.example/x")
    assert 'value="/adviseur/wachtrij"' in page.text
    response = session.post(
        site["url"] + "/adviseur/login",
        data={"name": "adv", "password": "fout", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 401 and "klopt niet" in response.text
    response = session.post(
        site["url"] + "/adviseur/login",
        data={
            "name": "adv",
            "password": PASSWORD,
            "csrf_token": csrf_of(response.text),
            "next": "https://evil.example/",
        },
        allow_redirects=False,
    )
    assert response.headers["location"] == "/adviseur/wachtrij"


def test_login_without_csrf_token_is_refused(site) -> None:
    response = http_post(
        site["url"] + "/adviseur/login", data={"name": "adv", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_every_post_needs_the_csrf_token(site) -> None:
    session = login(site)
    url = site["url"]
    for path in (
        "/adviseur/uitloggen",
        "/adviseur/gesprekken/xss-conv/notitie",
        "/adviseur/gesprekken/xss-conv/label",
        "/adviseur/export",
        "/adviseur/verzoek/1/oppakken",
    ):
        response = session.post(url + path, data={"tekst": "x", "label": "x", "ids": "xss-conv"})
        assert response.status_code == 403, path
        wrong = session.post(url + path, data={"csrf_token": "wrong", "label": "x"})
        assert wrong.status_code == 403, path
    response = session.post(url + "/adviseur/api/verzoek/1/bericht", json={"text": "hoi"})
    assert response.status_code == 403
    # Still logged in: a refused post changes nothing.
    assert session.get(url + "/adviseur/wachtrij").status_code == 200


def test_roles_only_a_beheerder_deletes_and_manages_accounts(site) -> None:
    url = site["url"]
    adviser = login(site)
    page = adviser.get(url + "/adviseur/gesprekken/xss-conv")
    assert "Verwijder gesprek" not in page.text
    response = adviser.post(
        url + "/adviseur/gesprekken/xss-conv/verwijderen",
        data={"csrf_token": csrf_of(page.text), "zeker": "ja"},
    )
    assert response.status_code == 403
    assert adviser.get(url + "/adviseur/accounts").status_code == 403
    assert adviser.get(url + "/adviseur/auditlog").status_code == 403
    admin = login(site, "admin")
    page = admin.get(url + "/adviseur/accounts")
    assert page.status_code == 200
    response = admin.post(
        url + "/adviseur/accounts",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "nieuw",
            "display_name": "Nina",
            "role": "adviseur",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "Account nieuw is gemaakt" in response.text
    assert "Nina" in response.text


def test_person_text_is_shown_as_text_and_viewing_is_audited(site) -> None:
    session = login(site)
    page = session.get(site["url"] + "/adviseur/gesprekken/xss-conv?details=1")
    assert page.status_code == 200
    assert XSS not in page.text
    assert "&lt;img src=x onerror=&#34;document.title=1&#34;&gt;" in page.text
    listing = session.get(site["url"] + "/adviseur/gesprekken?zoek=onerror")
    assert "xss-conv" in listing.text
    entries = AuditLog(site["catalog"].sessions).entries(conversation_id="xss-conv")
    assert any(e.action == "view" and e.advisor_name == "adv" for e in entries)


def test_export_csv_and_json_with_audit(site) -> None:
    session = login(site)
    page = session.get(site["url"] + "/adviseur/gesprekken")
    token = csrf_of(page.text)
    response = session.post(
        site["url"] + "/adviseur/export",
        data={"csrf_token": token, "ids": "xss-conv", "formaat": "csv"},
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert XSS.replace('"', '""') in response.content.decode("utf-8-sig")
    response = session.post(
        site["url"] + "/adviseur/export",
        data={"csrf_token": token, "ids": "xss-conv", "formaat": "json"},
    )
    assert response.json()["conversations"][0]["turns"][0]["text"] == XSS
    exports = [
        e for e in AuditLog(site["catalog"].sessions).entries(conversation_id="xss-conv")
        if e.action == "export"
    ]  # fmt: skip
    assert {e.detail for e in exports} >= {"csv", "json"}


def forged_cookie(settings, **session) -> str:
    signer = TimestampSigner(security.session_key(settings.secret_key))
    data = base64.b64encode(json.dumps(session).encode())
    return signer.sign(data).decode()


def test_idle_sessions_end(site) -> None:
    advisor = Accounts(site["catalog"].sessions).all()[0]
    now = int(time.time())
    old = forged_cookie(
        site["settings"],
        advisor=advisor.id,
        epoch=advisor.session_epoch,
        login_at=now - 7200,
        seen=now - 3600,
        csrf="x",
    )
    response = http_get(
        site["url"] + "/adviseur/wachtrij",
        cookies={security.COOKIE: old},
        allow_redirects=False,
    )
    assert response.status_code == 303
    fresh = forged_cookie(
        site["settings"],
        advisor=advisor.id,
        epoch=advisor.session_epoch,
        login_at=now,
        seen=now,
        csrf="x",
    )
    response = http_get(
        site["url"] + "/adviseur/wachtrij", cookies={security.COOKIE: fresh}, allow_redirects=False
    )
    assert response.status_code == 200
    # A cookie signed with another key is nobody's session.
    other = make_settings(Path("/tmp"), OVERSTAP_SECRET_KEY="another key")
    response = http_get(
        site["url"] + "/adviseur/wachtrij",
        cookies={security.COOKIE: forged_cookie(other, advisor=advisor.id, epoch=0, seen=now)},
        allow_redirects=False,
    )
    assert response.status_code == 303


def test_too_many_wrong_passwords_block_the_account(site) -> None:
    Accounts(site["catalog"].sessions).create("target", PASSWORD)
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login")
    for _ in range(5):
        page = session.post(
            site["url"] + "/adviseur/login",
            data={"name": "target", "password": "fout", "csrf_token": csrf_of(page.text)},
        )
        assert page.status_code == 401
    page = session.post(
        site["url"] + "/adviseur/login",
        data={"name": "target", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert page.status_code == 429 and "Te veel pogingen" in page.text


def test_failed_logins_are_audited_without_what_was_typed(site) -> None:
    session = requests.Session()
    page = session.get(site["url"] + "/adviseur/login", timeout=10)
    session.post(
        site["url"] + "/adviseur/login",
        data={"name": "mijn-geheime-wachtwoord", "password": "x", "csrf_token": csrf_of(page.text)},
        timeout=10,
    )
    names = [e.advisor_name for e in AuditLog(site["catalog"].sessions).entries() if e.action == "login_failed"]  # fmt: skip
    assert "mijn-geheime-wachtwoord" not in names and "?" in names
    assert "adv" in names  # the wrong password for a real account, earlier in this module


def test_the_statistics_page_shows_every_plot_as_a_png(site) -> None:
    session = login(site)
    page = session.get(site["url"] + "/adviseur/statistiek", timeout=10)
    assert page.status_code == 200
    plots = re.findall(r'<img src="(/adviseur/statistiek/[a-z-]+\.png)"', page.text)
    assert len(plots) == 4  # per day, handoff and fallback rate, intents, misunderstood
    for path in plots:
        response = session.get(site["url"] + path, timeout=30)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert session.get(site["url"] + "/adviseur/statistiek/onbekend.png").status_code == 404
    response = http_get(site["url"] + plots[0], allow_redirects=False)
    assert response.status_code in (303, 401)  # not without logging in


def test_an_adviser_keeps_a_conversation_longer_with_a_reason(site) -> None:
    url = site["url"]
    session = login(site)
    page = session.get(url + "/adviseur/gesprekken/xss-conv")
    assert "dagen na het laatste bericht overal verwijderd" in page.text
    response = session.post(
        url + "/adviseur/gesprekken/xss-conv/bewaren",
        data={"csrf_token": csrf_of(page.text), "dagen": "30", "reden": "  "},
    )
    assert "Schrijf op waarom" in response.text
    response = session.post(
        url + "/adviseur/gesprekken/xss-conv/bewaren",
        data={"csrf_token": csrf_of(page.text), "dagen": "30", "reden": "klacht loopt"},
    )
    assert "blijft bewaard tot" in response.text and "klacht loopt" in response.text
    entries = AuditLog(site["catalog"].sessions).entries(conversation_id="xss-conv")
    kept = [e for e in entries if e.action == "retain"]
    assert kept and kept[0].detail.startswith("tot ") and "klacht" not in kept[0].detail
    assert session.post(
        url + "/adviseur/gesprekken/xss-conv/bewaren", data={"dagen": "30", "reden": "x"}
    ).status_code in (400, 403)


def test_the_widgets_erase_needs_the_signed_session_and_erases_on_the_server(site) -> None:
    from bot.channels.session import sign_session

    url = site["url"]
    settings = site["settings"]
    cid = "a" * 32
    tracker = Database(settings, settings.tracker_url)
    with tracker.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data)"
                " VALUES (:s, 'user', :ts, :d)"
            ),
            {"s": cid, "ts": time.time(), "d": json.dumps({"event": "user", "text": "hoi"})},
        )
    assert http_post(url + "/api/erase").status_code == 401
    forged = {"Authorization": f"Bearer {cid}.{'0' * 32}"}
    assert http_post(url + "/api/erase", headers=forged).status_code == 401
    token = sign_session(cid, settings.with_secrets().secret_key)
    response = http_post(url + "/api/erase", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json() == {"erased": True}
    with tracker.engine.connect() as conn:
        left = conn.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": cid})
        assert left.scalar_one() == 0
    tracker.close()
    entries = AuditLog(site["catalog"].sessions).entries(20)
    erased = [e for e in entries if e.action == "erase_self"]
    assert erased and erased[0].conversation_id is None
    assert erased[0].detail == "kanaal=widget, rijen=1"
