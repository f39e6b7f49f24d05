"""The web app: the chat page, the embeddable widget and its demo page, history, health, and
the advisor console."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.catalog.store import Catalog
from bot.channels.messages import history
from bot.channels.session import verify_session
from bot.console.avg import delete_conversation
from bot.db import Database
from bot.errors import CatalogError, DatabaseUnavailable, RasaUnavailable
from bot.rasa_api import RasaClient
from bot.settings import PROJECT_ROOT, Settings
from bot.web import console, security
from bot.web.texts import TEXTS_FILE, load_texts

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
WIDGET_SOURCE = HERE / "static" / "widget.js"
WIDGET_TEXTS = TEXTS_FILE
NO_STORE = {"Cache-Control": "no-store"}
# Sites embed /widget.js under a fixed URL, so browsers may keep it only briefly and then ask
# again with its ETag; an unchanged script costs a 304 without a body.
WIDGET_CACHE_CONTROL = "public, max-age=300"


# Pages another site may show in a frame (the chat page, as a widget in an iframe); only the
# origins in OVERSTAP_ALLOWED_ORIGINS may. Everything else (the console above all) never.
FRAMABLE_PATHS = ("/",)
WEB_MAX_BODY_BYTES = 1024 * 1024  # console forms and logins; the chat itself goes to Rasa


class SecurityHeaders(BaseHTTPMiddleware):
    """Strict headers on every response: a content security policy without inline script or
    style, frames only where and by whom allowed, no sniffing, no referrer, no powerful
    browser features, HSTS behind https."""

    def __init__(
        self, app, connect_src: str, frame_origins: tuple[str, ...] = (), https: bool = False
    ) -> None:
        super().__init__(app)
        base = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {connect_src}; base-uri 'none'; form-action 'self'; "
            "object-src 'none'"
        )
        ancestors = " ".join(o for o in frame_origins if o != "*")
        self.csp = base + "; frame-ancestors 'none'"
        self.csp_framable = base + f"; frame-ancestors 'self' {ancestors}".rstrip()
        self.https = https

    async def dispatch(self, request: Request, call_next) -> Response:
        response = await call_next(request)
        headers = response.headers
        if request.url.path in FRAMABLE_PATHS:
            headers.setdefault("Content-Security-Policy", self.csp_framable)
        else:
            headers.setdefault("Content-Security-Policy", self.csp)
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Other sites load widget.js and its stylesheet (/static/) without CORS: they must stay
        # loadable cross-origin; everything else only for our own pages.
        shared = request.url.path == "/widget.js" or request.url.path.startswith("/static/")
        policy = "cross-origin" if shared else "same-origin"
        headers.setdefault("Cross-Origin-Resource-Policy", policy)
        if self.https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


class BodyLimit:
    """413 for a request body over `limit` bytes: by its Content-Length before it is read,
    and counted while it streams (a chunked body has no length). Pure ASGI, so nothing is
    buffered first."""

    def __init__(self, app, limit: int = WEB_MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            return await self._refuse(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope, receive, send) -> None:
        response = JSONResponse({"error": "Dit bericht is te groot."}, status_code=413)
        await response(scope, receive, send)


class BodyTooLarge(Exception):
    pass


def widget_bundle(
    settings: Settings,
    client_path: Path = SOCKET_IO_CLIENT,
    source_path: Path = WIDGET_SOURCE,
    texts_path: Path = WIDGET_TEXTS,
) -> str:
    """widget.js with the socket.io client and the widget's texts inside it, so that one script
    tag is enough.

    The client's UMD wrapper sees a local `module` and exports into it, so the host page gets
    no global `io` and an AMD loader on the page is left alone.
    """
    client = "\n".join(
        line
        for line in client_path.read_text().splitlines()
        if not line.startswith("//# sourceMappingURL")
    )
    config = {
        "socketUrl": settings.public_rasa_url,
        "socketPath": "/socket.io",
        "texts": load_texts(texts_path),
    }
    return (
        "/*! Overstap chat widget (EUPL-1.2); contains socket.io-client (MIT). */\n"
        "(function () {\n"
        "var module = { exports: {} }; var exports = module.exports;\n"
        f"{client}\n"
        "var OVERSTAP_IO = module.exports;\n"
        f"var OVERSTAP_CONFIG = {json.dumps(config)};\n"
        "var OVERSTAP_SCRIPT = document.currentScript;\n"
        f"{source_path.read_text()}\n"
        "})();\n"
    )


class WidgetBundle:
    """The assembled widget.js, built once and again only when a source file changes.

    The key is each source's mtime and size (the socket.io client, the script, its texts): one
    stat per request instead of reading and joining some 70 KB of script. The ETag is a hash
    of the result, so a changed text reaches browsers like a changed script.
    """

    def __init__(self, settings: Settings, client: Path, source: Path, texts: Path) -> None:
        self.settings = settings
        self.client = client
        self.source = source
        self.texts = texts
        self._key: tuple[int, ...] | None = None
        self._body = b""
        self._etag = ""
        self._lock = threading.Lock()
        self.builds = 0  # how often it was assembled (tests count it)

    def current(self) -> tuple[bytes, str]:
        """(script, ETag); raises FileNotFoundError when a source is missing."""
        stats = [path.stat() for path in (self.client, self.source, self.texts)]
        key = tuple(n for s in stats for n in (s.st_mtime_ns, s.st_size))
        with self._lock:
            if key != self._key:
                body = widget_bundle(self.settings, self.client, self.source, self.texts).encode()
                self._body = body
                self._etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                self._key = key
                self.builds += 1
            return self._body, self._etag


async def widget_response(widget: WidgetBundle, request: Request) -> Response:
    """widget.js, or 304 when the browser has this version (its ETag)."""
    try:
        body, etag = await run_in_threadpool(widget.current)
    except FileNotFoundError:
        return JSONResponse({"error": "npm ci is nog niet gedraaid"}, status_code=503)
    headers = {"Cache-Control": WIDGET_CACHE_CONTROL, "ETag": etag}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/javascript", headers=headers)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110): W/"x" matches "x"; * matches anything."""
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or etag in (t.removeprefix("W/") for t in tags)


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def erase_conversation(request: Request) -> JSONResponse:
    """The widget's "Wis gesprek": the conversation erased everywhere, as the console does
    (bot/console/avg.py); audited without the id or any content."""
    state = request.app.state
    session_id = verify_session(bearer_token(request), state.secret_key)
    if session_id is None:
        return JSONResponse({"error": "Dit gesprek ken ik niet."}, 401, NO_STORE)
    console_state = state.console
    try:
        deleted = await run_in_threadpool(
            delete_conversation, console_state.database.sessions, console_state.tracker, session_id
        )
        detail = f"kanaal=widget, rijen={deleted.total}"
        await run_in_threadpool(
            console_state.audit.record, None, "erase_self", None, detail, "persoon"
        )
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        logger.error("conversation not erased: %s", type(exc).__name__)
        return JSONResponse({"error": "Wissen lukt nu niet."}, 503, NO_STORE)
    return JSONResponse({"erased": True}, headers=NO_STORE)


