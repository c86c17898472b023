"""POST /api/chat and GET /healthz against small real aiohttp servers standing in for Rasa."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.texts import web_text
from bot.web import WebConfig, create_app

pytestmark = pytest.mark.asyncio

SESSION = "sessionABCdef_0123-xyz"
OTHER_SESSION = "another-session_9876543210"
CANARIES = {
    "User-Agent": "canary-agent-5f1e",
    "X-Forwarded-For": "203.0.113.77",
    "X-Real-IP": "198.51.100.23",
    "Forwarded": "for=192.0.2.60;proto=https",
    "Referer": "https://canary-referer.example/page",
    "Cookie": "canary_cookie=c00k1e",
    "Accept-Language": "en-GB,en;q=0.9",
}
EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
    ),
}


# --- stand-ins for Rasa and the action server ---------------------------------------------------


@dataclass
class Upstream:
    """A real HTTP server that records every request and answers like Rasa's REST channel."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    raw_reply: bytes | None = None
    reply: list[dict[str, Any]] | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.received if r["method"] == "POST"]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(
            {
                "method": request.method,
                "path": request.path,
                "query": request.query_string,
                "headers": list(request.headers.items()),
                "cookies": dict(request.cookies),
                "body": body,
            }
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.method == "GET":
            return web.Response(status=self.status, text="Hello from Rasa: 3.6.21")
        if self.status != 200:
            return web.Response(status=self.status, text="Internal Server Error")
        if self.raw_reply is not None:
            return web.Response(body=self.raw_reply, content_type="application/json")
        incoming = json.loads(body)
        reply = self.reply
        if reply is None:
            reply = [{"recipient_id": incoming["sender"], "text": incoming["message"]}]
        return web.json_response(reply)


StartUpstream = Callable[..., Awaitable[Upstream]]


@pytest.fixture
def start_upstream(aiohttp_server) -> StartUpstream:
    async def start(**settings: Any) -> Upstream:
        upstream = Upstream(**settings)
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", upstream.handle)
        app.router.add_get("/", upstream.handle)
        server = await aiohttp_server(app)
        upstream.url = str(server.make_url("")).rstrip("/")
        return upstream

    return start


@pytest_asyncio.fixture
async def rasa(start_upstream) -> Upstream:
    return await start_upstream()


@pytest_asyncio.fixture
async def action_server(aiohttp_server) -> str:
    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/health", health)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def make_client(aiohttp_client, action_server) -> Callable[..., Awaitable[Any]]:
    async def make(*rasa_urls: str, **settings: Any) -> Any:
        settings.setdefault("action_server_url", action_server)
        config = WebConfig(rasa_urls=rasa_urls, **settings)
        return await aiohttp_client(create_app(config))

    return make


@pytest_asyncio.fixture
async def client(make_client, rasa) -> AsyncIterator[Any]:
    yield await make_client(rasa.url)


def message(text: Any, session_id: Any = SESSION, **extra: Any) -> dict[str, Any]:
    return {"session_id": session_id, "text": text, **extra}


async def post_raw(client: Any, body: bytes, content_type: str = "application/json") -> Any:
    return await client.post("/api/chat", data=body, headers={"Content-Type": content_type})


# --- forwarding ---------------------------------------------------------------------------------


async def test_message_is_forwarded_with_only_sender_message_and_metadata(client, rasa):
    response = await client.post(
        "/api/chat", json=message("Ik zag iets vreemds", lang="en-GB"), headers=CANARIES
    )

    assert response.status == 200
    assert len(rasa.received) == 1
    received = rasa.received[0]
    assert received["path"] == "/webhooks/rest/webhook"
    assert received["query"] == ""
    assert json.loads(received["body"]) == {
        "sender": SESSION,
        "message": "Ik zag iets vreemds",
        "metadata": {"lang": "en"},
    }
    assert received["cookies"] == {}
    everything = repr(received).lower()
    for name, value in CANARIES.items():
        assert value.lower() not in everything, name
    header_names = {name.lower() for name, _ in received["headers"]}
    for name in ("x-forwarded-for", "x-real-ip", "forwarded", "referer", "cookie", "origin"):
        assert name not in header_names
    assert "accept-language" not in header_names


async def test_reply_has_text_and_buttons_only(client, rasa):
    rasa.reply = [
        {
            "recipient_id": SESSION,
            "text": "Wat wil je doen?",
            "buttons": [
                {"title": "Melden", "payload": "/report", "type": "postback"},
                {"title": "Hulp", "payload": '/help{"who":"me"}'},
                {"title": 3, "payload": "/broken"},
            ],
        },
        {"recipient_id": SESSION, "image": "https://example.org/cat.png"},
        {"recipient_id": SESSION, "text": "Tweede bericht", "custom": {"x": 1}},
        {"recipient_id": SESSION, "text": 42},
        "not a message",
    ]

    response = await client.post("/api/chat", json=message("hoi"))

    assert response.status == 200
    assert await response.json() == {
        "messages": [
            {
                "text": "Wat wil je doen?",
                "buttons": [
                    {"title": "Melden", "payload": "/report"},
                    {"title": "Hulp", "payload": '/help{"who":"me"}'},
                ],
            },
            {"text": "Tweede bericht", "buttons": []},
        ]
    }


async def test_an_empty_rasa_reply_still_answers_with_the_phone_numbers(client, rasa):
    rasa.reply = []
    response = await client.post("/api/chat", json=message("hoi"))
    assert response.status == 200
    body = await response.json()
    assert body["error"] == "no_answer"
    [reply] = body["messages"]
    assert reply["text"] == web_text("nl", "unavailable")
    assert "112" in reply["text"] and "06 25 76 50 52" in reply["text"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl-NL", "nl"),
        ("en", "en"),
        ("EN_us", "en"),
        ("xx-YY", None),
        ("e" * 36, None),
        (42, None),
        (None, None),
    ],
)
async def test_language_hint_becomes_a_supported_code_or_null(client, rasa, lang, expected):
    body = message("hallo") if lang is None else message("hallo", lang=lang)
    response = await client.post("/api/chat", json=body)
    assert response.status == 200
    assert rasa.messages[0]["metadata"] == {"lang": expected}


