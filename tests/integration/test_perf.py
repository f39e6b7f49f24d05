"""The cheaper paths of bot/perf.py answer exactly as Rasa's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp import web
from rasa.core.nlg import interpolator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot import perf

ROOT = Path(__file__).resolve().parents[2]


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_interpolation_gives_rasas_result_for_every_string_of_the_domain() -> None:
    original = interpolator.interpolate_text
    perf.patch_interpolation()
    patched = interpolator.interpolate_text
    try:
        domain = Domain.load(str(ROOT / "domain.yml"))
        values = {slot.name: "waarde" for slot in domain.slots}
        values.update(name="Anna", wish="de zorg", work_situation=None)
        texts = list(strings(domain.responses))
        texts += ["{onbekend} en {name}", "{{name}}", "geen accolades", '/inform{"a": "b"}']
        assert len(texts) > 200
        for text in texts:
            assert patched(text, values) == original(text, values), text
    finally:
        interpolator.interpolate_text = original


def test_an_endpoint_keeps_one_session_and_its_connection() -> None:
    async def scenario() -> tuple[int, int]:
        peers = set()

        async def handle(request: web.Request) -> web.Response:
            peers.add(request.transport.get_extra_info("peername"))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/webhook", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        original = EndpointConfig.session
        perf.patch_endpoint_sessions()
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
            answers = [await endpoint.request(json={"n": n}) for n in range(5)]
            session = endpoint._overstap_session
        finally:
            EndpointConfig.session = original
        await session.close()
        await runner.cleanup()
        assert answers == [{"ok": True}] * 5
        assert isinstance(session, aiohttp.ClientSession)
        return len(peers), len(answers)

    connections, calls = asyncio.run(scenario())
    assert connections == 1 and calls == 5


def test_debug_copies_copy_only_when_rasa_logs_at_debug() -> None:
    import logging

    from rasa.core import processor

    perf.patch_debug_copies()
    value = {"a": [1, 2]}
    logger = logging.getLogger("rasa")
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert processor.copy.deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = processor.copy.deepcopy(value)
        assert copied == value and copied is not value
        assert processor.copy.copy(value) is not value
    finally:
        logger.setLevel(level)
