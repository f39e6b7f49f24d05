"""The embeddable chat widget in Debian's chromium (Playwright), against the running stack:
on the demo page, on another site, on a phone and at 200% zoom, by keyboard, after a network
drop, with an adviser's messages, with hostile messages, and under axe-core."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.web.texts import load_texts

# The widget's own texts (bot/web/texts.yml), as the browser shows them.
T = load_texts()
CLOSE = f"{T['close']} {T['close_hidden']}"

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
SHADOW = "document.querySelector('overstap-chat').shadowRoot"


def open_widget(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=T["launcher"]).click()
    page.wait_for_selector(".choices", timeout=30000)  # Rasa's greeting with its buttons


def click(page, title: str) -> None:
    page.locator(".choices").last.get_by_role("button", name=title, exact=True).click()


def say(page, text: str) -> None:
    page.get_by_label(T["message_label"]).fill(text)
    page.keyboard.press("Enter")


def session_token(page) -> str:
    return page.evaluate("sessionStorage.getItem('overstap.session')")


def active_element(page) -> dict:
    return page.evaluate(
        f"""() => {{
        const el = {SHADOW}.activeElement || document.activeElement;
        const style = getComputedStyle(el);
        return {{id: el.id, text: el.textContent.trim(), cls: el.className,
                 outline: style.outlineStyle, width: style.outlineWidth}};
    }}"""
    )


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
        const r = await axe.run(document);
        const shadowChecked = r.passes.some(rule => rule.nodes.some(n => Array.isArray(n.target[0])));
        return {shadowChecked, violations: r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => JSON.stringify(n.target) + ' ' + n.failureSummary)}))};
    }"""
    )
    assert result["shadowChecked"], "axe did not look inside the widget's shadow root"
    return result["violations"]


@pytest.fixture(scope="module")
def site(stack) -> Iterator[str]:
    """Another web site (another origin) that embeds the widget with one script tag, and whose
    CSS is as hostile to it as a site's CSS can be without aiming at it."""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Another site</title><link rel="stylesheet" href="/site.css"></head>
<body><h1>Some site</h1><p>Text of the site.</p>
<script src="{stack.web_url}/widget.js" data-server="{stack.web_url}" data-title="Hulp bij werk"
  data-color="#ffd700" data-greeting="Welkom op onze site." defer></script>
</body></html>"""
    css = """html { font-size: 62.5%; }