# --- text handling ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", " \n\t \r\n ", "\x00\x01\x7f"])
async def test_empty_text_gets_a_kind_reply_without_calling_rasa(client, rasa, text):
    response = await client.post("/api/chat", json=message(text, lang="en"))

    assert response.status == 200
    assert await response.json() == {"messages": [{"text": web_text("en", "empty"), "buttons": []}]}
    assert rasa.received == []


async def test_text_over_the_limit_is_refused(client, rasa):
    response = await client.post("/api/chat", json=message("a" * 2001))

    assert response.status == 413
    body = await response.json()
    assert body["error"] == "too_long"
    assert body["messages"] == [{"text": web_text("nl", "too_long"), "buttons": []}]
    assert rasa.received == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2000,
        "😀" * 2000,  # 2,000 characters, 8,000 bytes
        "a" * 1990 + "\x00" * 30 + "b" * 10,  # 2,030 before cleaning, 2,000 after
        "e\u0301" * 2000,  # 4,000 code points, 2,000 after NFC
    ],
    ids=["ascii", "emoji", "controls-stripped", "nfc"],
)
async def test_text_at_the_limit_after_normalisation_is_forwarded(client, rasa, text):
    response = await client.post("/api/chat", json=message(text))

    assert response.status == 200
    assert len(rasa.messages[0]["message"]) == 2000


async def test_huge_body_is_refused(client, rasa):
    body = json.dumps(message("a" * 1_000_000)).encode()
    response = await post_raw(client, body)

    assert response.status == 413
    assert (await response.json())["messages"][0]["text"] == web_text("nl", "too_long")
    assert rasa.received == []


