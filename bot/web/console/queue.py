"""The queue of handoff requests: the page and the JSON it polls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.handoff.models import ACTIVE, HandoffStatus
from bot.web.console import labels
from bot.web.console.state import console_of, login_required, page, run
from bot.web.security import no_store


@login_required()
async def queue_page(request: Request) -> Response:
    return page(request, "queue", active="queue")


@login_required()
async def queue_api(request: Request) -> Response:
    advisor = request.state.advisor
    items = await run(console_of(request).handoff.list_requests, ACTIVE)
    claimed = [i for i in items if i.status == HandoffStatus.CLAIMED]
    body = {
        "open": [request_json(i) for i in items if i.status == HandoffStatus.OPEN],
        "mine": [request_json(i) for i in claimed if i.claimed_by_id == advisor.id],
        "others": [request_json(i) for i in claimed if i.claimed_by_id != advisor.id],
    }
    return no_store(JSONResponse(body))


def request_json(item) -> dict[str, Any]:
    summary = item.summary or {}
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return {
        "id": item.id,
        "status": item.status,
        "status_label": labels.status(item),
        "channel": labels.channel(item.channel),
        "reason": labels.reason(item.reason),
        "topic": labels.topic(summary.get("topic")) if summary.get("topic") else "",
        "open_question": item.open_question or "",
        "profile": [f"{k}: {v}" for k, v in labels.profile(summary)],
        "waiting": labels.waiting(item.created_at),
        "waiting_s": int((now - item.created_at).total_seconds()),
        "claimed_by": item.claimed_by_name,
    }
