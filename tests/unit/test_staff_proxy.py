"""/staff on the public web app: forwarded to the dashboard's process, and nothing more.

The dashboard's place is taken here by a small real aiohttp server that records what reaches it
(the real dashboard behind the real web app is exercised in tests/e2e and tests/browser).
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web import WebConfig, create_app

pytestmark = pytest.mark.asyncio


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture
async def dashboard() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(
            {
                "method": request.method,
                "path_qs": request.path_qs,
                "headers": dict(request.headers),
                "body": await request.read(),
            }
        )
        response = web.Response(
            status=303, text="ok", headers={"Location": "/staff/reports", "X-Internal": "secret"}
        )
        response.headers.add("Set-Cookie", "__Host-a=1; Path=/; Secure; HttpOnly")
        response.headers.add("Set-Cookie", "__Host-b=2; Path=/; Secure; HttpOnly")
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = closed_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def client_for(config: WebConfig) -> TestClient:
    client = TestClient(TestServer(create_app(config)))
    await client.start_server()
    return client


async def test_staff_requests_are_forwarded_with_only_what_the_dashboard_needs(dashboard):
    url, seen = dashboard
    client = await client_for(WebConfig(staff_url=url))
    try:
        response = await client.post(
            "/staff/reports/7/status?x=1",
            data={"status": "closed", "csrf_token": "t"},
            headers={
                "Cookie": "__Host-zicht_staff=abc",
                "Origin": "https://zicht.example",
                "User-Agent": "canary-agent",
                "Referer": "https://elsewhere.example/",
                "X-Zicht-Peer": "6.6.6.6",
            },
            allow_redirects=False,
        )
        assert response.status == 303
        assert response.headers["Location"] == "/staff/reports"
        assert response.headers.getall("Set-Cookie") == [
            "__Host-a=1; Path=/; Secure; HttpOnly",
            "__Host-b=2; Path=/; Secure; HttpOnly",
        ]
        assert "X-Internal" not in response.headers
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        # The header is no-referrer everywhere; the dashboard's pages relax it in a <meta>
        # (tests/browser/test_staff.py proves their form posts still carry a real Origin).
        assert response.headers["Referrer-Policy"] == "no-referrer"
        [request] = seen
        assert (request["method"], request["path_qs"]) == ("POST", "/staff/reports/7/status?x=1")
        assert request["body"] == b"status=closed&csrf_token=t"
        headers = request["headers"]
        assert headers["Cookie"] == "__Host-zicht_staff=abc"
        assert headers["Origin"] == "https://zicht.example"
        assert headers["X-Zicht-Peer"] == "127.0.0.1"  # the real peer, not the client's claim
        assert headers["Host"] == f"{client.host}:{client.port}"
        assert headers["User-Agent"] == "canary-agent"  # staff events record it
        assert "Referer" not in headers
    finally:
        await client.close()


async def test_the_chat_is_never_forwarded_to_the_dashboard(dashboard):
    url, seen = dashboard
    client = await client_for(
        WebConfig(staff_url=url, rasa_urls=(f"http://127.0.0.1:{closed_port()}",))
    )
    try:
        await client.get("/")
        await client.post("/api/chat", json={"sender": "a" * 20, "message": "hallo"})
        await client.get("/stafff")
        assert seen == []
    finally:
        await client.close()


async def test_without_a_staff_url_there_is_no_staff_route():
    client = await client_for(WebConfig())
    try:
        for path in ("/staff", "/staff/login", "/staff/reports/1"):
            assert (await client.get(path)).status == 404
    finally:
        await client.close()


async def test_an_unreachable_dashboard_gets_a_kind_page():
    client = await client_for(WebConfig(staff_url=f"http://127.0.0.1:{closed_port()}"))
    try:
        response = await client.get("/staff/login")
        assert response.status == 502
        assert "niet bereikbaar" in await response.text()
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    finally:
        await client.close()
