"""The advisor console and the chat page together, in Debian's chromium through Playwright.

A person asks for a human on the chat page; advisers log in, see it in the live queue, one
takes it over, they write to each other, and the advisor hands back to the bot.
"""

from __future__ import annotations

import re

import pytest

from bot.web.texts import load_texts

# The widget's own texts (bot/web/texts.yml), as the browser shows them.
T = load_texts()

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

XSS_IMG = 'Ik zoek werk in de zorg <img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>=1+1"


@pytest.fixture(scope="module")
def advisers(stack) -> dict[str, str]:
    return {
        "anna": stack.create_advisor("anna", "adviseur", "Anna"),
        "bram": stack.create_advisor("bram", "adviseur", "Bram"),
    }


def log_in(browser, stack, advisers, name: str):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stack.web_url + "/adviseur")
    page.wait_for_url(re.compile(r"/adviseur/login"))
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(advisers[name])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/adviseur/wachtrij$"))
    page.errors = errors
    return page


def open_chat(browser, stack):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(stack.web_url + "/")
    page.wait_for_selector("text=computerprogramma", timeout=30000)
    return page


def say(chat, text: str) -> None:
    chat.get_by_label(T["message_label"]).fill(text)
    chat.keyboard.press("Enter")


def ask_for_human(chat, question: str) -> None:
    """Ask a question, wait for the bot's answer, then press the footer's adviser button."""
    bot_before = chat.locator(".msg--bot").count()
    say(chat, question)
    chat.locator(".msg--bot").nth(bot_before).wait_for(timeout=30000)
    footer = chat.get_by_role("group", name=T["help_label"])
    footer.get_by_role("button", name=T["request_human"]).click()
    chat.wait_for_selector("text=Ik zoek een adviseur voor je", timeout=30000)


def card_with(page, text: str):
    """The queue card whose question is `text`, once the live queue shows it."""
    card = page.locator("#open .card").filter(has_text=text)
    card.wait_for(timeout=20000)
    return card


def test_unauthenticated_is_sent_to_login(browser, stack) -> None:
    page = browser.new_page()
    page.goto(stack.web_url + "/adviseur/gesprekken")
    assert "/adviseur/login" in page.url
    assert page.get_by_role("heading", name="Inloggen").is_visible()
    page.close()


