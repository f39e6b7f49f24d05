"""/widget.js over real HTTP: assembled once, sent with Cache-Control and an ETag, 304 when the
browser already has it, and built again when a source file or its texts change."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import uvicorn

from bot.settings import Settings
from bot.web import app as web_app
from bot.web.app import create_app, etag_matches


class WebServer:
    """The web app under uvicorn on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> WebServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Small stand-ins for the socket.io client and static/widget.js, which the test edits, and
    a copy of the widget's texts."""
    client = tmp_path / "socket.io.min.js"
    client.write_text("var io = 1;\n//# sourceMappingURL=socket.io.min.js.map\n")
    source = tmp_path / "widget.js"
    source.write_text("console.log('widget v1');\n")
    texts = tmp_path / "texts.yml"
    shutil.copy(web_app.WIDGET_TEXTS, texts)
    monkeypatch.setattr(web_app, "SOCKET_IO_CLIENT", client)
    monkeypatch.setattr(web_app, "WIDGET_SOURCE", source)
    monkeypatch.setattr(web_app, "WIDGET_TEXTS", texts)
    return client, source


@pytest.fixture
def server(settings: Settings, sources: tuple[Path, Path]) -> Iterator[WebServer]:
    with WebServer(create_app(settings.with_secrets())) as running:
        yield running


def test_the_script_comes_with_cache_control_and_an_etag(server: WebServer) -> None:
    response = requests.get(server.url + "/widget.js", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert "widget v1" in response.text and "sourceMappingURL" not in response.text
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10


def test_a_browser_that_has_it_gets_304_without_a_body(server: WebServer) -> None:
    etag = requests.get(server.url + "/widget.js", timeout=5).headers["etag"]
    for header in (etag, f"W/{etag}", f'"something-else", {etag}', "*"):
        again = requests.get(
            server.url + "/widget.js", headers={"If-None-Match": header}, timeout=5
        )
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, max-age=300"
    other = requests.get(server.url + "/widget.js", headers={"If-None-Match": '"old"'}, timeout=5)
    assert other.status_code == 200 and "widget v1" in other.text


def test_it_is_assembled_once_and_again_after_a_change(
    server: WebServer, sources: tuple[Path, Path]
) -> None:
    bundle = server.app.state.widget
    first = [requests.get(server.url + "/widget.js", timeout=5) for _ in range(5)]
    assert bundle.builds == 1
    assert len({r.headers["etag"] for r in first}) == 1

    _, source = sources
    source.write_text("console.log('widget v2, changed');\n")
    later = source.stat().st_mtime + 5  # a clearly newer mtime, whatever the file system's clock
    os.utime(source, (later, later))
    changed = requests.get(
        server.url + "/widget.js", headers={"If-None-Match": first[0].headers["etag"]}, timeout=5
    )
    assert changed.status_code == 200 and "widget v2" in changed.text
    assert changed.headers["etag"] != first[0].headers["etag"]
    assert bundle.builds == 2


def test_a_changed_text_reaches_the_browser_with_a_new_etag(
    server: WebServer, tmp_path: Path
) -> None:
    first = requests.get(server.url + "/widget.js", timeout=5)
    assert '"launcher": "Stel je vraag"' in first.text
    texts = tmp_path / "texts.yml"
    texts.write_text(texts.read_text().replace("Stel je vraag", "Vraag het ons"))
    later = texts.stat().st_mtime + 5
    os.utime(texts, (later, later))
    changed = requests.get(
        server.url + "/widget.js", headers={"If-None-Match": first.headers["etag"]}, timeout=5
    )
    assert changed.status_code == 200 and '"launcher": "Vraag het ons"' in changed.text
    assert changed.headers["etag"] != first.headers["etag"]
    assert server.app.state.widget.builds == 2


def test_without_npm_packages_it_says_so(server: WebServer, sources: tuple[Path, Path]) -> None:
    client, _ = sources
    client.unlink()
    response = requests.get(server.url + "/widget.js", timeout=5)
    assert response.status_code == 503
    assert "npm ci" in response.json()["error"]


@pytest.mark.parametrize(
    ("header", "matches"),
    [('"a"', True), ('W/"a"', True), ('"b", "a"', True), ("*", True), ('"b"', False), ("", False)],
)
def test_if_none_match_compares_weakly(header: str, matches: bool) -> None:
    assert etag_matches(header, '"a"') is matches
