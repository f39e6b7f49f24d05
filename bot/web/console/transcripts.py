"""Transcripts: the list with its filters, one conversation, labels, notes and reviews,
exports and deleting a conversation everywhere (AVG)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.console import export, retention
from bot.console.auth import AdvisorInfo
from bot.console.avg import delete_conversation
from bot.console.transcripts import Filters, turns
from bot.errors import ReviewError
from bot.web.console import labels
from bot.web.console.state import (
    Console,
    console_of,
    conversation_id_of,
    login_required,
    page,
    redirect,
    run,
)
from bot.web.console.texts import text
from bot.web.security import no_store

TRANSCRIPT_LIMIT = 200
EXPORT_LIMIT = 500
FILTER_FIELDS = ("van", "tot", "kanaal", "overgedragen", "fallbacks", "beoordeeld", "intent", "label", "zoek")  # fmt: skip


def day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def yes_no(value: str) -> bool | None:
    return {"ja": True, "nee": False}.get(value)


def parse_filters(request: Request) -> tuple[Filters, dict[str, str]]:
    raw = {k: request.query_params.get(k, "")[:100] for k in FILTER_FIELDS}
    filters = Filters(
        date_from=day(raw["van"]),
        date_to=day(raw["tot"]),
        channel=raw["kanaal"] or None,
        handed_off=yes_no(raw["overgedragen"]),
        with_fallbacks=yes_no(raw["fallbacks"]),
        reviewed=yes_no(raw["beoordeeld"]),
        intent=raw["intent"] or None,
        tag=raw["label"] or None,
        text=raw["zoek"].strip() or None,
    )
    return filters, raw


@login_required()
async def transcripts_page(request: Request) -> Response:
    console = console_of(request)
    filters, raw = parse_filters(request)
    handed = await run(console.handoff.conversation_ids)
    reviewed = await run(console.reviews.reviewed_ids)
    tags = await run(console.reviews.all_tags)
    rows = await run(
        console.tracker.conversations, filters, handed, reviewed, tags, TRANSCRIPT_LIMIT
    )
    return page(
        request,
        "transcripts",
        rows=rows,
        f=raw,
        limit=TRANSCRIPT_LIMIT,
        intents=await run(console.tracker.intents),
        tags=await run(console.reviews.tag_names),
        channels=list(labels.CHANNELS.items()),
        active="transcripts",
    )


@login_required()
async def transcript_page(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    cid = conversation_id_of(request)
    events = await run(console.tracker.events, cid)
    handoffs = await run(console.handoff.for_conversation, cid)
    if not events and not handoffs:
        return page(request, "error", 404, message=text("conversation_unknown"))
    await run(console.audit.record, advisor, "view", cid)
    details = request.query_params.get("details") == "1"
    channels = await run(console.tracker.channels, [cid])
    return page(
        request,
        "transcript",
        conversation_id=cid,
        channel=channels.get(cid),
        turns=turns(events, with_details=details),
        work=labels.work_in(events),
        details=details,
        handoffs=handoffs,
        tags=await run(console.reviews.tags, cid),
        notes=await run(console.reviews.notes, cid),
        review=await run(console.reviews.review, cid),
        hold=await run(retention.hold_of, console.database.sessions, cid),
        retention_days=console.settings.conversation_retention_days,
        active="transcripts",
    )


# -- labels, notes and reviews: each saves, records it in the audit log and goes back --------


@login_required()
async def add_tag(request: Request) -> Response:
    return await review_step(request, save_tag)


@login_required()
async def remove_tag(request: Request) -> Response:
    return await review_step(request, drop_tag)


@login_required()
async def add_note(request: Request) -> Response:
    return await review_step(request, save_note)


@login_required()
async def mark_reviewed(request: Request) -> Response:
    return await review_step(request, save_review)


async def save_tag(console: Console, advisor: AdvisorInfo, cid: str, form: FormData) -> None:
    tag = await run(console.reviews.add_tag, cid, str(form.get("label", "")))
    await run(console.audit.record, advisor, "tag", cid, tag)


async def drop_tag(console: Console, advisor: AdvisorInfo, cid: str, form: FormData) -> None:
    tag = str(form.get("label", ""))[:40]
    await run(console.reviews.remove_tag, cid, tag)
    await run(console.audit.record, advisor, "untag", cid, tag)


async def save_note(console: Console, advisor: AdvisorInfo, cid: str, form: FormData) -> None:
    note = str(form.get("tekst", ""))
    await run(console.reviews.add_note, cid, advisor.display_name, note)
    await run(console.audit.record, advisor, "note", cid)


async def save_review(console: Console, advisor: AdvisorInfo, cid: str, form: FormData) -> None:
    await run(console.reviews.mark_reviewed, cid, advisor.display_name)
    await run(console.audit.record, advisor, "review", cid)


async def review_step(
    request: Request,
    save: Callable[[Console, AdvisorInfo, str, FormData], Awaitable[None]],
) -> Response:
    cid = conversation_id_of(request)
    form = await request.form()
    back = f"/adviseur/gesprekken/{cid}"
    try:
        await save(console_of(request), request.state.advisor, cid, form)
    except ReviewError as exc:
        return redirect(back, str(exc), request)
    return redirect(back, text("saved"), request)


@login_required()
async def export_conversations(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    form = await request.form()
    ids = [str(i)[:120] for i in form.getlist("ids")][:EXPORT_LIMIT]
    fmt = "json" if form.get("formaat") == "json" else "csv"
    if not ids:
        return redirect("/adviseur/gesprekken", text("export_none_chosen"), request)
    collected = []
    for cid in ids:
        events = await run(console.tracker.events, cid)
        collected.append((cid, turns(events)))
    for cid in ids:
        await run(console.audit.record, advisor, "export", cid, fmt)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        body = export.to_csv(collected)
        media = "text/csv; charset=utf-8"
    else:
        tags = await run(console.reviews.all_tags)
        body = export.to_json((cid, t, {"tags": tags.get(cid, [])}) for cid, t in collected)
        media = "application/json; charset=utf-8"
    response = Response(body, media_type=media)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="overstap-gesprekken-{stamp}.{fmt}"'
    )
    return no_store(response)


@login_required()
async def keep_page(request: Request) -> Response:
    """Keep one conversation past the retention, with a reason (audited, reason not)."""
    console = console_of(request)
    advisor = request.state.advisor
    cid = conversation_id_of(request)
    form = await request.form()
    back = f"/adviseur/gesprekken/{cid}"
    try:
        days = int(str(form.get("dagen", "")).strip() or "0")
    except ValueError:
        return redirect(back, text("keep_days_missing"), request)
    try:
        hold = await run(
            retention.keep_longer, console.database.sessions, cid, days,
            str(form.get("reden", "")), advisor.display_name,
        )  # fmt: skip
    except ReviewError as exc:
        return redirect(back, str(exc), request)
    until = hold.until.date().isoformat()
    await run(console.audit.record, advisor, "retain", cid, f"tot {until}")
    return redirect(back, text("kept_until", until=until), request)


@login_required(role="beheerder")
async def delete_page(request: Request) -> Response:
    console = console_of(request)
    advisor = request.state.advisor
    cid = conversation_id_of(request)
    form = await request.form()
    if form.get("zeker") != "ja":
        return redirect(f"/adviseur/gesprekken/{cid}", text("delete_not_confirmed"), request)
    deleted = await run(delete_conversation, console.database.sessions, console.tracker, cid)
    await run(console.audit.record, advisor, "delete", cid, deleted.detail())
    return redirect("/adviseur/gesprekken", text("deleted"), request)
