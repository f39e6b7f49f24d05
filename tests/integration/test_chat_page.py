"""The project's chat page (the widget filling the page) in Debian's chromium, driven by
Playwright, against the running stack."""

from __future__ import annotations

import re

import pytest

from bot.web.texts import load_texts

# The widget's own texts (bot/web/texts.yml), as the browser shows them.
T = load_texts()

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def bot_text(page) -> str:
    return "\n".join(page.locator(".msg--bot .msg__body").all_inner_texts())


def click(page, title: str) -> None:
    page.locator(".choices").last.get_by_role("button", name=title, exact=True).click()


def test_whole_conversation_in_the_browser(stack, browser) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stack.web_url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.wait_for_selector(".choices", timeout=20000)
    assert "computerprogramma" in bot_text(page)

    click(page, "Ja, we beginnen")
    page.wait_for_selector("text=Wat doe je nu?")
    click(page, "In loondienst")
    page.wait_for_selector("text=In welk werk")
    page.get_by_label(T["message_label"]).fill("ik ben lasser")
    page.get_by_role("button", name=T["send"]).click()
    page.wait_for_selector("text=hoogste diploma")
    click(page, "Mbo 4 of havo")  # up to mbo 3 the shipped hbo and wo do not fit
    page.wait_for_selector("text=Hoe oud ben je")
    click(page, "45 tot 57")
    page.wait_for_selector("text=Waar woon je")
    page.get_by_label(T["message_label"]).fill("Eindhoven")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Wat wil je het liefst")
    click(page, "Beter in mijn werk")
    page.wait_for_selector("text=Wat wil je nu doen?", timeout=20000)

    text = bot_text(page)
    assert "Dit weet ik nu van je" in text
    assert "Lasser" in text and "Eindhoven" in text
    assert len(re.findall("Waarom:", text)) >= 3
    assert "Bron: DUO" in text and "Prijs: staat niet in de lijst" in text
    # Each result has its link, or says plainly that DUO's register gives none (Fontys, for one,
    # lists no websites there).
    links = page.locator(".msg--bot a")
    assert links.count() + text.count("De website staat niet in de lijst") >= 3
    assert all(h.startswith("https://") for h in links.evaluate_all("els => els.map(e => e.href)"))
    assert "example" not in " ".join(links.evaluate_all("els => els.map(e => e.href)"))
    assert page.locator(".msg--bot strong").count() >= 3  # course titles in bold, rendered safely

    # Each course result with a website is a card with its link as a block of its own.
    cards = page.locator(".msg--card")
    for i in range(min(3, cards.count())):
        link = cards.nth(i).locator(".msg__action a")
        assert link.inner_text().startswith((T["more_info"], "Website van de school"))
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("rel") == "noopener noreferrer"

    # The conversation lives in sessionStorage: a reload keeps the same session token and
    # shows the conversation again, read back from the server.
    token = page.evaluate("sessionStorage.getItem('overstap.session')")
    assert token and "." in token
    count = page.locator(".msg").count()
    page.reload()
    page.wait_for_selector("text=Wat wil je nu doen?", timeout=20000)
    assert page.evaluate("sessionStorage.getItem('overstap.session')") == token
    assert page.locator(".msg").count() == count
    assert page.locator(".msg--card").count() == cards.count()
    user_text = "\n".join(page.locator(".msg--user").all_inner_texts())
    assert "ik ben lasser" in user_text and "In loondienst" in user_text
    assert "/inform" not in user_text and "/greet" not in user_text
    assert not errors, errors
    context.close()


def test_message_text_is_never_rendered_as_html(stack, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(stack.web_url + "/")
    page.wait_for_selector(".choices", timeout=20000)
    payload = '<img src=x onerror="window.__xss=1"><b>vet</b>'
    page.get_by_label(T["message_label"]).fill(payload)
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg--user")
    assert page.locator(".msg--user .msg__body").last.inner_text() == payload
    assert page.locator(".msg--user img").count() == 0
    assert page.evaluate("window.__xss === undefined")
    context.close()
