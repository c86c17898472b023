"""Where a turn's time goes inside Rasa: run in the Rasa environment (Python 3.10).

    .venv-rasa/bin/python -m benchmarks.rasa_profile models/zicht.tar.gz \
        [--action-url http://127.0.0.1:5055/webhook] [--rounds 5] \
        [--cprofile 25 [--sort cumulative]]

Loads the model in-process (no HTTP, no web app), plays the benchmark conversations
(benchmarks.common) through ``Agent.handle_message`` and reports per turn: the whole turn, each
graph component (NLU components and policies, timed by wrapping Rasa's GraphNode), the action
server round trips (timed by wrapping EndpointConfig.request) and the rest (tracker, lock,
response rendering). Without --action-url the report form's custom actions fail; help and
information turns are still meaningful.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import pstats
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from benchmarks.common import HELP, INFORMATION, REPORT

TIMES: dict[str, float] = collections.defaultdict(float)


def _timed(name_of: Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES[name_of(*args)] += time.perf_counter() - started

    return wrapper


def _timed_async(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - started

    return wrapper


def instrument() -> None:
    """Time every graph node call and every HTTP request Rasa makes (the action server)."""
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    GraphNode.__call__ = _timed(  # type: ignore[method-assign]
        lambda node, *_: f"graph {node._node_name}", GraphNode.__call__
    )
    EndpointConfig.request = _timed_async(  # type: ignore[method-assign]
        "action server round trip", EndpointConfig.request
    )


async def profile(
    model: str,
    action_url: str | None,
    rounds: int,
    top: int,
    domain_every_call: bool = False,
    sort: str = "tottime",
    endpoints_file: str | None = None,
) -> None:
    import logging

    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)  # as `rasa run`: no debug logging per turn
    configure_structlog(logging.INFO)
    started = time.perf_counter()
    options = {} if domain_every_call else {"domain_digest": True}  # as endpoints.yml
    action = EndpointConfig(action_url, **options) if action_url else None
    endpoints = AvailableEndpoints(action=action)
    if endpoints_file:  # the production shape: tracker and lock store from that file
        configured = AvailableEndpoints.read_endpoints(endpoints_file)
        endpoints.tracker_store = configured.tracker_store
        endpoints.lock_store = configured.lock_store
    agent = await load_agent(model_path=model, endpoints=endpoints)
    print(f"model loaded in {time.perf_counter() - started:.1f} s")
    instrument()
    turns: list[float] = []
    profiler = cProfile.Profile()
    if top:
        profiler.enable()
    for _ in range(rounds):
        for script in (REPORT, HELP, INFORMATION):
            sender = uuid.uuid4().hex
            for text in script:
                message = UserMessage(
                    text, CollectingOutputChannel(), sender, metadata={"lang": "nl"}
                )
                begun = time.perf_counter()
                await agent.handle_message(message)
                turns.append(time.perf_counter() - begun)
    profiler.disable()
    if top:
        pstats.Stats(profiler).sort_stats(sort).print_stats(top)
    count = len(turns)
    total = sum(turns)
    print(
        f"{count} turns in-process: mean {1000 * total / count:.1f} ms, "
        f"p50 {1000 * statistics.median(turns):.1f} ms, max {1000 * max(turns):.1f} ms"
    )
    print("per turn, mean ms (share of the turn):")
    accounted = 0.0
    for name, seconds in sorted(TIMES.items(), key=lambda item: -item[1]):
        if name.startswith("graph ") or name == "action server round trip":
            accounted += seconds
        print(f"  {1000 * seconds / count:7.2f} ms  {100 * seconds / total:5.1f} %  {name}")
    rest = total - accounted
    print(f"  {1000 * rest / count:7.2f} ms  {100 * rest / total:5.1f} %  rest (tracker, lock, …)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--action-url", default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cprofile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument(
        "--sort", default="tottime", help="order of --cprofile: tottime or cumulative"
    )
    parser.add_argument(
        "--endpoints",
        default=None,
        help="take the tracker and lock store from this endpoints file "
        "(endpoints.production.yml: Redis; set REDIS_* as bot.run does)",
    )
    parser.add_argument(
        "--domain-every-call",
        action="store_true",
        help="send the domain with every action call, as Rasa 3.6 does without domain_digest",
    )
    args = parser.parse_args()
    asyncio.run(
        profile(
            args.model,
            args.action_url,
            args.rounds,
            args.cprofile,
            args.domain_every_call,
            args.sort,
            args.endpoints,
        )
    )


if __name__ == "__main__":
    main()
