"""The web app: the public chat page, its assets, and a health check."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.catalog.store import Catalog
from bot.errors import CatalogError
from bot.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


class SecurityHeaders(BaseHTTPMiddleware):
    """Strict headers on every page: no inline script, no framing, no sniffing."""

    def __init__(self, app, connect_src: str) -> None:
        super().__init__(app)
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {connect_src}; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'"
        )

    async def dispatch(self, request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def create_app(settings: Settings, catalog: Catalog | None = None) -> Starlette:
    """Build the web app; nothing is opened until the first request."""
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    state: dict[str, Catalog] = {}

    def get_catalog() -> Catalog:
        if catalog is not None:
            return catalog
        if "catalog" not in state:
            state["catalog"] = Catalog(settings)
        return state["catalog"]

    async def chat_page(request: Request) -> HTMLResponse:
        html = templates.get_template("chat.html").render(rasa_url=settings.public_rasa_url)
        return HTMLResponse(html)

    async def socket_io_client(request: Request) -> Response:
        if not SOCKET_IO_CLIENT.exists():
            return JSONResponse({"error": "npm ci is nog niet gedraaid"}, status_code=503)
        return FileResponse(SOCKET_IO_CLIENT, media_type="application/javascript")

    async def health(request: Request) -> JSONResponse:
        try:
            stats = get_catalog().stats()
        except CatalogError:
            return JSONResponse({"status": "error", "database": "onbereikbaar"}, status_code=503)
        return JSONResponse({"status": "ok", "courses": stats["courses"]})

    rasa_origin = settings.public_rasa_url
    ws_origin = rasa_origin.replace("http://", "ws://").replace("https://", "wss://")
    return Starlette(
        routes=[
            Route("/", chat_page),
            Route("/health", health),
            Route("/vendor/socket.io.min.js", socket_io_client),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders, connect_src=f"{rasa_origin} {ws_origin}")],
    )


def serve(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
    )