async def test_huge_chunked_body_is_refused(client, rasa):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"session_id": "' + SESSION.encode() + b'", "text": "'
        for _ in range(64):
            yield b"a" * 16_384
        yield b'"}'

    response = await client.post(
        "/api/chat", data=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status == 413
    assert (await response.json())["error"] == "too_long"
    assert rasa.received == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"dit is geen json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b"", "application/json"),
        (
            b'{"session_id": "sessionABCdef_0123-xyz", "text": "caf\xe9 \xff\xfe"}',
            "application/json",
        ),
        (b"[" * 60_000, "application/json"),
        (json.dumps(message("hoi")).encode("utf-16"), "application/json"),
        (json.dumps(message("hoi")).encode(), "text/plain"),
        (b"session_id=sessionABCdef_0123-xyz&text=hoi", "application/x-www-form-urlencoded"),
    ],
    ids=[
        "not-json",
        "array",
        "string",
        "null",
        "empty",
        "invalid-utf8",
        "deep-nesting",
        "utf16",
        "text-plain",
        "form",
    ],
)
async def test_unreadable_body_is_a_400_with_a_message(client, rasa, body, content_type):
    response = await post_raw(client, body, content_type)

    assert response.status == 400
    assert await response.json() == {
        "error": "bad_request",
        "messages": [{"text": web_text("nl", "unreadable"), "buttons": []}],
    }
    assert rasa.received == []


