"""The web app's security headers in Debian's chromium (Playwright), against the running stack:
the chat page, the widget on the demo page and the console work under the content security
policy without one violation, and only allowed origins may show the chat page in a frame;
the console nobody may."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
import requests

from bot.web.texts import load_texts

T = load_texts()
pytestmark = [pytest.mark.rasa, pytest.mark.browser]

# Every CSP violation the page sees, reported by the browser itself.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def watched_page(browser, **options):
    context = browser.new_context(**options)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and page.console_errors.append(msg.text),
    )
    return page


def violations(page) -> list[str]:
    found = list(page.evaluate("window.__csp || []"))
    found += [m for m in page.console_errors if "Content Security Policy" in m]
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FramingSite:
    """A site that shows the chat page and the console's login in iframes."""

    def __init__(self, host: str, port: int, web_url: str) -> None:
        self.url = f"http://{host}:{port}"
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Framing site</title></head><body>
<iframe name="chat" title="chat" src="{web_url}/" width="400" height="600"></iframe>
<iframe name="console" title="console" src="{web_url}/adviseur/login"></iframe>
</body></html>""".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def framing_sites(stack) -> Iterator[tuple[FramingSite, FramingSite]]:
    allowed = urlparse(stack.site_url)  # in the stack's OVERSTAP_ALLOWED_ORIGINS
    good = FramingSite(allowed.hostname, allowed.port, stack.web_url)
    bad = FramingSite("127.0.0.1", free_port(), stack.web_url)  # not in them
    yield good, bad
    good.close()
    bad.close()


def framed_title(page, name: str) -> str:
    """The title of the document in the iframe `name`, or "" when the browser refused to show
    it (Chromium then puts its own error page in the frame)."""
    page.wait_for_load_state("load")
    frame = page.frame(name=name)
    if frame is None or not frame.url.startswith("http"):  # replaced by an error page
        return ""
    try:
        return frame.title()
    except Exception:  # noqa: BLE001 - a refused frame has no document of ours
        return ""


def test_headers_on_pages_and_the_widget_script(stack) -> None:
    chat = requests.get(stack.web_url + "/", timeout=10)
    csp = chat.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert re.search(r"frame-ancestors 'self' [^;]*" + re.escape(stack.site_url), csp)
    assert "X-Frame-Options" not in chat.headers  # it cannot name several origins
    login = requests.get(stack.web_url + "/adviseur/login", timeout=10)
    assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
    assert login.headers["X-Frame-Options"] == "DENY"
    for answer in (chat, login):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in answer.headers["Permissions-Policy"]
    for shared in ("/widget.js", "/static/widget.css"):  # loaded by other sites
        answer = requests.get(stack.web_url + shared, timeout=10)
        assert answer.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert login.headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_conversation_on_the_chat_page_breaks_no_rule_of_the_policy(browser, stack) -> None:
    page = watched_page(browser, viewport={"width": 400, "height": 800})
    page.goto(stack.web_url + "/")
    page.wait_for_selector("text=computerprogramma", timeout=30000)
    page.get_by_label(T["message_label"]).fill("ik wil een opleiding zoeken")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Wat doe je nu", timeout=30000)
    assert violations(page) == []
    page.context.close()


def test_the_widget_on_the_demo_page_breaks_no_rule(browser, stack) -> None:
    page = watched_page(browser)
    page.goto(stack.web_url + "/demo")
    page.get_by_role("button", name=T["launcher"]).click()
    page.wait_for_selector(".choices", timeout=30000)
    assert violations(page) == []
    page.context.close()


def test_the_console_breaks_no_rule(browser, stack) -> None:
    password = stack.create_advisor("csp_anna")
    page = watched_page(browser)
    page.goto(stack.web_url + "/adviseur/login")
    page.get_by_label("Naam").fill("csp_anna")
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/adviseur/wachtrij$"))
    page.goto(stack.web_url + "/adviseur/gesprekken")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    page.context.close()


def test_only_allowed_origins_may_frame_the_chat_and_nobody_the_console(
    browser, framing_sites
) -> None:
    good, bad = framing_sites
    page = watched_page(browser)
    page.goto(good.url + "/")
    assert framed_title(page, "chat") == "Overstap - hulp bij leren en werk"
    assert framed_title(page, "console") == ""
    page.goto(bad.url + "/")
    assert framed_title(page, "chat") == ""
    assert framed_title(page, "console") == ""
    # The browser says why: the policy's frame-ancestors, not a network error.
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in page.console_errors)
    page.context.close()
