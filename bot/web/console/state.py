"""What every console page shares: the console's state on the app, the login guard, rendering
a page and redirecting with a flash message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.console.audit import AuditLog
from bot.console.auth import Accounts
from bot.console.reviews import Reviews
from bot.console.transcripts import TrackerStore, tracker_engine
from bot.db import Database
from bot.handoff.store import HandoffStore
from bot.handoff.takeover import Takeover
from bot.rasa_api import RasaClient
from bot.settings import Settings
from bot.web.console import labels
from bot.web.security import Endpoint, csrf_token, guarded, no_store


@dataclass
class Console:
    """Everything the console needs, opened on first use; the app keeps it as
    `app.state.console`."""

    settings: Settings
    get_database: Callable[[], Database]
    templates: Environment

    @property
    def idle_s(self) -> int:
        return self.settings.console_session_minutes * 60

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


def console_of(request: Request) -> Console:
    return request.app.state.console


def login_required(role: str | None = None) -> Callable[[Endpoint], Endpoint]:
    """Login (and `role`) required, every POST with the CSRF token (bot/web/security.py); the
    accounts and the idle time-out come from the app's console."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            console = console_of(request)
            check = guarded(lambda: console.accounts, console.idle_s, role)
            return await check(endpoint)(request)

        return wrapper

    return decorate


def page(request: Request, template: str, status_code: int = 200, /, **values: Any) -> Response:
    templates = console_of(request).templates
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
    """A blocking call (database, Rasa) in a thread, so the event loop goes on."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def request_id_of(request: Request) -> int:
    return int(request.path_params["request_id"])


def conversation_id_of(request: Request) -> str:
    return request.path_params["conversation_id"][:120]
