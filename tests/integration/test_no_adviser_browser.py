"""No dead ends, in Debian's chromium through Playwright: when no adviser takes the chat in time,
or nobody works now, the chat page says so plainly and offers a call-back (consent first, then
phone or e-mail), and the call-back shows up in the console's list for the advisers.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.web.texts import load_texts

# The widget's own texts (bot/web/texts.yml), as the browser shows them.
T = load_texts()

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


def open_chat(browser, stack):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(stack.web_url + "/")
    page.wait_for_selector("text=computerprogramma", timeout=30000)
    return page


def say(chat, text: str) -> None:
    chat.get_by_label(T["message_label"]).fill(text)
    chat.keyboard.press("Enter")


def click(chat, title: str) -> None:
    chat.locator(".choices").last.get_by_role("button", name=title, exact=True).click()


def ask_for_human(chat, question: str) -> None:
    bot_before = chat.locator(".msg--bot").count()
    say(chat, question)
    chat.locator(".msg--bot").nth(bot_before).wait_for(timeout=30000)
    chat.get_by_role("group", name=T["help_label"]).get_by_role(
        "button", name=T["request_human"]
    ).click()


def log_in(browser, stack, name: str, password: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(stack.web_url + "/adviseur/login")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/adviseur/wachtrij$"))
    return page


def queue_shows(adviser, text: str) -> bool:
    """Whether the live queue, once it has loaded, has a waiting request with this text."""
    adviser.wait_for_selector("#updated:has-text('Bijgewerkt')", timeout=10000)
    return adviser.locator("#open .card").filter(has_text=text).count() > 0


def callback_row(adviser, text: str):
    adviser.get_by_role("link", name="Terugbellen").click()
    adviser.wait_for_url(re.compile(r"/adviseur/terugbellen$"))
    return adviser.locator("tbody tr").filter(has_text=text)


def test_nobody_takes_it_in_time_then_a_call_back_with_consent(browser, stack) -> None:
    password = stack.create_advisor("dewi", "adviseur", "Dewi")
    chat = open_chat(browser, stack)
    question = "kan iemand met mij naar mijn cv kijken"
    ask_for_human(chat, question)
    chat.wait_for_selector("text=Ik zoek een adviseur voor je", timeout=30000)
    conversation_id = chat.evaluate("sessionStorage.getItem('overstap.session')").split(".")[0]

    # Nobody takes it: the request is made older than the wait, the real worker expires it.
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    with db:
        updated = db.execute(
            "UPDATE handoff_requests SET created_at = datetime('now', '-1 hour')"
            " WHERE conversation_id = ? AND status = 'open'",
            (conversation_id,),
        ).rowcount
    db.close()
    assert updated == 1

    # The worker looks every 15 seconds; the person hears it plainly, then the consent question.
    chat.wait_for_selector("text=Er is nu geen adviseur vrij", timeout=60000)
    chat.wait_for_selector("text=Wil je dat een adviseur contact met je opneemt", timeout=30000)
    offer = chat.locator(".msg--bot").last.inner_text()
    assert "telefoonnummer" in offer and "hoeft niet" in offer  # consent, nothing asked yet
    assert chat.locator(".msg--bot", has_text="Wat is je telefoonnummer").count() == 0
    # Nothing is told off before the first question (the form starts after a reset).
    assert chat.locator(".msg--bot", has_text="Dat snap ik niet").count() == 0
    assert chat.locator(".msg--bot", has_text="lijkt geen").count() == 0

    click(chat, "Ja, graag")
    chat.wait_for_selector("text=Hoe wil je contact", timeout=30000)
    click(chat, "Bel mij")
    chat.wait_for_selector("text=Wat is je telefoonnummer", timeout=30000)
    say(chat, "06 12345678")
    chat.wait_for_selector("text=Een adviseur neemt contact met je op", timeout=30000)

    dewi = log_in(browser, stack, "dewi", password)
    # The expired request left the queue; the call-back is in the list with the number.
    assert not queue_shows(dewi, question)
    row = callback_row(dewi, question)
    row.wait_for(timeout=10000)
    assert "0612345678" in row.inner_text() and "Bellen" in row.inner_text()
    dewi.context.close()
    chat.close()


def test_outside_office_hours_the_bot_says_when_and_offers_a_call_back(
    browser, closed_stack
) -> None:
    password = closed_stack.create_advisor("emre", "adviseur", "Emre")
    chat = open_chat(browser, closed_stack)
    question = "mag ik een opleiding volgen naast mijn werk"
    ask_for_human(chat, question)

    # Straight away: nobody works now, when they do, and the call-back question with consent.
    chat.wait_for_selector("text=Er is nu geen adviseur", timeout=30000)
    hours = chat.locator(".msg--bot", has_text="Adviseurs werken").last.inner_text()
    assert re.search(r"op \w+dag, van 9:00 tot 17:00 uur", hours), hours
    chat.wait_for_selector("text=Wil je dat een adviseur contact met je opneemt", timeout=30000)
    assert chat.locator("text=Ik zoek een adviseur voor je").count() == 0
    # Nothing is told off before the first question (the form starts after a reset).
    assert chat.locator(".msg--bot", has_text="Dat snap ik niet").count() == 0
    assert chat.locator(".msg--bot", has_text="lijkt geen").count() == 0

    click(chat, "Ja, graag")
    chat.wait_for_selector("text=Hoe wil je contact", timeout=30000)
    click(chat, "Mail mij")
    chat.wait_for_selector("text=Wat is je e-mailadres", timeout=30000)
    say(chat, "fatima.bakker")  # not a whole address: asked again
    chat.wait_for_selector("text=Dat lijkt geen e-mailadres", timeout=30000)
    say(chat, "Fatima.Bakker@example.nl")
    chat.wait_for_selector("text=Een adviseur neemt contact met je op", timeout=30000)

    emre = log_in(browser, closed_stack, "emre", password)
    assert not queue_shows(emre, question)
    row = callback_row(emre, question)
    row.wait_for(timeout=10000)
    assert "fatima.bakker@example.nl" in row.inner_text() and "Mailen" in row.inner_text()
    emre.context.close()
    chat.close()


def test_make_run_says_the_office_is_closed(closed_stack) -> None:
    output = closed_stack.output.read_text(errors="replace")
    hours = closed_stack.env["OVERSTAP_OFFICE_HOURS"]
    assert f"Kantooruren:    {hours} (nu dicht: de bot biedt terugbellen aan" in output
