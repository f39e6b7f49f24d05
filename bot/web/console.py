"""The advisor console at /adviseur: queue, live takeover, call-backs, transcripts, statistics.

Every page needs a login (bot/web/security.py); every POST needs the session's CSRF token;
deleting conversations and managing accounts needs the role beheerder. What a person or an
advisor wrote is always shown as text: Jinja2 autoescapes, and console.js uses textContent.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.console import export, retention, stats
from bot.console.audit import AuditLog
from bot.console.auth import Accounts
from bot.console.avg import delete_conversation
from bot.console.reviews import Reviews
from bot.console.transcripts import Filters, TrackerStore, tracker_engine, turns
from bot.db import Database
from bot.errors import AccountError, NotYours, RasaUnavailable, RateLimited, ReviewError
from bot.events import projection
from bot.handoff import contact
from bot.handoff.models import ACTIVE, CallbackStatus, HandoffStatus
from bot.handoff.store import HandoffStore
from bot.handoff.takeover import Takeover
from bot.office_hours import TIMEZONE
from bot.rasa_api import RasaClient
from bot.settings import Settings
from bot.web import labels
from bot.web.security import (
    client_ip,
    csrf_token,
    current_advisor,
    guarded,
    no_store,
    safe_next,
    start_session,
)

logger = logging.getLogger(__name__)
TRANSCRIPT_LIMIT = 200
EXPORT_LIMIT = 500
STATS_DAYS = 30
WORKER_INTERVAL_S = 15.0


@dataclass
class Console:
    """Everything the console needs, opened on first use."""

    settings: Settings
    get_database: Callable[[], Database]

    @property
    def database(self) -> Database:
        return self.get_database()

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.database.sessions)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.database.sessions)

    @cached_property
    def reviews(self) -> Reviews:
        return Reviews(self.database.sessions)

    @cached_property
    def handoff(self) -> HandoffStore:
        return HandoffStore(self.database.sessions)

    @cached_property
    def rasa(self) -> RasaClient:
        return RasaClient.from_settings(self.settings)

    @cached_property
    def takeover(self) -> Takeover:
        return Takeover(self.handoff, self.rasa)

    @cached_property
    def tracker(self) -> TrackerStore:
        return TrackerStore(tracker_engine(self.settings))

    def close(self) -> None:
        for name in ("tracker", "rasa"):
            if name in self.__dict__:
                self.__dict__[name].close()

    def whatsapp_number(self, pseudonym: str) -> str | None:
        from bot.whatsapp.identity import Identity
        from bot.whatsapp.store import WhatsAppStore

        store = WhatsAppStore(self.database.engine, Identity(self.settings.pseudonym_key))
        address = store.address(pseudonym)
        if address is None or not address.wa_id:
            return None
        return "+" + address.wa_id


def build(settings: Settings, get_database: Callable[[], Database], templates: Environment):
    """The console's routes and its background worker (handoff time-outs)."""
    console = Console(settings, get_database)
    idle_s = settings.console_session_minutes * 60

    def login_required(role: str | None = None):
        return guarded(lambda: console.accounts, idle_s, role)

    def page(request: Request, template: str, status_code: int = 200, /, **values: Any) -> Response:
        html = templates.get_template(f"console/{template}.html").render(
            advisor=getattr(request.state, "advisor", None),
            csrf=csrf_token(request),
            labels=labels,
            flash=request.session.pop("flash", None),
            **values,
        )
        return no_store(HTMLResponse(html, status_code=status_code))

    def redirect(url: str, flash: str | None = None, request: Request | None = None) -> Response:
        if flash and request is not None:
            request.session["flash"] = flash
        return RedirectResponse(url, status_code=303)

    async def run(fn, *args, **kwargs):
        return await asyncio.to_thread(fn, *args, **kwargs)

    # -- login ---------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        return RedirectResponse("/adviseur/wachtrij", status_code=303)

    async def login(request: Request) -> Response:
        next_url = safe_next(request.query_params.get("next"))
        if request.method == "GET":
            if current_advisor(request, console.accounts, idle_s) is not None:
                return redirect(next_url)
            expired = request.session.pop("expired", False)
            return page(
                request,
                "login",
                error="Je was te lang niet actief. Log opnieuw in." if expired else None,
                next=next_url,
                name="",
                no_accounts=await run(console.accounts.count) == 0,
            )
        form = await request.form()
        from bot.web.security import csrf_ok

        if not await csrf_ok(request):
            return page(request, "login", 403, error="Het formulier was verlopen. Probeer het nog een keer.", next=next_url, name="", no_accounts=False)  # fmt: skip
        name = str(form.get("name", ""))[:80]
        password = str(form.get("password", ""))[:200]
        next_url = safe_next(str(form.get("next", "")))
        ip = client_ip(request)
        try:
            advisor = await run(console.accounts.authenticate, name, password, ip)
        except RateLimited:
            return page(request, "login", 429, error="Te veel pogingen. Wacht 15 minuten en probeer het dan opnieuw.", next=next_url, name=name, no_accounts=False)  # fmt: skip
        if advisor is None:
            # Only a real account name: people type passwords into the name field too.
            known = await run(console.accounts.exists, name)
            await run(
                console.audit.record, None, "login_failed", None, None, name if known else "?"
            )
            return page(request, "login", 401, error="Naam of wachtwoord klopt niet.", next=next_url, name=name, no_accounts=False)  # fmt: skip
        start_session(request, advisor)
        await run(console.audit.record, advisor, "login")
        return redirect(next_url)

    @login_required()
    async def logout(request: Request) -> Response:
        await run(console.audit.record, request.state.advisor, "logout")
        request.session.clear()
        return redirect("/adviseur/login")

    # -- queue and live takeover ---------------------------------------------------------

    @login_required()
    async def queue_page(request: Request) -> Response:
        return page(request, "queue", active="queue")

    def request_json(item) -> dict[str, Any]:
        summary = item.summary or {}
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
            "waiting_s": int(
                (
                    dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - item.created_at
                ).total_seconds()
            ),
            "claimed_by": item.claimed_by_name,
        }

    @login_required()
    async def queue_api(request: Request) -> Response:
        advisor = request.state.advisor
        items = await run(console.handoff.list_requests, ACTIVE)
        body = {
            "open": [request_json(i) for i in items if i.status == HandoffStatus.OPEN],
            "mine": [
                request_json(i)
                for i in items
                if i.status == HandoffStatus.CLAIMED and i.claimed_by_id == advisor.id
            ],
            "others": [
                request_json(i)
                for i in items
                if i.status == HandoffStatus.CLAIMED and i.claimed_by_id != advisor.id
            ],
        }
        return no_store(JSONResponse(body))

    def request_id_of(request: Request) -> int:
        return int(request.path_params["request_id"])

    @login_required()
    async def claim(request: Request) -> Response:
        advisor = request.state.advisor
        request_id = request_id_of(request)
        try:
            result = await run(console.takeover.claim, request_id, advisor.id, advisor.display_name)
        except RasaUnavailable:
            return redirect("/adviseur/wachtrij", "De bot is niet bereikbaar. Probeer het zo nog eens.", request)  # fmt: skip
        if result.won:
            item = await run(console.handoff.get, request_id)
            await run(console.audit.record, advisor, "claim", item.conversation_id)
            return redirect(f"/adviseur/verzoek/{request_id}")
        if result.status == HandoffStatus.CLAIMED:
            message = f"Al opgepakt door {result.holder}."
        elif result.status is None:
            message = "Dit verzoek bestaat niet meer."
        else:
            message = "Dit verzoek wacht niet meer."
        return redirect("/adviseur/wachtrij", message, request)

    @login_required()
    async def takeover_page(request: Request) -> Response:
        advisor = request.state.advisor
        item = await run(console.handoff.get, request_id_of(request))
        if item is None:
            return page(request, "error", 404, message="Dit verzoek bestaat niet.")
        await run(console.audit.record, advisor, "view", item.conversation_id, "live")
        mine = item.status == HandoffStatus.CLAIMED and item.claimed_by_id == advisor.id
        return page(request, "takeover", request_=item, mine=mine, active="queue")

    @login_required()
    async def takeover_messages(request: Request) -> Response:
        advisor = request.state.advisor
        item = await run(console.handoff.get, request_id_of(request))
        if item is None:
            return JSONResponse({"error": "Bestaat niet."}, status_code=404)
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
                return JSONResponse({"error": "De bot is niet bereikbaar."}, status_code=503)
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
        advisor = request.state.advisor
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "Geen geldig bericht."}, status_code=400)
        text = str((body or {}).get("text", "")).strip() if isinstance(body, dict) else ""
        if not text:
            return JSONResponse({"error": "Het bericht is leeg."}, status_code=400)
        try:
            await run(
                console.takeover.send,
                request_id_of(request),
                advisor.id,
                advisor.display_name,
                text,
            )
        except NotYours as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        except RasaUnavailable:
            return JSONResponse(
                {"error": "Versturen lukt niet: de bot is niet bereikbaar."}, status_code=503
            )
        item = await run(console.handoff.get, request_id_of(request))
        await run(console.audit.record, advisor, "message", item.conversation_id)
        return JSONResponse({"ok": True})

    def ender(method: str, action: str, flash: str):
        @login_required()
        async def end(request: Request) -> Response:
            advisor = request.state.advisor
            request_id = request_id_of(request)
            try:
                await run(getattr(console.takeover, method), request_id, advisor.id)
            except NotYours as exc:
                return redirect("/adviseur/wachtrij", str(exc), request)
            except RasaUnavailable:
                return redirect(f"/adviseur/verzoek/{request_id}", "De bot is niet bereikbaar. Probeer het zo nog eens.", request)  # fmt: skip
            item = await run(console.handoff.get, request_id)
            await run(console.audit.record, advisor, action, item.conversation_id)
            return redirect("/adviseur/wachtrij", flash, request)

        return end

    # -- call-backs ----------------------------------------------------------------------

    @login_required()
    async def callbacks_page(request: Request) -> Response:
        advisor = request.state.advisor
        key = console.settings.secret_key
        items = []
        for callback in await run(console.handoff.callbacks, CallbackStatus.OPEN):
            value = contact.unseal(callback.contact_enc, key)
            if value == "whatsapp":
                number = await run(console.whatsapp_number, callback.conversation_id)
                value = f"{number} (WhatsApp)" if number else "WhatsApp-nummer onbekend"
            item = (
                await run(console.handoff.get, callback.handoff_id) if callback.handoff_id else None
            )
            items.append(
                {"callback": callback, "contact": value or "(niet te lezen)", "request": item}
            )
        await run(console.audit.record, advisor, "view_callbacks", None, f"{len(items)} open")
        return page(request, "callbacks", items=items, active="callbacks")

    @login_required()
    async def callback_done(request: Request) -> Response:
        advisor = request.state.advisor
        callback_id = int(request.path_params["callback_id"])
        callback = await run(console.handoff.callback, callback_id)
        if callback and await run(
            console.handoff.finish_callback, callback_id, advisor.display_name
        ):
            await run(console.audit.record, advisor, "callback_done", callback.conversation_id)
        return redirect("/adviseur/terugbellen", "Afgehandeld.", request)

    # -- transcripts ---------------------------------------------------------------------

    def parse_filters(request: Request) -> tuple[Filters, dict[str, str]]:
        q = request.query_params
        raw = {
            k: q.get(k, "")[:100]
            for k in (
                "van",
                "tot",
                "kanaal",
                "overgedragen",
                "fallbacks",
                "beoordeeld",
                "intent",
                "label",
                "zoek",
            )  # fmt: skip
        }

        def day(value: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(value) if value else None
            except ValueError:
                return None

        def yes_no(value: str) -> bool | None:
            return {"ja": True, "nee": False}.get(value)

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

    def conversation_id_of(request: Request) -> str:
        return request.path_params["conversation_id"][:120]

    @login_required()
    async def transcript_page(request: Request) -> Response:
        advisor = request.state.advisor
        cid = conversation_id_of(request)
        events = await run(console.tracker.events, cid)
        handoffs = await run(console.handoff.for_conversation, cid)
        if not events and not handoffs:
            return page(request, "error", 404, message="Dit gesprek bestaat niet (meer).")
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
            retention_days=settings.conversation_retention_days,
            active="transcripts",
        )

    def review_action(kind: str):
        @login_required()
        async def act(request: Request) -> Response:
            advisor = request.state.advisor
            cid = conversation_id_of(request)
            form = await request.form()
            back = f"/adviseur/gesprekken/{cid}"
            try:
                if kind == "tag":
                    tag = await run(console.reviews.add_tag, cid, str(form.get("label", "")))
                    await run(console.audit.record, advisor, "tag", cid, tag)
                elif kind == "untag":
                    tag = str(form.get("label", ""))[:40]
                    await run(console.reviews.remove_tag, cid, tag)
                    await run(console.audit.record, advisor, "untag", cid, tag)
                elif kind == "note":
                    await run(
                        console.reviews.add_note,
                        cid,
                        advisor.display_name,
                        str(form.get("tekst", "")),
                    )
                    await run(console.audit.record, advisor, "note", cid)
                elif kind == "review":
                    await run(console.reviews.mark_reviewed, cid, advisor.display_name)
                    await run(console.audit.record, advisor, "review", cid)
            except ReviewError as exc:
                return redirect(back, str(exc), request)
            return redirect(back, "Opgeslagen.", request)

        return act

    @login_required()
    async def export_conversations(request: Request) -> Response:
        advisor = request.state.advisor
        form = await request.form()
        ids = [str(i)[:120] for i in form.getlist("ids")][:EXPORT_LIMIT]
        fmt = "json" if form.get("formaat") == "json" else "csv"
        if not ids:
            return redirect("/adviseur/gesprekken", "Kies eerst een of meer gesprekken.", request)
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
        advisor = request.state.advisor
        cid = conversation_id_of(request)
        form = await request.form()
        back = f"/adviseur/gesprekken/{cid}"
        try:
            days = int(str(form.get("dagen", "")).strip() or "0")
        except ValueError:
            return redirect(back, "Vul een aantal dagen in.", request)
        try:
            hold = await run(
                retention.keep_longer, console.database.sessions, cid, days,
                str(form.get("reden", "")), advisor.display_name,
            )  # fmt: skip
        except ReviewError as exc:
            return redirect(back, str(exc), request)
        until = hold.until.date().isoformat()
        await run(console.audit.record, advisor, "retain", cid, f"tot {until}")
        return redirect(back, f"Het gesprek blijft bewaard tot {until}.", request)

    @login_required(role="beheerder")
    async def delete_page(request: Request) -> Response:
        advisor = request.state.advisor
        cid = conversation_id_of(request)
        form = await request.form()
        if form.get("zeker") != "ja":
            return redirect(f"/adviseur/gesprekken/{cid}", "Zet eerst het vinkje.", request)
        deleted = await run(delete_conversation, console.database.sessions, console.tracker, cid)
        await run(console.audit.record, advisor, "delete", cid, deleted.detail())
        return redirect("/adviseur/gesprekken", "Het gesprek is overal verwijderd.", request)

    # -- statistics ----------------------------------------------------------------------

    async def compute_stats() -> stats.Stats:
        handed = await run(console.handoff.conversation_ids)
        if console.settings.rabbitmq_url:  # counters kept by the worker's event consumer
            today = dt.datetime.now(TIMEZONE).date()
            return await run(projection.statistics, console.database.engine, handed, today, STATS_DAYS)  # fmt: skip
        since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=STATS_DAYS + 1)).timestamp()
        events = await run(console.tracker.all_events, since)
        return stats.compute(events, handed, dt.date.today(), STATS_DAYS)

    @login_required()
    async def stats_page(request: Request) -> Response:
        return page(request, "stats", stats=await compute_stats(), days=STATS_DAYS, active="stats")

    @login_required()
    async def stats_plot(request: Request) -> Response:
        name = request.path_params["name"]
        data = await compute_stats()
        if name == "per-dag":
            png = await run(stats.plot_per_day, data)
        elif name == "percentages":
            png = await run(stats.plot_rates, data)
        elif name == "intents":
            png = await run(stats.plot_counts, data.top_intents, "Meest gebruikte intents")
        elif name == "niet-begrepen":
            png = await run(stats.plot_counts, data.misunderstood, "Vaakst niet begrepen")
        else:
            return Response(status_code=404)
        return no_store(Response(png, media_type="image/png"))

    # -- administration ------------------------------------------------------------------

    @login_required(role="beheerder")
    async def accounts_page(request: Request) -> Response:
        error = None
        if request.method == "POST":
            form = await request.form()
            password = str(form.get("password", ""))
            if password != str(form.get("password2", "")):
                error = "De twee wachtwoorden zijn niet gelijk."
            else:
                try:
                    made = await run(
                        console.accounts.create,
                        str(form.get("name", "")),
                        password,
                        str(form.get("role", "adviseur")),
                        str(form.get("display_name", "")) or None,
                    )
                    await run(
                        console.audit.record,
                        request.state.advisor,
                        "account_create",
                        None,
                        made.name,
                    )
                    return redirect(
                        "/adviseur/accounts", f"Account {made.name} is gemaakt.", request
                    )
                except AccountError as exc:
                    error = str(exc)
        accounts = await run(console.accounts.all)
        return page(request, "accounts", accounts=accounts, error=error, active="accounts")

    @login_required(role="beheerder")
    async def account_active(request: Request) -> Response:
        form = await request.form()
        advisor_id = int(request.path_params["advisor_id"])
        if advisor_id != request.state.advisor.id:
            active = form.get("actief") == "ja"
            await run(console.accounts.set_active, advisor_id, active)
            target = await run(console.accounts.get, advisor_id)
            detail = f"{target.name if target else advisor_id} {'aan' if active else 'uit'}"
            await run(console.audit.record, request.state.advisor, "account_active", None, detail)
        return redirect("/adviseur/accounts", "Opgeslagen.", request)

    @login_required(role="beheerder")
    async def audit_page(request: Request) -> Response:
        cid = request.query_params.get("gesprek", "")[:120]
        name = request.query_params.get("adviseur", "")[:80]
        entries = await run(console.audit.entries, 500, cid or None, name or None)
        return page(
            request,
            "audit",
            entries=entries,
            conversation_id=cid,
            advisor_name=name,
            active="audit",
        )

    # -- the time-out worker -------------------------------------------------------------

    async def worker() -> None:
        wait = dt.timedelta(minutes=settings.handoff_wait_minutes)
        hours = settings.hours
        while True:
            try:
                while await run(console.takeover.expire_one, wait, hours) is not None:
                    pass
            except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
                logger.error("handoff time-out worker: %s", type(exc).__name__)
            await asyncio.sleep(WORKER_INTERVAL_S)

    async def retention_worker() -> None:
        days = settings.conversation_retention_days
        while True:
            try:
                found = await run(
                    retention.purge_and_audit, console.database.sessions, console.tracker, days
                )
                if found:
                    logger.info("retention: %s conversations deleted", found)
            except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
                logger.error("retention worker: %s", type(exc).__name__)
            await asyncio.sleep(retention.INTERVAL_S)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        tasks = [asyncio.create_task(worker()), asyncio.create_task(retention_worker())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            console.close()

    routes = [
        Route("/adviseur", home),
        Route("/adviseur/", home),
        Route("/adviseur/login", login, methods=["GET", "POST"]),
        Route("/adviseur/uitloggen", logout, methods=["POST"]),
        Route("/adviseur/wachtrij", queue_page),
        Route("/adviseur/api/wachtrij", queue_api),
        Route("/adviseur/verzoek/{request_id:int}", takeover_page),
        Route("/adviseur/verzoek/{request_id:int}/oppakken", claim, methods=["POST"]),
        Route(
            "/adviseur/verzoek/{request_id:int}/teruggeven",
            ender("hand_back", "hand_back", "Teruggegeven aan de bot."),
            methods=["POST"],
        ),
        Route(
            "/adviseur/verzoek/{request_id:int}/afsluiten",
            ender("close", "close", "Het gesprek is afgesloten."),
            methods=["POST"],
        ),
        Route("/adviseur/api/verzoek/{request_id:int}/berichten", takeover_messages),
        Route(
            "/adviseur/api/verzoek/{request_id:int}/bericht", takeover_send, methods=["POST"]
        ),
        Route("/adviseur/terugbellen", callbacks_page),
        Route(
            "/adviseur/terugbellen/{callback_id:int}/klaar", callback_done, methods=["POST"]
        ),
        Route("/adviseur/gesprekken", transcripts_page),
        Route("/adviseur/gesprekken/{conversation_id}", transcript_page),
        Route("/adviseur/gesprekken/{conversation_id}/label", review_action("tag"), methods=["POST"]),
        Route("/adviseur/gesprekken/{conversation_id}/label-weg", review_action("untag"), methods=["POST"]),
        Route("/adviseur/gesprekken/{conversation_id}/notitie", review_action("note"), methods=["POST"]),
        Route("/adviseur/gesprekken/{conversation_id}/beoordeeld", review_action("review"), methods=["POST"]),
        Route("/adviseur/gesprekken/{conversation_id}/verwijderen", delete_page, methods=["POST"]),
        Route("/adviseur/gesprekken/{conversation_id}/bewaren", keep_page, methods=["POST"]),
        Route("/adviseur/export", export_conversations, methods=["POST"]),
        Route("/adviseur/statistiek", stats_page),
        Route("/adviseur/statistiek/{name}.png", stats_plot),
        Route("/adviseur/accounts", accounts_page, methods=["GET", "POST"]),
        Route("/adviseur/accounts/{advisor_id:int}/actief", account_active, methods=["POST"]),
        Route("/adviseur/auditlog", audit_page),
    ]  # fmt: skip
    return routes, lifespan, console
