"""Cheaper messages in the Rasa server, each without a change in what Rasa answers.

Found by profiling one message end to end under load (py-spy on a Rasa instance, README "Cost
of a message"):

- `single_threaded_math`: TensorFlow and the BLAS libraries start a pool of threads per core
  and spin them up for every small prediction; one Rasa process per core (run-prod) does better
  with one thread each. Set only where nothing else was set.
- `patch_interpolation`: Rasa fills slot values into every string of a response, button payloads
  too. A payload such as `/inform{"sector": "zorg"}` looks like a placeholder, fails, and Rasa
  logs an error with the whole traceback and its local variables, for every button of every
  reply. A string whose placeholders are not all known slots comes back unchanged, as before,
  without that log.
- `patch_endpoint_sessions`: Rasa opens a new HTTP client session and TCP connection to the
  action server for every action it runs. One session per endpoint keeps connections open
  (closed after 3 s idle, before the action server's 5 s keep-alive ends them).
- `patch_debug_copies`: Rasa deep-copies the tracker's states, events and slots for its debug
  log lines on every prediction, also when nothing logs at DEBUG. In the modules where
  `copy.deepcopy` serves only those log lines it copies only when Rasa logs at DEBUG.
"""

from __future__ import annotations

import os
import re

PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
KEEPALIVE_S = 3.0


def single_threaded_math() -> None:
    for name in (
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    ):
        os.environ.setdefault(name, "1")


def patch_interpolation() -> None:
    from rasa.core.nlg import interpolator

    original = interpolator.interpolate_text
    if getattr(original, "_overstap_patched", False):
        return

    def interpolate_text(response, values):
        if not isinstance(response, str) or "{{" in response:
            return original(response, values)
        if "{" not in response and "}" not in response:
            return response.format(values)  # Rasa's result for text without placeholders
        names = PLACEHOLDER.findall(response)
        if names and any(name not in values for name in names):
            return response  # what Rasa returns after logging the KeyError
        return original(response, values)

    interpolate_text._overstap_patched = True  # type: ignore[attr-defined]
    interpolator.interpolate_text = interpolate_text


class _KeptSession:
    """`async with` around a session that stays open."""

    def __init__(self, session) -> None:
        self.session = session

    async def __aenter__(self):
        return self.session

    async def __aexit__(self, *exc) -> bool:
        return False


def patch_endpoint_sessions() -> None:
    import asyncio

    import aiohttp
    from rasa.utils import endpoints

    original = endpoints.EndpointConfig.session
    if getattr(original, "_overstap_patched", False):
        return

    def session(self):
        loop = asyncio.get_running_loop()
        kept = getattr(self, "_overstap_session", None)
        if kept is None or kept.closed or getattr(self, "_overstap_loop", None) is not loop:
            fresh = original(self)
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S)
            kept = aiohttp.ClientSession(
                headers=fresh._default_headers,
                auth=fresh._default_auth,
                timeout=fresh.timeout,
                connector=connector,
            )
            loop.create_task(fresh.close())
            self._overstap_session = kept
            self._overstap_loop = loop
        return _KeptSession(kept)

    session._overstap_patched = True  # type: ignore[attr-defined]
    endpoints.EndpointConfig.session = session


# Rasa modules where every `copy.deepcopy(...)` is an argument of a structlog debug line.
LOG_ONLY_DEEPCOPY = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
    "rasa.core.actions.forms",
    "rasa.core.channels.rest",
)


class _DebugCopy:
    """`copy` for a module whose deep copies only feed debug log lines."""

    def __init__(self) -> None:
        import copy
        import logging

        self._copy = copy
        self._rasa_log = logging.getLogger("rasa")

    def __getattr__(self, name: str):
        return getattr(self._copy, name)

    def deepcopy(self, value, memo=None):
        import logging

        if self._rasa_log.isEnabledFor(logging.DEBUG):
            return self._copy.deepcopy(value, memo)
        return value


def patch_debug_copies() -> None:
    import importlib

    shim = _DebugCopy()
    for name in LOG_ONLY_DEEPCOPY:
        module = importlib.import_module(name)
        if not isinstance(getattr(module, "copy", None), _DebugCopy):
            module.copy = shim


def apply_all() -> None:
    single_threaded_math()
    patch_interpolation()
    patch_endpoint_sessions()
    patch_debug_copies()
