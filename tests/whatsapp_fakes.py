"""Test helpers for the WhatsApp channel: a fake Graph API and Meta-shaped webhook posts.

FakeGraph is a real HTTP server on 127.0.0.1 (http.server in a thread). It records every
request and answers like the Cloud API's POST /<PHONE_NUMBER_ID>/messages; it can be told to
answer 429, 500, 400 or the 24-hour-window error 131047 (with a Retry-After header if asked),
and to answer slowly. The webhook payloads come from
tests/data/whatsapp/, shaped as Meta's webhook reference shows them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "whatsapp"
PHONE = "31612345678"  # the person in the example payloads
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "test-app-secret-3f9a"
VERIFY_TOKEN = "test-verify-token-81c2"
ACCESS_TOKEN = "EAAtestaccesstoken0123456789abcdef"
API_VERSION = "v21.0"
PSEUDONYM_KEY = "test-pseudonym-key-5d1e"  # the integration stack's OVERSTAP_PSEUDONYM_KEY


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def wamid(phone: str) -> str:
    """A message id as Meta makes them: "wamid." and the base64 of a record that holds the
    person's number, as in the payloads of tests/data/whatsapp/ (their "wamid.HBgLMzE2MTIz..."
    decodes to b"\x1c\x18\x0b31612345678\x15\x02\x00\x11\x18\x12" and 18 hex digits)."""
    tail = uuid.uuid4().hex[:18].upper().encode()
    head = b"\x1c\x18" + bytes([len(phone)]) + phone.encode()
    record = head + b"\x15\x02\x00\x11\x18" + bytes([len(tail)]) + tail + b"\x00"
    return "wamid." + base64.b64encode(record).decode()


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    """X-Hub-Signature-256 as Meta computes it, written out here independently of the bot."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def text_payload(
    body: str, message_id: str, sender: str = PHONE, timestamp: int = 1739321024
) -> dict[str, Any]:
    """The text.json example with another text, id, sender and timestamp."""
    payload = load("text.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = sender
    message = value["messages"][0]
    message.update({"from": sender, "id": message_id, "timestamp": str(timestamp)})
    message["text"]["body"] = body
    return payload


def interactive_payload(kind: str, reply_id: str, title: str, message_id: str) -> dict[str, Any]:
    """A button_reply or list_reply as in button_reply.json / list_reply.json."""
    payload = load("button_reply.json" if kind == "button_reply" else "list_reply.json")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["id"] = message_id
    message["interactive"] = {"type": kind, kind: {"id": reply_id, "title": title}}
    return payload


class FakeGraph:
    """POST /<version>/<phone_number_id>/messages, recorded; scripted failures first."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self._always: tuple[int, dict[str, Any], dict[str, str]] | None = None
        self.delay_s = 0.0  # every answer waits this long
        self._in_flight = 0
        self.max_in_flight = 0  # the most requests the server held at the same time
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"unparsable": raw.decode(errors="replace")}
                with fake._lock:
                    fake._in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake._in_flight)
                try:
                    time.sleep(fake.delay_s)
                    status, answer, extra = fake._answer(self.path, dict(self.headers), body)
                finally:
                    with fake._lock:
                        fake._in_flight -= 1
                data = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FakeGraph:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        """What OVERSTAP_WHATSAPP_GRAPH_URL is set to: base URL with the API version."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{API_VERSION}"

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(
        self, status: int, body_file: str, times: int = 1, retry_after: str | None = None
    ) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self._lock:
            self._script.extend([(status, load(body_file), headers)] * times)

    def fail_always(self, status: int, body_file: str) -> None:
        with self._lock:
            self._always = (status, load(body_file), {})

    def recover(self) -> None:
        """The API is back: answers succeed again (what was recorded stays)."""
        with self._lock:
            self._script.clear()
            self._always = None

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._script.clear()
            self._always = None
            self.delay_s = 0.0
            self.max_in_flight = 0

    def _answer(
        self, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        extra: dict[str, str] = {}
        with self._changed:
            if self._script:
                status, answer, extra = self._script.pop(0)
            elif self._always is not None:
                status, answer, extra = self._always
            else:
                answer = load("graph_send_ok.json")
                to = str(body.get("to") or "")
                fake = f"wamid.fake.{next(self._ids)}"
                answer["messages"][0]["id"] = wamid(to) if to.isdigit() else fake
                answer["contacts"][0]["input"] = body.get("to") or body.get("recipient")
                status = 200
            self.requests.append(
                {
                    "path": path,
                    "authorization": headers.get("Authorization"),
                    "body": body,
                    "status": status,
                    "at": time.monotonic(),
                    "message_id": answer.get("messages", [{}])[0].get("id"),
                }
            )
            self._changed.notify_all()
            return status, answer, extra

    # -- reading -----------------------------------------------------------------------------

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` requests came in; returns all of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} Graph requests, got {len(self.requests)}: "
                        + json.dumps([r["body"] for r in self.requests], ensure_ascii=False)
                    )
                self._changed.wait(left)
            return list(self.requests)

    def sent(self) -> list[dict[str, Any]]:
        """Bodies of the requests answered 200, in order."""
        with self._lock:
            return [r["body"] for r in self.requests if r["status"] == 200]


def visible_text(body: dict[str, Any]) -> str:
    """What the person reads of one sent message: text, or interactive body plus options."""
    if body.get("type") == "text":
        return body["text"]["body"]
    if body.get("type") == "interactive":
        interactive = body["interactive"]
        parts = [interactive["body"]["text"]]
        if interactive["type"] == "button":
            parts += [b["reply"]["title"] for b in interactive["action"]["buttons"]]
        else:
            for section in interactive["action"]["sections"]:
                parts += [row["title"] for row in section["rows"]]
        return "\n".join(parts)
    return json.dumps(body)


def options_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, id) of the buttons or list rows in one sent message."""
    if body.get("type") != "interactive":
        return []
    interactive = body["interactive"]
    if interactive["type"] == "button":
        return [(b["reply"]["title"], b["reply"]["id"]) for b in interactive["action"]["buttons"]]
    return [
        (row["title"], row["id"])
        for section in interactive["action"]["sections"]
        for row in section["rows"]
    ]