body { font: 1.4rem/1 Georgia, serif; color: red; text-transform: uppercase; letter-spacing: .3em; }
button, input { background: red; color: yellow; border-radius: 0; padding: 0; font-size: 8px; }
div, p, section, form { margin: 3em; padding: 2em; display: block; }"""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body, kind = (css, "text/css") if self.path == "/site.css" else (page, "text/html")
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    address = urlparse(stack.site_url)
    server = ThreadingHTTPServer((address.hostname, address.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stack.site_url + "/"
    server.shutdown()
    server.server_close()


def test_one_script_tag_embeds_the_widget_on_another_site(stack, browser, site) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_widget(page, site)
    widget = page.locator("overstap-chat")
    assert widget.get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Hulp bij werk").is_visible()
    assert "Welkom op onze site." in page.locator(".msg--bot").first.inner_text()
    assert page.evaluate("typeof window.io") == "undefined"  # the socket.io client stays inside

    # The site's CSS does not reach the widget; a light brand colour gets dark text.
    send = page.get_by_role("button", name=T["send"])
    style = send.evaluate(
        "el => { const s = getComputedStyle(el); return [s.textTransform, s.letterSpacing,"
        " s.fontFamily, s.backgroundColor, s.color, s.fontSize]; }"
    )
    assert style[0] == "none" and style[1] == "normal" and "Georgia" not in style[2]
    assert style[3] == "rgb(255, 215, 0)" and style[4] == "rgb(26, 26, 26)"
    assert float(style[5].removesuffix("px")) >= 16

    say(page, "Ik zoek een opleiding")
    page.wait_for_selector(".msg--user")
    page.locator(".msg--bot").nth(2).wait_for(timeout=30000)

    # The history comes back across origins after a reload.
    count = page.locator(".msg").count()
    page.reload()
    page.locator(".msg").nth(count - 1).wait_for(timeout=30000)
    assert page.locator(".msg").count() == count
    assert page.locator(".msg--user").first.inner_text().endswith("Ik zoek een opleiding")
    assert not errors, errors
    context.close()


def test_keyboard_opens_and_closes_and_focus_comes_back(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(stack.web_url + "/demo")
    launcher = page.get_by_role("button", name=T["launcher"])
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".choices", timeout=30000)
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("dialog", name="Vraag het Overstap").is_visible()
    assert active_element(page)["id"] == "message"  # the labelled input has focus

    # Tab order after the input, each stop with a visible focus outline.
    for expected in (T["send"], T["request_human"], T["reading_trouble"], T["clear"]):
        page.keyboard.press("Tab")
        focused = active_element(page)
        assert focused["text"] == expected
        assert focused["outline"] == "solid" and focused["width"] == "3px"

    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert "launcher" in active_element(page)["cls"]
    assert launcher.get_attribute("aria-expanded") == "false"

    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "message"
    page.get_by_role("button", name=CLOSE).focus()
    page.keyboard.press("Enter")
    assert "launcher" in active_element(page)["cls"]
    context.close()


def test_help_buttons_are_always_in_reach(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    # The greeting offers an adviser too; the footer has that button, so it shows once.
    assert page.get_by_role("button", name=T["request_human"], exact=True).count() == 1
    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")

    # "Ik snap het niet" takes the reading-help path: shorter words, and the same question
    # again (it does not answer the question with "I don't know").
    footer = page.get_by_role("group", name=T["help_label"])
    footer.get_by_role("button", name=T["reading_trouble"]).click()
    page.locator(".msg--user").nth(1).wait_for()
    assert page.locator(".msg--user").last.inner_text().endswith(T["reading_trouble"])
    page.wait_for_selector("text=Ik zeg het korter", timeout=30000)
    page.locator(".msg--bot", has_text="Wat doe je nu?").nth(1).wait_for(timeout=30000)
    page.wait_for_timeout(1000)  # nothing comes after the question asked again
    assert "Wat doe je nu?" in page.locator(".msg--bot").last.inner_text()

    # The second time, it offers a person. Its "Ja, graag" sends the footer button's payload
    # under another title: it answers the question, so it is shown.
    footer.get_by_role("button", name=T["reading_trouble"]).click()
    page.wait_for_selector("text=Zal ik een mens voor je vragen", timeout=30000)
    # The offer's own buttons: the form may ask its question again right after it (the rule
    # "reading trouble in the middle of the questions"), so the offer is not always the last.
    offer = page.locator(
        ".choices", has=page.get_by_role("button", name="Nee, ga verder", exact=True)
    ).last
    assert offer.get_by_role("button", name="Ja, graag", exact=True).count() == 1

    footer.get_by_role("button", name=T["request_human"]).click()
    page.wait_for_selector("text=Ik zoek een adviseur voor je", timeout=30000)
    assert page.locator(".msg--user").last.inner_text().endswith(T["request_human"])

    # Only a button that is the footer's (title and payload) is left out of a bot's choices.
    stack.append_events(
        session_token(page).split(".")[0],
        [
            {
                "event": "bot",
                "text": "Kies maar.",
                "data": {
                    "buttons": [
                        {"title": T["request_human"], "payload": "/request_human"},
                        {"title": T["request_human"], "payload": "/start_profile"},
                        {"title": "Nee", "payload": "/deny"},
                    ]
                },
            }
        ],
    )
    page.wait_for_selector("text=Kies maar.", timeout=30000)
    choices = page.locator(".choices").last.get_by_role("button")
    assert choices.all_inner_texts() == [T["request_human"], "Nee"]  # /start_profile, /deny
    context.close()


def test_typing_indicator_shows_while_waiting(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    typing = page.locator(".typing")
    assert typing.is_hidden()
    page.evaluate(
        f"""() => {{
        window.__typingShown = false;
        const typing = {SHADOW}.querySelector('.typing');
        new MutationObserver(() => {{ if (!typing.hidden) window.__typingShown = true; }})
            .observe(typing, {{attributes: true, attributeFilter: ['hidden']}});
    }}"""
    )
    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?", timeout=30000)
    assert page.evaluate("window.__typingShown")
    assert typing.is_hidden()
    context.close()


def test_read_aloud_in_dutch_where_the_browser_can(stack, browser) -> None:
    context = browser.new_context()
    context.add_init_script(
        """window.__spoken = [];
        if (window.speechSynthesis) {
          const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
          window.speechSynthesis.speak = (u) => { window.__spoken.push({text: u.text, lang: u.lang}); speak(u); };
        }"""
    )
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    bot = page.locator(".msg--bot").nth(1)  # Rasa's greeting, after the site's own
    bot.get_by_role("button", name=T["read_aloud"]).click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and spoken[0]["lang"] == "nl-NL"
    assert spoken[0]["text"] == bot.locator(".msg__body").inner_text()
    assert "computerprogramma" in spoken[0]["text"]
    context.close()

    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(window, 'speechSynthesis', {value: undefined});"
        "window.SpeechSynthesisUtterance = undefined;"
    )
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    assert page.locator(".msg--bot").count() >= 2
    assert page.get_by_role("button", name=T["read_aloud"]).count() == 0
    context.close()


def test_session_lives_in_session_storage_and_can_be_wiped(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")
    token = session_token(page)
    assert token and page.evaluate("localStorage.length") == 0

    # Another tab is another conversation.
    other = context.new_page()
    open_widget(other, stack.web_url + "/demo")
    assert session_token(other) not in {None, token}
    other.close()

    page.get_by_role("button", name=T["clear"]).click()
    deadline = time.monotonic() + 30
    while session_token(page) in {None, token} and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # wait_for_function evaluates a string: the CSP forbids it
    assert session_token(page) not in {None, token}
    page.wait_for_selector(".choices", timeout=30000)  # a new greeting
    assert page.locator(".msg--user").count() == 0
    assert page.locator("text=Wat doe je nu?").count() == 0
    assert page.evaluate("localStorage.length") == 0
    page.reload()
    page.wait_for_selector(".choices", timeout=30000)
    assert page.locator("text=Wat doe je nu?").count() == 0  # the old conversation stays gone
    context.close()


def test_reconnects_after_a_network_drop(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    token = session_token(page)

    context.set_offline(True)
    page.wait_for_selector("text=Geen internet")
    click(page, "Ja, we beginnen")  # sent while offline: kept until the network is back
    page.wait_for_timeout(1000)
    assert page.locator("text=Wat doe je nu?").count() == 0
    context.set_offline(False)
    page.wait_for_selector("text=Wat doe je nu?", timeout=30000)

    click(page, "In loondienst")  # a message after reconnecting gets its answer
    page.wait_for_selector("text=In welk werk", timeout=30000)
    assert session_token(page) == token
    assert page.locator("text=Geen internet").count() == 0
    context.close()


def test_adviser_messages_are_marked_as_from_a_person(stack, browser) -> None:
    context = browser.new_context(bypass_csp=True)  # for axe's script tag
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    session_id = session_token(page).split(".")[0]
    stack.append_events(
        session_id,
        [
            {
                "event": "bot",
                "text": "Hoi, ik ben Sanne. Ik lees mee en help je verder.",
                "metadata": {"sender": "adviseur", "sender_name": "Sanne"},
            },
            {
                "event": "bot",
                "text": "Deze opleiding past misschien:",
                "data": {
                    "custom": {
                        "type": "course",
                        "title": "Lassen MIG/MAG",
                        "provider": "Techniekschool Zuid",
                        "url": "https://example.org/lassen",
                    }
                },
                "metadata": {"sender": "adviseur", "sender_name": "Sanne"},
            },
        ],
    )
    adviser = page.locator(".msg--adviser")
    adviser.nth(1).wait_for(timeout=30000)
    assert adviser.first.locator(".msg__who").inner_text() == T["adviser_named"].format(
        name="Sanne"
    )
    card = adviser.nth(1).locator(".card")
    assert card.locator(".card__title").inner_text() == "Lassen MIG/MAG"
    assert card.locator("a").get_attribute("href") == "https://example.org/lassen"
    assert page.locator(".msg--bot .msg__who").count() == 0  # the bot is never "a person"
    assert axe_violations(page) == []

    page.reload()
    page.wait_for_selector(".msg--adviser >> nth=1", timeout=30000)
    assert adviser.first.locator(".msg__who").inner_text() == T["adviser_named"].format(
        name="Sanne"
    )
    assert adviser.nth(1).locator(".card__title").inner_text() == "Lassen MIG/MAG"
    context.close()


def test_no_html_from_any_message_is_rendered(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    say(page, XSS)
    page.wait_for_selector(".msg--user")
    session_id = session_token(page).split(".")[0]
    bot_text = XSS + " [klik](javascript:window.__xss=3) **vet**"
    stack.append_events(
        session_id,
        [
            {"event": "bot", "text": bot_text},
            {
                "event": "bot",
                "text": XSS,
                "metadata": {
                    "sender": "adviseur",
                    "sender_name": '<img src=x onerror="window.__xss=4">',
                },
            },
        ],
    )
    page.wait_for_selector(".msg--adviser", timeout=30000)

    def check() -> None:
        assert page.locator(".msg--user .msg__body").first.inner_text() == XSS
        bot = page.locator(".msg--bot .msg__body", has_text="[klik]").first
        assert bot.inner_text() == XSS + " [klik](javascript:window.__xss=3) vet"
        assert bot.locator("strong").inner_text() == "vet"  # markdown still works
        assert bot.locator("a").count() == 0
        adviser = page.locator(".msg--adviser")
        assert adviser.locator(".msg__body").inner_text() == XSS
        assert (
            adviser.locator(".msg__who")
            .inner_text()
            .startswith('<img src=x onerror="window.__xss=4">')
        )
        assert page.evaluate(f"{SHADOW}.querySelectorAll('img, script').length") == 0
        assert page.evaluate("window.__xss === undefined")

    check()
    page.reload()
    page.wait_for_selector(".msg--adviser", timeout=30000)
    check()
    context.close()


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(360, 740, 1), (640, 400, 2)],  # a phone; a 1280x800 screen at 200% zoom
    ids=["phone-360", "zoom-200"],
)
def test_usable_on_a_phone_and_at_200_percent_zoom(stack, browser, width, height, scale) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")
    layout = page.evaluate(
        f"""() => {{
        const shadow = {SHADOW};
        const panel = shadow.querySelector('.panel').getBoundingClientRect();
        const log = shadow.querySelector('.log');
        const parts = [...shadow.querySelectorAll('.panel *')]
            .filter(el => el.getClientRects().length && !el.closest('.visually-hidden'))
            .map(el => el.getBoundingClientRect());
        return {{
            pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
            panel: [panel.left, panel.top, panel.right, panel.bottom],
            logOverflow: log.scrollWidth - log.clientWidth,
            widest: Math.max(...parts.map(r => r.right)),
            leftmost: Math.min(...parts.map(r => r.left)),
        }};
    }}"""
    )
    assert layout["pageOverflow"] <= 0
    assert layout["panel"] == [0, 0, width, height]  # the panel fills the small screen
    assert layout["logOverflow"] <= 0
    assert layout["leftmost"] >= 0 and layout["widest"] <= width
    for name in (T["send"], T["request_human"], T["reading_trouble"], T["clear"], CLOSE):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
    say(page, "ik werk in de bouw")  # the input is usable too
    page.locator(".msg--user").nth(1).wait_for()
    context.close()


def test_axe_finds_no_violations(stack, browser) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script tag
    page = context.new_page()
    open_widget(page, stack.web_url + "/demo")
    assert axe_violations(page) == []
    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")
    assert axe_violations(page) == []

    page = context.new_page()
    page.goto(stack.web_url + "/")
    page.wait_for_selector(".choices", timeout=30000)
    assert axe_violations(page) == []
    context.close()
