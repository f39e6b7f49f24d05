"""One handoff request: claiming it, the live page, its messages both ways, handing it back
and closing it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.catalog.store import Catalog
from bot.console.transcripts import turns
from bot.db import Database
from bot.errors import NotYours, RasaUnavailable
from bot.events import projection
from bot.handoff.models import HandoffStatus
from bot.web.console import labels
from bot.web.console.state import (
    console_of,
    login_required,
    page,
    redirect,
    request_id_of,
    run,
)
from bot.web.console.texts import text
from bot.web.security import no_store

QUEUE = "/adviseur/wachtrij"


def shown_courses(database: Database, ids: list[str]) -> list[dict[str, Any]]:
    """The courses a person was shown, with their RIO codes, for the console."""
    found = {c.id: c for c in Catalog(database).courses(ids)}
    return [
        {
            "id": course_id,
            "title": found[course_id].title if course_id in found else "",
            "provider": found[course_id].provider if course_id in found else "",
            "code": (found[course_id].primary_code or "") if course_id in found else "",
            "rio": list(found[course_id].rio_codes or []) if course_id in found else [],
        }
        for course_id in ids
    ]


@login_required()
async def claim(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    request_id = request_id_of(request)
    try:
        result = await run(console.takeover.claim, request_id, advisor.id, advisor.display_name)
    except RasaUnavailable:
        return redirect(QUEUE, text("bot_unreachable_retry"), request)
    if result.won:
        item = await run(console.handoff.get, request_id)
        await run(console.audit.record, advisor, "claim", item.conversation_id)
        return redirect(f"/adviseur/verzoek/{request_id}")
    if result.status == HandoffStatus.CLAIMED:
        message = text("claimed_by_other", holder=result.holder)
    elif result.status is None:
        message = text("request_gone")
    else:
        message = text("request_not_waiting")
    return redirect(QUEUE, message, request)


@login_required()
async def takeover_page(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    item = await run(console.handoff.get, request_id_of(request))
    if item is None:
        return page(request, "error", 404, message=text("request_unknown"))
    await run(console.audit.record, advisor, "view", item.conversation_id, "live")
    mine = item.status == HandoffStatus.CLAIMED and item.claimed_by_id == advisor.id
    ids = list((item.summary or {}).get("shown_courses") or [])
    courses = await run(shown_courses, console.database, ids) if ids else []
    return page(request, "takeover", request_=item, mine=mine, active="queue", courses=courses)


@login_required()
async def takeover_messages(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    item = await run(console.handoff.get, request_id_of(request))
    if item is None:
        return JSONResponse({"error": text("request_unknown_short")}, status_code=404)
    try:
        after = int(request.query_params.get("na", "-1"))
    except ValueError:
        after = -1
    if console.settings.rabbitmq_url:  # fed by the worker from Rasa's event broker
        found = await run(projection.live_turns, console.database.engine, item.conversation_id, after)  # fmt: skip
        shown = [t.as_dict() for t in found]
    else:
        try:
            events = await run(console.rasa.events, item.conversation_id)
        except RasaUnavailable:
            return JSONResponse({"error": text("bot_unreachable")}, status_code=503)
        shown = [t.as_dict() for t in turns(events) if t.index > after]
    body = {
        "status": item.status,
        "status_label": labels.status(item),
        "mine": item.status == HandoffStatus.CLAIMED and item.claimed_by_id == advisor.id,
        "turns": shown,
        "next": max([after, *(t["i"] for t in shown)]),
    }
    return no_store(JSONResponse(body))


@login_required()
async def takeover_send(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": text("message_invalid")}, status_code=400)
    message = str((body or {}).get("text", "")).strip() if isinstance(body, dict) else ""
    if not message:
        return JSONResponse({"error": text("message_empty")}, status_code=400)
    request_id = request_id_of(request)
    try:
        await run(console.takeover.send, request_id, advisor.id, advisor.display_name, message)
    except NotYours as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    except RasaUnavailable:
        return JSONResponse({"error": text("send_failed")}, status_code=503)
    item = await run(console.handoff.get, request_id)
    await run(console.audit.record, advisor, "message", item.conversation_id)
    return JSONResponse({"ok": True})


@login_required()
async def hand_back(request: Request) -> Response:
    return await end(request, "hand_back", text("handed_back"))


@login_required()
async def close(request: Request) -> Response:
    return await end(request, "close", text("closed"))


async def end(request: Request, action: str, flash: str) -> Response:
    """Hand back or close (Takeover.hand_back, Takeover.close; `action` is also the audit's)."""
    console = console_of(request)
    advisor = request.state.advisor
    request_id = request_id_of(request)
    try:
        await run(getattr(console.takeover, action), request_id, advisor.id)
    except NotYours as exc:
        return redirect(QUEUE, str(exc), request)
    except RasaUnavailable:
        return redirect(f"/adviseur/verzoek/{request_id}", text("bot_unreachable_retry"), request)
    item = await run(console.handoff.get, request_id)
    await run(console.audit.record, advisor, action, item.conversation_id)
    return redirect(QUEUE, flash, request)
