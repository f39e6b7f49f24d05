"""Administration, for the role beheerder: accounts and the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.errors import AccountError
from bot.web.console.state import console_of, login_required, page, redirect, run
from bot.web.console.texts import text


@login_required(role="beheerder")
async def accounts_page(request: Request) -> Response:
    console = console_of(request)
    error = None
    if request.method == "POST":
        form = await request.form()
        password = str(form.get("password", ""))
        if password != str(form.get("password2", "")):
            error = text("passwords_differ")
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
                    console.audit.record, request.state.advisor, "account_create", None, made.name
                )
                return redirect(
                    "/adviseur/accounts", text("account_created", name=made.name), request
                )
            except AccountError as exc:
                error = str(exc)
    accounts = await run(console.accounts.all)
    return page(request, "accounts", accounts=accounts, error=error, active="accounts")


@login_required(role="beheerder")
async def account_active(request: Request) -> Response:
    console = console_of(request)
    form = await request.form()
    advisor_id = int(request.path_params["advisor_id"])
    if advisor_id != request.state.advisor.id:
        active = form.get("actief") == "ja"
        await run(console.accounts.set_active, advisor_id, active)
        target = await run(console.accounts.get, advisor_id)
        state = text("account_on" if active else "account_off")
        detail = text("account_switched", name=target.name if target else advisor_id, state=state)
        await run(console.audit.record, request.state.advisor, "account_active", None, detail)
    return redirect("/adviseur/accounts", text("saved"), request)


@login_required(role="beheerder")
async def audit_page(request: Request) -> Response:
    cid = request.query_params.get("gesprek", "")[:120]
    name = request.query_params.get("adviseur", "")[:80]
    entries = await run(console_of(request).audit.entries, 500, cid or None, name or None)
    return page(
        request,
        "audit",
        entries=entries,
        conversation_id=cid,
        advisor_name=name,
        active="audit",
    )
