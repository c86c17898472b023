"""Abuse resistance of the public side: chat rate limits, reports per conversation, and the
security headers on every answer (errors and static files included)."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from aiohttp import web

from actions.report_actions import (
    MAX_REPORTS_PER_CONVERSATION,
    ActionSubmitReport,
    ReportCounter,
)
from bot.texts import web_text
from bot.web import WebConfig, create_app
from bot.web import chat as chat_module
from bot.web.ratelimit import ChatLimiter, Rate, RateLimits, retry_after
from tests.unit.action_helpers import (
    ANSWERS,
    actions_store,
    response_kwargs,
    responses,
    run,
    said,
    tracker,
)

HELP_NUMBERS = ("112", "06 25 76 50 52")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the token buckets --------------------------------------------------------------------------


def limiter(clock: Clock, **rates: Rate) -> ChatLimiter:
    return ChatLimiter(dataclasses.replace(RateLimits(), **rates), clock=clock)


def test_a_session_gets_its_burst_then_its_rate():
    clock = Clock()
    limits = limiter(clock, session=Rate(5, 60))  # 5 at once, then 1 a second
    assert [limits.check("s1") for _ in range(5)] == [0.0] * 5
    wait = limits.check("s1")
    assert 0.9 < wait <= 1.0
    clock.now += 1.0
    assert limits.check("s1") == 0.0
    assert limits.check("s1") > 0.0
    assert limits.check("s2") == 0.0  # another conversation is not affected


def test_refused_messages_take_no_tokens():
    clock = Clock()
    limits = limiter(clock, session=Rate(2, 60), overall=Rate(3, 60))
    assert limits.check("flood") == 0.0
    assert limits.check("flood") == 0.0
    for _ in range(100):
        assert limits.check("flood") > 0.0  # refused: the overall bucket keeps its token
    assert limits.check("normal") == 0.0
    assert limits.refused == 100


def test_the_overall_limit_holds_for_everyone():
    clock = Clock()
    limits = limiter(clock, overall=Rate(10, 600))
    assert all(limits.check(f"s{i}") == 0.0 for i in range(10))
    assert limits.check("s10") > 0.0
    clock.now += 0.1  # 10 a second
    assert limits.check("s10") == 0.0


def test_rotating_session_ids_buys_only_the_new_session_rate():
    clock = Clock()
    limits = limiter(clock, new_sessions=Rate(3, 60), session=Rate(20, 60))
    assert limits.check("a") == 0.0
    limits.check("b")
    limits.check("c")
    assert limits.check("d") > 0.0  # a fourth new id must wait
    assert limits.check("a") == 0.0  # known conversations go on
    clock.now += 1.0
    assert limits.check("d") == 0.0


def test_the_session_table_is_bounded_and_forgets_idle_sessions():
    clock = Clock()
    limits = ChatLimiter(
        RateLimits(new_sessions=Rate(10_000, 60), overall=Rate(10_000, 60), max_sessions=100),
        clock=clock,
    )
    for i in range(500):
        limits.check(f"session-{i}")
    assert len(limits) <= 101
    clock.now += RateLimits().forget_after + 1
    limits.check("a-late-session")
    assert len(limits) == 1
    assert "session" not in repr(limits._sessions)  # ids are kept only as keyed hashes


def test_limits_from_the_environment():
    limits = RateLimits.from_env({"ZICHT_RATE_SESSION": "5/10", "ZICHT_RATE_OVERALL": "50/600"})
    assert limits.session == Rate(5, 10)
    assert limits.overall == Rate(50, 600)
    assert limits.new_sessions == RateLimits().new_sessions
    with pytest.raises(ValueError):
        RateLimits.from_env({"ZICHT_RATE_SESSION": "fast"})
    assert retry_after(0.01) == "1" and retry_after(2.5) == "3"


# --- the chat API -------------------------------------------------------------------------------


@pytest.fixture
async def rasa(aiohttp_server) -> Any:
    received: list[Any] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response([{"text": "ok"}])

    async def root(request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/", root)
    server = await aiohttp_server(app)
    server.received = received
    return server


async def make_client(aiohttp_client, rasa, limits: RateLimits | None = None, **config: Any):
    url = str(rasa.make_url("")).rstrip("/")
    web_config = WebConfig(rasa_urls=(url,), action_server_url=url, **config)
    return await aiohttp_client(create_app(web_config, limits))


def body(text: str, session: str = "session-0123456789abcdef", lang: str = "nl") -> dict:
    return {"session_id": session, "text": text, "lang": lang}


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_flooding_session_gets_a_kind_429_in_its_language(aiohttp_client, rasa, lang):
    client = await make_client(aiohttp_client, rasa, RateLimits(session=Rate(3, 6)))
    for _ in range(3):
        assert (await client.post("/api/chat", json=body("hoi", lang=lang))).status == 200
    refused = await client.post("/api/chat", json=body("hoi", lang=lang))
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    answer = await refused.json()
    assert answer["error"] == "rate_limited"
    assert answer["messages"][0]["text"] == web_text(lang, "rate_limited")
    for number in HELP_NUMBERS:
        assert number in answer["messages"][0]["text"]
    assert refused.headers["Cache-Control"] == "no-store"
    assert len(rasa.received) == 3  # the refused message never reached Rasa
    other = await client.post("/api/chat", json=body("hoi", session="another-session-0987654321"))
    assert other.status == 200


async def test_the_overall_limit_answers_429_too(aiohttp_client, rasa):
    client = await make_client(aiohttp_client, rasa, RateLimits(overall=Rate(2, 1)))
    statuses = [
        (await client.post("/api/chat", json=body("hoi", session=f"session-number-{i:04d}"))).status
        for i in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


async def test_the_limited_texts_exist_in_dutch_and_english():
    for lang in ("nl", "en"):
        for key in ("rate_limited", "report_limit"):
            text = web_text(lang, key)
            assert "112" in text, (lang, key)


# --- headers on every answer --------------------------------------------------------------------

HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)


def assert_headers(response: Any, frame_ancestors: str = "'none'") -> None:
    for name in HEADERS:
        assert response.headers.get(name), (response.status, name)
    csp = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert csp.endswith(f"frame-ancestors {frame_ancestors}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers


async def test_every_answer_carries_the_headers(aiohttp_client, rasa, monkeypatch, caplog):
    caplog.set_level(logging.ERROR)
    ancestors = "'self' https://www.sittard-geleen.nl"
    client = await make_client(aiohttp_client, rasa, frame_ancestors=ancestors)
    answers = {
        "page": await client.get("/"),
        "static": await client.get("/static/chat.js"),
        "404": await client.get("/nothing-here"),
        "405": await client.put("/api/chat"),
        "400": await client.post("/api/chat", data=b"{", headers={"Content-Type": "text/plain"}),
        "health": await client.get("/healthz"),
    }

    async def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(chat_module, "send_message", explode)
    answers["500"] = await client.post("/api/chat", json=body("hoi"))
    assert answers["500"].status == 500
    assert answers["static"].status == 200
    for name, response in answers.items():
        assert response.status != 0, name
        assert_headers(response, ancestors)


# --- reports per conversation -------------------------------------------------------------------

CONFIRMED = {**ANSWERS, "signs": ["many_vehicles"], "confirm": "send"}


@pytest.fixture
def reader(monkeypatch, tmp_path):
    yield from actions_store(monkeypatch, tmp_path)


def submit(sender: str, language: str = "en") -> Any:
    current = tracker(said("yes"), slots=CONFIRMED, language=language, active_loop=None)
    current.sender_id = sender
    return run(ActionSubmitReport(), current)[1]


def test_a_conversation_sends_a_bounded_number_of_reports(reader):
    for _ in range(MAX_REPORTS_PER_CONVERSATION):
        assert responses(submit("conversation-a")) == ["utter_report_saved"]
    refused = submit("conversation-a")
    assert responses(refused) == []
    assert refused.messages[0]["text"] == web_text("en", "report_limit")
    assert response_kwargs(refused, "utter_report_saved") == []
    assert reader.count() == MAX_REPORTS_PER_CONVERSATION
    assert responses(submit("conversation-b", "nl")) == ["utter_report_saved"]
    assert reader.count() == MAX_REPORTS_PER_CONVERSATION + 1


def test_the_report_counter_forgets():
    clock = Clock()
    counter = ReportCounter(limit=1, ttl=10.0, max_entries=2, clock=clock)
    counter.add("conversation-a")
    assert counter.reached("conversation-a")
    clock.now += 11.0
    assert not counter.reached("conversation-a")  # after the ttl it may report again
    for sender in ("conversation-b", "conversation-c", "conversation-d"):
        counter.add(sender)
    assert len(counter._counts) <= 2
    assert "conversation" not in repr(counter._counts)  # sender ids only as keyed hashes