async def test_unreadable_body_answers_in_the_accept_language(client):
    response = await client.post(
        "/api/chat",
        data=b"{",
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert response.status == 400
    assert (await response.json())["messages"][0]["text"] == web_text("en", "unreadable")


@pytest.mark.parametrize(
    "session_id",
    [
        None,
        "",
        "short",
        "a" * 15,
        "a" * 129,
        "a" * 16 + "\n",
        "a" * 15 + "!",
        "../../etc/passwd-aaaa",
        "ä" * 16,
        "a" * 8 + " " + "a" * 8,
        1234567890123456789,
        ["a" * 16],
    ],
)
async def test_bad_session_id_is_a_400(client, rasa, session_id):
    body = {"text": "hoi"} if session_id is None else message("hoi", session_id=session_id)
    response = await client.post("/api/chat", json=body)

    assert response.status == 400
    assert (await response.json())["error"] == "bad_request"
    assert rasa.received == []


@pytest.mark.parametrize("session_id", ["a" * 16, "Z" * 128, "A-b_" * 8])
async def test_session_ids_at_the_edges_are_accepted(client, rasa, session_id):
    response = await client.post("/api/chat", json=message("hoi", session_id=session_id))
    assert response.status == 200
    assert rasa.messages[0]["sender"] == session_id


@pytest.mark.parametrize("text", [None, 5, ["hoi"], {"text": "hoi"}, True])
async def test_text_missing_or_not_a_string_is_a_400(client, rasa, text):
    body = {"session_id": SESSION} if text is None else message(text)
    response = await client.post("/api/chat", json=body)

    assert response.status == 400
    assert (await response.json())["messages"][0]["text"] == web_text("nl", "unreadable")
    assert rasa.received == []


@pytest.mark.parametrize(
    ("sent", "forwarded"),
    [
        ("a\x00b\x01c\x7fd\x1b[31me\u0085f", "abcd[31mef"),
        ("regel 1\r\nregel 2\rregel 3\tend", "regel 1\nregel 2\nregel 3\tend"),
        ("x\ud800y\udfffz", "xyz"),
        ("Cafe\u0301", "Café"),
        ("\x00  hallo  \x00", "hallo"),
    ],
    ids=["controls", "newlines-tab", "lone-surrogates", "nfc", "trim"],
)
async def test_text_is_cleaned(client, rasa, sent, forwarded):
    response = await client.post("/api/chat", json=message(sent))

    assert response.status == 200
    assert rasa.messages[0]["message"] == forwarded


@pytest.mark.parametrize(
    "text",
    [
        "Hallo 👋🏽 👩‍👩‍👧 🏳️‍🌈",
        "Привет, мне нужна помощь",
        "مرحبا، أحتاج إلى مساعدة",
        "'; DROP TABLE reports;--",
        "<script>alert(1)</script>",
        'Zürich – “quotes” & <b>"ampersand"</b>',
        "中文 テスト 한국어 नमस्ते",
        "Cześć, potrzebuję pomocy\nnowa regel",
    ],
)
async def test_every_script_and_odd_text_passes_through_unchanged(client, rasa, text):
    response = await client.post("/api/chat", json=message(text))

    assert response.status == 200
    assert rasa.messages[0]["message"] == text
    assert (await response.json())["messages"][0]["text"] == text


# --- Rasa failing -------------------------------------------------------------------------------


async def test_rasa_down_is_a_503_with_the_phone_numbers(make_client, closed_port_url):
    client = await make_client(closed_port_url)
    response = await client.post("/api/chat", json=message("hoi", lang="en"))

    assert response.status == 503
    body = await response.json()
    assert body["error"] == "unavailable"
    assert body["messages"] == [{"text": web_text("en", "unavailable"), "buttons": []}]
    assert "112" in body["messages"][0]["text"]


@pytest.mark.parametrize(
    "settings",
    [
        {"status": 500},
        {"status": 404},
        {"raw_reply": b"<html>oops</html>"},
        {"raw_reply": b'{"not": "a list"}'},
    ],
    ids=["500", "404", "not-json", "not-a-list"],
)
async def test_rasa_errors_are_a_503(make_client, start_upstream, settings):
    rasa = await start_upstream(**settings)
    client = await make_client(rasa.url)
    response = await client.post("/api/chat", json=message("hoi"))

    assert response.status == 503
    assert "112" in (await response.json())["messages"][0]["text"]
    assert len(rasa.received) == 1


async def test_rasa_timeout_is_a_503(make_client, start_upstream):
    rasa = await start_upstream(delay=2.0)
    client = await make_client(rasa.url, rasa_timeout=0.2)
    response = await client.post("/api/chat", json=message("hoi"))

    assert response.status == 503
    assert (await response.json())["error"] == "unavailable"


async def test_unexpected_error_is_a_bare_500_logging_only_the_type(client, monkeypatch, caplog):
    async def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret detail from " + SESSION)

    monkeypatch.setattr("bot.web.chat.send_message", explode)
    caplog.set_level(logging.DEBUG)
    response = await client.post("/api/chat", json=message("hoi"))

    assert response.status == 500
    assert await response.json() == {"error": "internal"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "RuntimeError" in logged
    assert "secret detail" not in logged
    assert SESSION not in logged


# --- several Rasa instances ---------------------------------------------------------------------


async def test_each_session_sticks_to_one_rasa_instance(make_client, start_upstream):
    first, second = await start_upstream(), await start_upstream()
    client = await make_client(first.url, second.url)
    sessions = [f"session-number-{n:04d}" for n in range(20)]

    for _ in range(3):
        for session_id in sessions:
            response = await client.post("/api/chat", json=message("hoi", session_id=session_id))
            assert response.status == 200

    on_first = [m["sender"] for m in first.messages]
    on_second = [m["sender"] for m in second.messages]
    assert len(on_first) + len(on_second) == 60
    assert not set(on_first) & set(on_second)
    assert set(on_first) | set(on_second) == set(sessions)
    assert on_first and on_second
    for session_id in sessions:
        assert on_first.count(session_id) + on_second.count(session_id) == 3


# --- headers ------------------------------------------------------------------------------------


def assert_security_headers(response: Any) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "aiohttp" not in response.headers.get("Server", "")


async def test_security_headers_on_success_and_errors(make_client, rasa, closed_port_url):
    client = await make_client(rasa.url)
    down = await make_client(closed_port_url)

    responses = {
        200: await client.post("/api/chat", json=message("hoi")),
        400: await post_raw(client, b"nope"),
        404: await client.get("/does-not-exist"),
        405: await client.get("/api/chat"),
        413: await client.post("/api/chat", json=message("a" * 2001)),
        503: await down.post("/api/chat", json=message("hoi")),
    }

    for status, response in responses.items():
        assert response.status == status
        assert_security_headers(response)


async def test_chat_answers_are_not_stored(make_client, rasa, closed_port_url):
    client = await make_client(rasa.url)
    down = await make_client(closed_port_url)
    for response in (
        await client.post("/api/chat", json=message("hoi")),
        await post_raw(client, b"nope"),
        await down.post("/api/chat", json=message("hoi")),
    ):
        assert response.headers["Cache-Control"] == "no-store"


async def test_frame_ancestors_follow_the_configuration(make_client, rasa):
    client = await make_client(rasa.url, frame_ancestors="'self'  https://www.sittard-geleen.nl")
    response = await client.get("/does-not-exist")
    assert response.headers["Content-Security-Policy"].endswith(
        "; frame-ancestors 'self' https://www.sittard-geleen.nl"
    )


@pytest.mark.parametrize(
    "frame_ancestors",
    ["'self'; script-src *", "https://a.example,https://b.example", "x\r\nSet-Cookie: a=b"],
)
async def test_frame_ancestors_cannot_inject_policy(frame_ancestors):
    with pytest.raises(ValueError):
        WebConfig(frame_ancestors=frame_ancestors)


# --- health -------------------------------------------------------------------------------------


async def test_healthz_ok_when_everything_is_up(client, rasa):
    response = await client.get("/healthz")

    assert response.status == 200
    assert await response.json() == {"status": "ok"}
    assert [(r["method"], r["path"]) for r in rasa.received] == [("GET", "/")]
    assert_security_headers(response)


async def test_healthz_503_when_rasa_is_down(make_client, rasa, closed_port_url):
    client = await make_client(rasa.url, closed_port_url)
    response = await client.get("/healthz")

    assert response.status == 503
    assert await response.json() == {"status": "unavailable", "down": ["rasa-2"]}
    assert_security_headers(response)


async def test_healthz_503_when_rasa_answers_an_error(make_client, start_upstream):
    rasa = await start_upstream(status=500)
    client = await make_client(rasa.url)
    response = await client.get("/healthz")

    assert response.status == 503
    assert (await response.json())["down"] == ["rasa-1"]


async def test_healthz_503_when_the_action_server_is_down(make_client, rasa, closed_port_url):
    client = await make_client(rasa.url, action_server_url=closed_port_url)
    response = await client.get("/healthz")

    assert response.status == 503
    assert await response.json() == {"status": "unavailable", "down": ["action_server"]}


# --- logging ------------------------------------------------------------------------------------


async def test_chat_requests_log_no_text_session_or_visitor_details(
    make_client, rasa, closed_port_url, caplog
):
    caplog.set_level(logging.DEBUG)
    secret_text = "Mijn buurvrouw Jansen op Rijksweg 12 wordt vastgehouden"
    client = await make_client(rasa.url)
    down = await make_client(closed_port_url)

    assert (await client.post("/api/chat", json=message(secret_text), headers=CANARIES)).ok
    failed = await down.post("/api/chat", json=message(secret_text), headers=CANARIES)
    assert failed.status == 503
    await client.post("/api/chat", json=message("x" * 2001 + secret_text), headers=CANARIES)

    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_info} {r.exc_text}" for r in caplog.records
    )
    assert "unavailable" in logged.lower()  # the failure itself is logged ...
    for secret in (secret_text, "Jansen", SESSION, *CANARIES.values(), "127.0.0.1"):
        assert secret not in logged  # ... but nothing about the visitor or the message


async def test_malformed_http_is_logged_without_the_visitor_address(client, caplog):
    caplog.set_level(logging.DEBUG)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Canary: canary-agent-5f1e\x01\r\n\r\n")
    await writer.drain()
    answer = await reader.read(1000)
    writer.close()

    assert answer.split(b" ")[1] == b"400"
    server_records = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert server_records
    for record in server_records:
        text = f"{record.getMessage()} {record.exc_info} {record.exc_text}"
        assert "127.0.0.1" not in text
        assert "canary" not in text
