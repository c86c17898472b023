"""Chat helpers for the end-to-end tests; the running system itself is in tests/conftest.py."""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from bot.run import System

# A reference code as the bot shows it.
CODE = re.compile(r"\b\d{5}-\d{5}-\d{5}-\d{5}-\d{5}\b")


def choice(value: str) -> str:
    """The payload of a choice button."""
    return '/inform{"choice": "' + value + '"}'


def sign(value: str) -> str:
    """The payload of a warning-sign button."""
    return '/inform{"sign": "' + value + '"}'


@dataclass
class Reply:
    status: int
    messages: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def payloads(self) -> list[str]:
        return [b["payload"] for m in self.messages for b in m.get("buttons") or []]


class Chat:
    """One conversation through POST /api/chat, as the widget does it."""

    def __init__(self, base_url: str, lang: str | None = None) -> None:
        self.base_url = base_url
        self.session_id = secrets.token_urlsafe(24)
        self.lang = lang

    def send(self, text: str, headers: dict[str, str] | None = None) -> Reply:
        body = {"session_id": self.session_id, "text": text}
        if self.lang:
            body["lang"] = self.lang
        return post_json(f"{self.base_url}/api/chat", body, headers)


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> Reply:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(response.status, json.loads(response.read()).get("messages", []))
    except urllib.error.HTTPError as error:
        payload = json.loads(error.read() or b"{}")
        return Reply(error.code, payload.get("messages", []))


@pytest.fixture
def chat_nl(zicht: System) -> Chat:
    return Chat(zicht.web_url, lang="nl")


@pytest.fixture
def chat_en(zicht: System) -> Chat:
    return Chat(zicht.web_url, lang="en-GB")


def file_report(chat: Chat, optional: Sequence[str] | None = None) -> str:
    """A short report in Dutch through the real chat (buttons where there are buttons); its
    code. `optional`: typed answers for vehicles, persons and description (default: skipped)."""
    chat.send("/greet")
    chat.send("/report_signs")
    chat.send(choice("no"))
    chat.send(sign("odd_hours"))
    chat.send(choice("done"))
    chat.send("Rijksweg Zuid 12")
    chat.send("Geleen")
    chat.send(choice("night"))
    chat.send(choice("daily"))
    chat.send(choice("months_1_6"))
    for answer in optional or (choice("skip"),) * 3:
        reply = chat.send(answer)
        assert reply.status == 200, reply.text
    reply = chat.send(choice("send"))
    match = CODE.search(reply.text)
    assert match, reply.text
    return match.group(0)
