"""Run in the Rasa environment (`make test-rasa-env`): the speed-ups of bot/nlu/rasa_speedups.py.

- The patched reply check accepts and refuses exactly what Rasa's own check does, and is faster.
- The domain goes to an action server once: against a small HTTP server that answers like
  rasa-sdk 3.9+ (449 for a digest it does not hold), the first call carries the domain, later
  calls only its digest, a server that forgot it gets it again after its 449, and an endpoint
  without `domain_digest: true` gets the domain every time. (The real rasa-sdk's side of this
  is checked in the app environment: tests/e2e/test_action_domain.py.)
- Action calls to one endpoint reuse one kept-alive connection, and still work after the
  action server restarted.
- The event-type table finds the same class as Rasa's own lookup for every event type, keeps
  its answers for "topic", a default and an unknown name, and is faster.
- DomainProvider loads the built domain (var/domain, all texts) from model storage into the same
  Domain as Rasa's own load, and faster.

Exits non-zero on any difference (plain asserts: the Rasa env has no pytest)."""

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlu import rasa_http_session, rasa_speedups

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hoi"}]},
    {"events": [{"event": "active_loop", "name": None}]},
    {
        "events": [
            {"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet"}}},
            {"event": "bot", "text": "Hallo", "data": {"buttons": []}},
            {"event": "action", "name": "utter_greet", "policy": None, "confidence": 1.0},
            {"event": "slot", "name": "language", "value": "pl", "timestamp": 1.5},
        ],
        "responses": [{"text": "hoi", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
    },
    {"responses": [{"text": "no events at all"}]},
]
BAD = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"events": [{"name": "x"}]},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},
    {"events": [{"event": "slot", "name": "x"}]},
    {"events": [{"event": "user", "parse_data": "not an object"}]},
    {"events": [{"event": "action", "hide_rule_turn": "yes"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "now"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1}, 5]},
    {"events": [{"event": 7}]},
    {"events": None},
    {"events": [], "responses": ["not an object"]},
    ["not", "an", "object"],
]


def original(result: dict) -> bool:
    try:
        validate(result, RemoteAction.action_response_format_spec())
        return True
    except ValidationError:
        return False


def patched(action: RemoteAction, result: dict) -> bool:
    try:
        return action._validate_action_result(result)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        return False


class DigestServer:
    """Answers like rasa-sdk 3.9+: 449 unless it holds the call's domain digest."""

    def __init__(self) -> None:
        self.digest: str | None = None
        self.calls: list[dict[str, Any]] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(body)
        if body.get("domain"):
            self.digest = body.get("domain_digest")
        elif self.digest is None or body.get("domain_digest") != self.digest:
            return web.json_response({"error": "no domain", "action_name": "x"}, status=449)
        return web.json_response({"events": [], "responses": [{"text": "ok"}]})


async def check_domain_once() -> None:
    server = DigestServer()
    app = web.Application()
    app.router.add_post("/webhook", server.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    domain = Domain.from_dict({"actions": ["action_x"], "responses": {"utter_a": [{"text": "a"}]}})
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)

    async def call(options: dict[str, Any]) -> dict[str, Any]:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", **options)
        tracker = DialogueStateTracker("conversation", [])
        events = await RemoteAction("action_x", endpoint).run(
            CollectingOutputChannel(), nlg, tracker, domain
        )
        assert events, "the action's reply was lost"
        return server.calls[-1]

    try:
        first = await call({"domain_digest": True})
        assert first.get("domain") and first.get("domain_digest"), "the first call lacks it"
        second = await call({"domain_digest": True})
        assert "domain" not in second and second["domain_digest"] == first["domain_digest"]
        server.digest = None  # the action server restarted
        before = len(server.calls)
        third = await call({"domain_digest": True})
        assert len(server.calls) == before + 2, "a 449 must be followed by exactly one retry"
        assert third.get("domain"), "the retry after a 449 carries the domain"
        plain = await call({})
        assert plain.get("domain") and "domain_digest" not in plain, "the option is opt-in"
        print(f"domain once: {len(server.calls)} calls, the domain sent in 3, as expected")
    finally:
        await runner.cleanup()


