"""The chat page in Debian's chromium, driven by Playwright, against the running stack."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def bot_text(page) -> str:
    return "\n".join(page.locator(".msg--bot").all_inner_texts())


def click(page, title: str) -> None:
    page.locator(".buttons").last.get_by_role("button", name=title, exact=True).click()


def test_whole_conversation_in_the_browser(stack, browser) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stack.web_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.wait_for_selector("text=computerprogramma", timeout=20000)

    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")
    click(page, "In loondienst")
    page.wait_for_selector("text=In welk werk")
    page.get_by_label("Jouw bericht").fill("ik ben lasser")
    page.get_by_role("button", name="Stuur").click()
    page.wait_for_selector("text=hoogste diploma")
    click(page, "Mbo 2")
    page.wait_for_selector("text=Hoe oud ben je")
    click(page, "45 tot 57")
    page.wait_for_selector("text=Waar woon je")
    page.get_by_label("Jouw bericht").fill("Eindhoven")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Wat wil je het liefst")
    click(page, "Beter in mijn werk")
    page.wait_for_selector("text=Wat wil je nu doen?", timeout=20000)

    text = bot_text(page)
    assert "Dit weet ik nu van je" in text
    assert "Lasser" in text and "Eindhoven" in text
    assert len(re.findall("Waarom:", text)) >= 3
    links = page.locator(".msg--bot a")
    assert links.count() >= 3
    assert all(h.startswith("https://") for h in links.evaluate_all("els => els.map(e => e.href)"))
    assert page.locator(".msg--bot strong").count() >= 3  # course titles in bold, rendered safely

    # The conversation lives in sessionStorage: a reload keeps the same session token.
    token = page.evaluate("sessionStorage.getItem('overstap.session')")
    assert token and "." in token
    page.reload()
    page.wait_for_function("sessionStorage.getItem('overstap.session') !== null")
    assert page.evaluate("sessionStorage.getItem('overstap.session')") == token
    assert not errors, errors


def test_message_text_is_never_rendered_as_html(stack, browser) -> None:
    page = browser.new_page()
    page.goto(stack.web_url + "/")
    page.wait_for_selector("text=computerprogramma", timeout=20000)
    payload = '<img src=x onerror="window.__xss=1"><b>vet</b>'
    page.get_by_label("Jouw bericht").fill(payload)
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg--user")
    assert page.locator(".msg--user .msg__body").last.inner_text() == payload
    assert page.locator(".msg--user img").count() == 0
    assert page.evaluate("window.__xss === undefined")
