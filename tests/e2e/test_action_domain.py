"""The action server's side of sending the domain once (bot/nlu/rasa_speedups.py).

Rasa sends the 374 kB domain to the action server only until it holds it, then just its digest.
That relies on the real rasa-sdk: a call with a digest it does not hold gets 449 (so Rasa sends
the call again with the domain), and after a call with the domain, the digest alone gives the
same answer. The test replaces the server's copy with its own digest, so the next chat turn also
shows that Rasa recovers from the 449 on its own.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from typing import Any

from bot.run import System
from tests.e2e.conftest import Chat
from tests.unit.action_helpers import answer, domain

YES, NO = '/inform{"choice": "yes"}', '/inform{"choice": "no"}'


def call(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_action_server_keeps_the_domain_and_asks_for_it_when_it_lacks_it(
    zicht: System,
) -> None:
    url = f"http://127.0.0.1:{zicht.ports.actions}/webhook"
    tracker = answer("danger_now", {"text": "nee", "intent": {"name": "deny"}, "entities": []})
    digest = "test-" + secrets.token_hex(8)
    body = {
        "next_action": "validate_report_form",
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(),
        "version": "3.6.21",
        "domain_digest": digest,
    }

    status, _ = call(url, body)
    assert status == 449, "a digest the server does not hold must be refused with 449"

    status, with_domain = call(url, {**body, "domain": domain()})
    assert status == 200
    assert {"event": "slot", "name": "danger_now", "value": "no"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in with_domain["events"]
    ]
    status, digest_only = call(url, body)
    assert status == 200
    assert digest_only == with_domain

    # The server now holds our digest, not Rasa's: Rasa's next call gets a 449 and repeats it
    # with the domain. A report step that needs the form's validation still works.
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    reply = chat.send("/report_signs")
    assert YES in reply.payloads, reply.text
    reply = chat.send(NO)
    assert any(p.startswith("/inform") for p in reply.payloads), reply.text
    assert reply.status == 200
