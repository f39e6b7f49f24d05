"""Statistics over the last 30 days: the page and its plots."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response

from bot.console import stats
from bot.events import projection
from bot.office_hours import TIMEZONE
from bot.web.console.state import Console, console_of, login_required, page, run
from bot.web.console.texts import text
from bot.web.security import no_store

STATS_DAYS = 30


async def compute_stats(console: Console) -> stats.Stats:
    handed = await run(console.handoff.conversation_ids)
    if console.settings.rabbitmq_url:  # counters kept by the worker's event consumer
        today = dt.datetime.now(TIMEZONE).date()
        return await run(projection.statistics, console.database.engine, handed, today, STATS_DAYS)  # fmt: skip
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=STATS_DAYS + 1)).timestamp()
    events = await run(console.tracker.all_events, since)
    return stats.compute(events, handed, dt.date.today(), STATS_DAYS)


@login_required()
async def stats_page(request: Request) -> Response:
    data = await compute_stats(console_of(request))
    return page(request, "stats", stats=data, days=STATS_DAYS, active="stats")


@login_required()
async def stats_plot(request: Request) -> Response:
    name = request.path_params["name"]
    data = await compute_stats(console_of(request))
    if name == "per-dag":
        png = await run(stats.plot_per_day, data)
    elif name == "percentages":
        png = await run(stats.plot_rates, data)
    elif name == "intents":
        png = await run(stats.plot_counts, data.top_intents, text("plot_top_intents"))
    elif name == "niet-begrepen":
        png = await run(stats.plot_counts, data.misunderstood, text("plot_misunderstood"))
    else:
        return Response(status_code=404)
    return no_store(Response(png, media_type="image/png"))