async def check_kept_connections() -> None:
    """One endpoint's action calls share a kept-alive connection, and calls still work after
    the action server restarted on the same port (its old connections are gone)."""
    peers: list[Any] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        return web.json_response({"events": [], "responses": [{"text": "ok"}]})

    async def serve(port: int = 0) -> tuple[web.AppRunner, int]:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    runner, port = await serve()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    domain = Domain.from_dict({"actions": ["action_x"]})
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker("conversation", [])

    async def call() -> None:
        action = RemoteAction("action_x", endpoint)
        assert await action.run(CollectingOutputChannel(), nlg, tracker, domain)

    for _ in range(5):
        await call()
    assert len(set(peers)) == 1, f"5 calls used {len(set(peers))} connections"
    await runner.cleanup()  # the action server restarts
    runner, _ = await serve(port)
    try:
        await call()
        await call()
    finally:
        await runner.cleanup()
    assert len(peers) == 7 and len(set(peers[5:])) == 1 and peers[5] != peers[0], peers
    print("kept connections: 5 calls over one connection; after a restart, a new one")


def check_event_types() -> None:
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    patched = Event.resolve_by_type
    original = patched.__wrapped__  # type: ignore[attr-defined]
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20, names
    for name in names:
        assert patched(name) is original(name), name
    assert patched("topic") is None and original("topic") is None
    assert patched("no_such_event", default=SlotSet) is SlotSet
    for lookup in (patched, original):
        try:
            lookup("no_such_event")
        except ValueError:
            pass
        else:
            raise AssertionError("an unknown event name must raise ValueError")
    timings = []
    for lookup in (original, patched):
        start = time.perf_counter()
        for _ in range(200):
            lookup("user")
        timings.append((time.perf_counter() - start) / 200)
        assert lookup("user") is UserUttered
    own, table = (1e6 * seconds for seconds in timings)
    print(f"event type lookup: Rasa's own {own:.0f} µs, table {table:.1f} µs")


def check_domain_load(built: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.graph_components.providers.domain_provider import DomainProvider

    domain = Domain.load(str(built))
    with tempfile.TemporaryDirectory() as directory:
        storage = LocalModelStorage(Path(directory))
        resource = Resource("domain_provider")
        context = ExecutionContext(GraphSchema({}), "check")
        DomainProvider.create({}, storage, resource, context)._persist(domain)
        loaded, seconds = [], []
        patched = DomainProvider.load
        for load in (patched.__wrapped__, patched.__func__):  # type: ignore[attr-defined]
            start = time.perf_counter()
            provider = load(DomainProvider, {}, storage, resource, context)
            seconds.append(time.perf_counter() - start)
            loaded.append(provider.provide_inference().as_dict())
    assert loaded[0] == loaded[1], "the quick load gives another domain"
    assert loaded[1]["responses"] == domain.as_dict()["responses"]
    print(f"domain load: Rasa's own {seconds[0]:.2f} s, once {seconds[1]:.2f} s")


def main() -> None:
    rasa_speedups.apply()
    rasa_speedups.apply()  # idempotent
    asyncio.run(check_domain_once())
    asyncio.run(check_kept_connections())
    rasa_http_session.close_all()
    check_event_types()
    check_domain_load(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/domain"))
    action = RemoteAction("action_x", None)
    for result in GOOD + BAD:
        assert patched(action, result) == original(result), result
    assert [patched(action, r) for r in GOOD] == [True] * len(GOOD)
    assert [patched(action, r) for r in BAD] == [False] * len(BAD)
    start = time.perf_counter()
    for _ in range(20):
        original(GOOD[1])
    slow = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    for _ in range(20):
        patched(action, GOOD[1])
    fast = (time.perf_counter() - start) / 20
    print(f"reply check: Rasa's own {slow * 1000:.1f} ms, patched {fast * 1000:.2f} ms")
    assert fast < slow


if __name__ == "__main__":
    main()
