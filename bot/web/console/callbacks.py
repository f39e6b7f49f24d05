"""Call-backs: the people who asked to be called or messaged back."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.handoff import contact
from bot.handoff.models import CallbackStatus
from bot.web.console.state import console_of, login_required, page, redirect, run
from bot.web.console.texts import text


@login_required()
async def callbacks_page(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    key = console.settings.secret_key
    items = []
    for callback in await run(console.handoff.callbacks, CallbackStatus.OPEN):
        value = contact.unseal(callback.contact_enc, key)
        if value == "whatsapp":
            number = await run(console.whatsapp_number, callback.conversation_id)
            value = (
                text("whatsapp_number", number=number)
                if number
                else text("whatsapp_number_unknown")
            )
        item = await run(console.handoff.get, callback.handoff_id) if callback.handoff_id else None
        contact_shown = value or text("contact_unreadable")
        items.append({"callback": callback, "contact": contact_shown, "request": item})
    await run(console.audit.record, advisor, "view_callbacks", None, f"{len(items)} open")
    return page(request, "callbacks", items=items, active="callbacks")


@login_required()
async def callback_done(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    callback_id = int(request.path_params["callback_id"])
    callback = await run(console.handoff.callback, callback_id)
    if callback and await run(console.handoff.finish_callback, callback_id, advisor.display_name):
        await run(console.audit.record, advisor, "callback_done", callback.conversation_id)
    return redirect("/adviseur/terugbellen", text("callback_done"), request)
