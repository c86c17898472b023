"""Turn latency through POST /api/chat with the whole system running.

Starts Rasa, the action server and the web app on free loopback ports with a throwaway SQLite
database, then measures full report conversations: sequentially, and 20 at once.
Usage: python -m benchmarks.chat_latency [--rounds N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.common import REPORT, summary
from bot.run import Ports, System, free_port, running


async def conversation(http: aiohttp.ClientSession, url: str, latencies: list[float]) -> int:
    session_id = secrets.token_urlsafe(24)
    errors = 0
    for text in REPORT:
        started = time.perf_counter()
        async with http.post(url, json={"session_id": session_id, "text": text}) as response:
            await response.read()
            errors += response.status != 200
        latencies.append(time.perf_counter() - started)
    return errors


async def measure(base_url: str, rounds: int, concurrency: int) -> None:
    url = f"{base_url}/api/chat"
    async with aiohttp.ClientSession() as http:
        await conversation(http, url, [])  # warm-up
        latencies: list[float] = []
        started = time.perf_counter()
        errors = 0
        for _ in range(rounds):
            errors += await conversation(http, url, latencies)
        print(summary("sequential", latencies, time.perf_counter() - started, errors))
        latencies = []
        started = time.perf_counter()
        results = await asyncio.gather(
            *(conversation(http, url, latencies) for _ in range(concurrency))
        )
        name = f"{concurrency} concurrent"
        print(summary(name, latencies, time.perf_counter() - started, sum(results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        system = System(
            ports=Ports(web=free_port(), rasa=free_port(), actions=free_port(), staff=free_port()),
            env={"ZICHT_VAR_DIR": var, "DATABASE_URL": f"sqlite:///{Path(var) / 'bench.db'}"},
            log_dir=Path(var) / "logs",
        )
        started = time.perf_counter()
        with running(system, timeout=300):
            print(f"system healthy after {time.perf_counter() - started:.1f} s")
            asyncio.run(measure(system.web_url, args.rounds, args.concurrency))


if __name__ == "__main__":
    main()