def middleware(settings: Settings) -> list[Middleware]:
    """CORS for the widget's history and erase, the security headers, the body limit, console sessions."""
    rasa_origin = settings.public_rasa_url
    ws_origin = rasa_origin.replace("http://", "ws://").replace("https://", "wss://")
    https = settings.public_web_url.startswith("https://")
    return [
        # The widget on another allowed site reads its history from here.
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization"],
        ),
        Middleware(
            SecurityHeaders,
            connect_src=f"{settings.public_web_url} {rasa_origin} {ws_origin}",
            frame_origins=settings.allowed_origins,
            https=https,
        ),
        Middleware(BodyLimit),
        Middleware(
            SessionMiddleware,
            secret_key=security.session_key(settings.secret_key),
            session_cookie=security.COOKIE,
            max_age=security.MAX_SESSION_S,
            path=security.COOKIE_PATH,
            same_site="strict",
            https_only=https,
        ),
    ]


def site_routes(
    settings: Settings,
    templates: Environment,
    widget: WidgetBundle,
    get_catalog: Callable[[], Catalog],
) -> list[Route]:
    """The chat page, the demo page, the widget, a conversation's history and the health check."""
    rasa = RasaClient.from_settings(settings)

    def page(name: str) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(server=settings.public_web_url))

    async def chat_page(request: Request) -> HTMLResponse:
        return page("chat.html")

    async def demo_page(request: Request) -> HTMLResponse:
        return page("demo.html")

    async def widget_js(request: Request) -> Response:
        return await widget_response(widget, request)

    async def conversation_history(request: Request) -> JSONResponse:
        session_id = verify_session(bearer_token(request), settings.secret_key)
        if session_id is None:
            return JSONResponse({"error": "Dit gesprek ken ik niet."}, 401, NO_STORE)
        try:
            events = await run_in_threadpool(rasa.conversation_events, session_id)
        except RasaUnavailable as exc:
            logger.warning("history not loaded: %s", exc)
            return JSONResponse({"error": "Het gesprek laden lukt nu niet."}, 503, NO_STORE)
        return JSONResponse({"messages": history(events)}, headers=NO_STORE)

    async def health(request: Request) -> JSONResponse:
        try:
            stats = get_catalog().stats()
        except (CatalogError, DatabaseUnavailable):
            return JSONResponse({"status": "error", "database": "onbereikbaar"}, status_code=503)
        return JSONResponse({"status": "ok", "courses": stats["courses"]})

    return [
        Route("/", chat_page),
        Route("/demo", demo_page),
        Route("/widget.js", widget_js),
        Route("/api/history", conversation_history),
        Route("/api/erase", erase_conversation, methods=["POST"]),
        Route("/health", health),
    ]


def create_app(
    settings: Settings, catalog: Catalog | None = None, worker: bool = True
) -> Starlette:
    """Build the web app; nothing is opened until the first request.

    The secrets come from `Settings.with_secrets()`: the key that signs chat sessions and
    console cookies, and Rasa's API token for the history endpoint and the console.
    `worker` runs the handoff time-out worker in the background (off in some tests).
    """
    settings = settings.with_secrets()
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    state: dict[str, Catalog] = {}
    widget = WidgetBundle(settings, SOCKET_IO_CLIENT, WIDGET_SOURCE, WIDGET_TEXTS)

    def get_catalog() -> Catalog:
        """The catalog on the application database, opened on first use."""
        if catalog is not None:
            return catalog
        if "catalog" not in state:
            state["catalog"] = Catalog(Database(settings))
        return state["catalog"]

    def get_database() -> Database:
        return get_catalog().database

    app = Starlette(
        routes=[
            *site_routes(settings, templates, widget, get_catalog),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
            *console.ROUTES,
        ],
        middleware=middleware(settings),
        # In the production shape `overstap worker` runs the time-outs (OVERSTAP_WEB_WORKER=nee).
        lifespan=console.lifespan if worker and settings.web_worker else None,
    )
    app.state.console = console.Console(settings, get_database, templates)
    app.state.console_templates = templates
    app.state.widget = widget
    app.state.secret_key = settings.secret_key
    return app


def serve(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        create_app(settings.with_secrets()),
        host=settings.host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
    )
