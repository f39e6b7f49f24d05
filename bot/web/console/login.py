"""Logging in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import RateLimited
from bot.web.console.state import console_of, login_required, page, redirect, run
from bot.web.console.texts import text
from bot.web.security import client_ip, csrf_ok, current_advisor, safe_next, start_session


async def home(request: Request) -> Response:
    return RedirectResponse("/adviseur/wachtrij", status_code=303)


async def login(request: Request) -> Response:
    if request.method == "GET":
        return await login_form(request)
    console = console_of(request)
    next_url = safe_next(request.query_params.get("next"))
    form = await request.form()
    if not await csrf_ok(request):
        return page(request, "login", 403, error=text("form_expired"), next=next_url, name="", no_accounts=False)  # fmt: skip
    name = str(form.get("name", ""))[:80]
    password = str(form.get("password", ""))[:200]
    next_url = safe_next(str(form.get("next", "")))
    try:
        advisor = await run(console.accounts.authenticate, name, password, client_ip(request))
    except RateLimited:
        return page(request, "login", 429, error=text("too_many_attempts"), next=next_url, name=name, no_accounts=False)  # fmt: skip
    if advisor is None:
        # Only a real account name: people type passwords into the name field too.
        known = await run(console.accounts.exists, name)
        await run(console.audit.record, None, "login_failed", None, None, name if known else "?")
        return page(request, "login", 401, error=text("wrong_login"), next=next_url, name=name, no_accounts=False)  # fmt: skip
    start_session(request, advisor)
    await run(console.audit.record, advisor, "login")
    return redirect(next_url)


async def login_form(request: Request) -> Response:
    console = console_of(request)
    next_url = safe_next(request.query_params.get("next"))
    if current_advisor(request, console.accounts, console.idle_s) is not None:
        return redirect(next_url)
    expired = request.session.pop("expired", False)
    return page(
        request,
        "login",
        error=text("session_expired") if expired else None,
        next=next_url,
        name="",
        no_accounts=await run(console.accounts.count) == 0,
    )


@login_required()
async def logout(request: Request) -> Response:
    await run(console_of(request).audit.record, request.state.advisor, "logout")
    request.session.clear()
    return redirect("/adviseur/login")