def test_login_with_a_wrong_password(browser, stack, advisers) -> None:
    page = browser.new_page()
    page.goto(stack.web_url + "/adviseur/login")
    page.get_by_label("Naam").fill("anna")
    page.get_by_label("Wachtwoord").fill("niet het wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector("text=Naam of wachtwoord klopt niet")
    page.close()


def test_takeover_round_trip_and_hand_back(browser, stack, advisers) -> None:
    anna = log_in(browser, stack, advisers, "anna")
    chat = open_chat(browser, stack)
    # A question the bot understands, so the request reads "asked for a person" (a question it
    # did not understand, such as "mag ik mijn opleiding stoppen", reads "not understood").
    ask_for_human(chat, "hoe werkt het levenlanglerenkrediet")

    card = card_with(anna, "hoe werkt het levenlanglerenkrediet")
    assert "vroeg om een mens" in card.inner_text()
    card.get_by_role("button", name="Oppakken").click()
    anna.wait_for_url(re.compile(r"/adviseur/verzoek/\d+$"))
    anna.wait_for_selector("#turns .turn--person")

    # The person hears a human joined, by name.
    chat.wait_for_selector("text=Je praat nu met Anna", timeout=20000)

    anna.get_by_label("Jouw bericht aan de persoon").fill("Hoi! Ik ben Anna. Vertel het maar.")
    anna.get_by_role("button", name="Stuur").click()
    # The adviser's message reaches the chat marked as written by a person, by name.
    advisor_message = chat.locator(".msg--adviser").last
    advisor_message.wait_for(timeout=20000)
    assert (
        advisor_message.locator(".msg__body").inner_text() == "Hoi! Ik ben Anna. Vertel het maar."
    )
    assert advisor_message.locator(".msg__who").inner_text() == T["adviser_named"].format(
        name="Anna"
    )

    say(chat, "Mijn werkgever betaalt de opleiding niet meer")
    anna.locator("#turns .turn--person").filter(
        has_text="Mijn werkgever betaalt de opleiding niet meer"
    ).wait_for(timeout=20000)
    chat.wait_for_timeout(1500)
    assert chat.locator(".msg--bot").filter(has_text="Sorry").count() == 0  # the bot is quiet

    anna.get_by_role("button", name="Teruggeven aan de bot").click()
    anna.wait_for_url(re.compile(r"/adviseur/wachtrij$"))
    chat.wait_for_selector("text=Je praat weer met Overstap", timeout=20000)
    bot_before = chat.locator(".msg--bot").count()
    say(chat, "hallo")
    chat.locator(".msg--bot").nth(bot_before).wait_for(timeout=30000)  # the bot answers again
    assert not anna.errors, anna.errors
    anna.context.close()
    chat.close()


def test_two_advisers_claim_at_once_exactly_one_wins(browser, stack, advisers) -> None:
    anna = log_in(browser, stack, advisers, "anna")
    bram = log_in(browser, stack, advisers, "bram")
    chat = open_chat(browser, stack)
    ask_for_human(chat, "wie van jullie helpt mij")
    forms = []
    for page in (anna, bram):
        card = card_with(page, "wie van jullie helpt mij")
        forms.append(card.locator("form").element_handle())
    # Both forms go out before either answer comes back.
    for form in forms:
        form.evaluate("f => f.submit()")
    for page in (anna, bram):
        # The winner lands on the conversation, the loser back on the queue with a message.
        page.wait_for_selector(".flash, #turns", timeout=30000)
    urls = {name: page.url for name, page in (("anna", anna), ("bram", bram))}
    winners = [name for name, url in urls.items() if "/verzoek/" in url]
    assert len(winners) == 1, urls
    loser = bram if winners == ["anna"] else anna
    winner_name = "Anna" if winners == ["anna"] else "Bram"
    loser.wait_for_selector(f"text=Al opgepakt door {winner_name}")
    chat.wait_for_selector(f"text=Je praat nu met {winner_name}", timeout=20000)
    winner = anna if winners == ["anna"] else bram
    winner.get_by_role("button", name="Gesprek afsluiten").click()
    chat.wait_for_selector("text=gesprek afgesloten", timeout=20000)
    for page in (anna, bram):
        page.context.close()
    chat.close()


def test_xss_from_the_chat_is_text_in_the_console_and_in_exports(browser, stack, advisers) -> None:
    chat = open_chat(browser, stack)
    bot_before = chat.locator(".msg--bot").count()
    say(chat, XSS_SCRIPT)
    chat.locator(".msg--bot").nth(bot_before).wait_for(timeout=30000)
    ask_for_human(chat, XSS_IMG)
    session_token = chat.evaluate("sessionStorage.getItem('overstap.session')")
    conversation_id = session_token.split(".")[0]

    anna = log_in(browser, stack, advisers, "anna")
    card = card_with(anna, XSS_IMG)
    assert card.locator("img").count() == 0
    card.get_by_role("button", name="Oppakken").click()
    anna.wait_for_url(re.compile(r"/adviseur/verzoek/\d+$"))
    anna.locator("#turns .turn--person").filter(has_text=XSS_IMG).wait_for(timeout=20000)
    assert anna.locator("#turns img, #turns script").count() == 0

    anna.goto(f"{stack.web_url}/adviseur/gesprekken/{conversation_id}?details=1")
    assert anna.locator("td", has_text=XSS_SCRIPT).count() >= 1
    assert anna.locator("main img, main script").count() == 0
    assert anna.evaluate("window.__xss === undefined")
    assert not anna.errors, anna.errors

    csrf = anna.locator('meta[name="csrf-token"]').get_attribute("content")
    csv_text = anna.context.request.post(
        stack.web_url + "/adviseur/export",
        form={"csrf_token": csrf, "ids": conversation_id, "formaat": "csv"},
    ).text()
    assert XSS_IMG.replace('"', '""') in csv_text
    assert '"' + XSS_SCRIPT + '"' in csv_text  # starts with "<": no quote needed
    json_export = anna.context.request.post(
        stack.web_url + "/adviseur/export",
        form={"csrf_token": csrf, "ids": conversation_id, "formaat": "json"},
    ).json()
    person_texts = [t["text"] for t in json_export["conversations"][0]["turns"]]
    assert XSS_IMG in person_texts and XSS_SCRIPT in person_texts

    # A form post without the CSRF token is refused, even with a valid session.
    refused = anna.context.request.post(
        stack.web_url + "/adviseur/export", form={"ids": conversation_id, "formaat": "csv"}
    )
    assert refused.status == 403
    anna.context.close()
    chat.close()
