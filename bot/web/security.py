"""Console sessions and CSRF: who is logged in, for how long, and that a form came from us.

The session lives in a signed cookie (Starlette's SessionMiddleware on itsdangerous), scoped to
/adviseur, HttpOnly and SameSite=Strict, with an absolute lifetime and an idle timeout. It
holds the advisor's id and the account's session epoch: a new password or a deactivated
account bumps the epoch and ends every session made before. Every POST carries the session's
CSRF token, as a form field or as the X-CSRF-Token header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot.console.auth import Accounts, AdvisorInfo

COOKIE = "overstap_console"
COOKIE_PATH = "/adviseur"
MAX_SESSION_S = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

Endpoint = Callable[..., Awaitable[Response]]


def session_key(secret: str) -> str:
    """The console's own key, derived from the secret key (which also signs chat sessions)."""
    return hmac.new(secret.encode(), b"overstap console session", hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    expected = request.session.get("csrf")
    if not expected:
        return False
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = (await request.form()).get(CSRF_FIELD)
    return isinstance(given, str) and hmac.compare_digest(given, expected)


def start_session(request: Request, advisor: AdvisorInfo) -> None:
    request.session.clear()  # a new session on login: nothing carries over from before
    now = int(time.time())
    request.session.update(
        advisor=advisor.id,
        epoch=advisor.session_epoch,
        login_at=now,
        seen=now,
        csrf=secrets.token_urlsafe(32),
    )


def current_advisor(request: Request, accounts: Accounts, idle_s: int) -> AdvisorInfo | None:
    session = request.session
    advisor_id = session.get("advisor")
    if not isinstance(advisor_id, int):
        return None
    now = int(time.time())
    if (
        now - int(session.get("seen", 0)) > idle_s
        or now - int(session.get("login_at", 0)) > MAX_SESSION_S
    ):
        session.clear()
        session["expired"] = True
        return None
    advisor = accounts.get(advisor_id)
    if advisor is None or not advisor.active or advisor.session_epoch != session.get("epoch"):
        session.clear()
        return None
    session["seen"] = now
    return advisor


def safe_next(value: str | None) -> str:
    """Only a path inside the console: never an open redirect."""
    if value and value.startswith("/adviseur/") and "//" not in value and "\\" not in value:
        return value
    return "/adviseur/wachtrij"


def guarded(
    accounts_of: Callable[[], Accounts],
    idle_s: int,
    role: str | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """Login (and role) required; every POST also needs the CSRF token."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            advisor = current_advisor(request, accounts_of(), idle_s)
            is_api = request.url.path.startswith("/adviseur/api/")
            if advisor is None:
                if is_api:
                    return JSONResponse({"error": "Log opnieuw in."}, status_code=401)
                target = request.url.path
                if request.url.query and request.method == "GET":
                    target += "?" + request.url.query
                return RedirectResponse(
                    f"/adviseur/login?next={quote(target, safe='')}", status_code=303
                )
            if request.method == "POST" and not await csrf_ok(request):
                return forbidden(request, "Dit formulier is verlopen. Laad de pagina opnieuw.")
            if role and advisor.role != role:
                return forbidden(request, "Dit mag alleen een beheerder.")
            request.state.advisor = advisor
            return await endpoint(request)

        return wrapper

    return decorate


def forbidden(request: Request, message: str) -> Response:
    if request.url.path.startswith("/adviseur/api/") or request.headers.get(CSRF_HEADER):
        return JSONResponse({"error": message}, status_code=403)
    templates = request.app.state.console_templates
    html = templates.get_template("console/error.html").render(
        message=message, advisor=None, csrf="", active=""
    )
    return no_store(HTMLResponse(html, status_code=403))


def client_ip(request: Request) -> str:
    # Behind a proxy, run uvicorn with --proxy-headers so request.client is the real address.
    return request.client.host if request.client else "unknown"


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
