"""Flood benchmark: one client sends 50 messages a second while a normal conversation goes on.

Starts the whole system (Rasa, action server, web app) on free loopback ports with a throwaway
SQLite database and the default rate limits (bot.web.ratelimit), then for --seconds:

- **flooder**: one session sending --rate messages a second (open loop: it does not wait for
  answers). It must be throttled: most of its messages get 429.
- **resident**: report conversations at a human pace (--think seconds between messages). Its
  turns must keep p95 under --p95-limit seconds and must never be refused.

First the resident runs alone for the same time (the baseline figures). With --rotate, a last
round floods with a new session id for every message (which the
new-sessions bucket limits), while one resident conversation that had already started goes on.

Prints the figures and a verdict; exits 1 when the flooder was not throttled or the resident's
p95 was too high. Usage: python -m benchmarks.flood [--seconds 20] [--rate 50] [--rotate]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from benchmarks.common import REPORT, percentile
from bot.run import Ports, System, free_port, running


@dataclass
class Figures:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)


async def post(http: aiohttp.ClientSession, url: str, session_id: str, text: str) -> int:
    async with http.post(url, json={"session_id": session_id, "text": text}) as response:
        await response.read()
        return response.status


async def flooder(
    http: aiohttp.ClientSession, url: str, rate: float, seconds: float, rotate: bool
) -> Figures:
    figures = Figures()
    session_id = secrets.token_urlsafe(24)

    async def one(text: str) -> None:
        started = time.perf_counter()
        sid = secrets.token_urlsafe(24) if rotate else session_id
        try:
            figures.statuses[await post(http, url, sid, text)] += 1
        except aiohttp.ClientError:
            figures.statuses[0] += 1
        figures.latencies.append(time.perf_counter() - started)

    tasks = []
    start = time.perf_counter()
    sent = 0
    while time.perf_counter() - start < seconds:
        tasks.append(asyncio.create_task(one(f"flood {sent} hallo hallo")))
        sent += 1
        next_at = start + sent / rate
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await asyncio.gather(*tasks)
    return figures


async def resident(
    http: aiohttp.ClientSession,
    url: str,
    seconds: float,
    think: float,
    figures: Figures,
    session_id: str | None = None,
) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sid = session_id or secrets.token_urlsafe(24)
        for text in REPORT:
            if time.perf_counter() >= end:
                return
            started = time.perf_counter()
            figures.statuses[await post(http, url, sid, text)] += 1
            figures.latencies.append(time.perf_counter() - started)
            await asyncio.sleep(think)


def line(name: str, figures: Figures, seconds: float) -> str:
    total = sum(figures.statuses.values())
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(figures.statuses.items()))
    median = statistics.median(figures.latencies) * 1000 if figures.latencies else float("nan")
    return (
        f"{name:<22} sent={total:>5} ({total / seconds:5.1f}/s)  [{statuses}]  "
        f"p50={median:7.1f} ms  p95={figures.p(0.95) * 1000:7.1f} ms"
    )


async def scenario(
    base_url: str, args: argparse.Namespace, rotate: bool
) -> tuple[Figures, Figures]:
    url = f"{base_url}/api/chat"
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as http:
        calm = Figures()
        # The resident starts first (a conversation that is going on when the flood begins).
        session = secrets.token_urlsafe(24) if rotate else None
        if session:
            calm.statuses[await post(http, url, session, "/greet")] += 1
        flood_task = asyncio.create_task(flooder(http, url, args.rate, args.seconds, rotate))
        await resident(http, url, args.seconds, args.think, calm, session)
        flood = await flood_task
    return flood, calm


async def alone(base_url: str, args: argparse.Namespace, figures: Figures) -> None:
    async with aiohttp.ClientSession() as http:
        await resident(http, f"{base_url}/api/chat", args.seconds, args.think, figures)


def verdict(flood: Figures, calm: Figures, limit: float) -> list[str]:
    problems = []
    total = sum(flood.statuses.values())
    if flood.statuses[429] < 0.5 * total:
        problems.append(f"flooder not throttled: {flood.statuses[429]} of {total} got 429")
    if calm.statuses[429] or set(calm.statuses) - {200}:
        problems.append(f"the resident was refused or failed: {dict(calm.statuses)}")
    if not calm.p(0.95) < limit:
        problems.append(f"the resident's p95 {calm.p(0.95):.2f} s is not under {limit} s")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=50.0, help="flood messages per second")
    parser.add_argument("--think", type=float, default=0.5, help="resident's pause (s)")
    parser.add_argument("--p95-limit", type=float, default=2.0)
    parser.add_argument("--rotate", action="store_true", help="also flood with rotating ids")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as var:
        system = System(
            ports=Ports(web=free_port(), rasa=free_port(), actions=free_port(), staff=free_port()),
            env={"ZICHT_VAR_DIR": var, "DATABASE_URL": f"sqlite:///{Path(var) / 'flood.db'}"},
            log_dir=Path(var) / "logs",
        )
        with running(system, timeout=300):
            baseline = Figures()
            asyncio.run(alone(system.web_url, args, baseline))
            print(f"--- no flood: the resident alone for {args.seconds:g} s")
            print(line("resident conversation", baseline, args.seconds))
            rounds = [("one session", False)] + ([("rotating ids", True)] if args.rotate else [])
            for name, rotate in rounds:
                flood, calm = asyncio.run(scenario(system.web_url, args, rotate))
                print(f"--- flood with {name}: {args.rate:g} msg/s for {args.seconds:g} s")
                print(line("flooder", flood, args.seconds))
                print(line("resident conversation", calm, args.seconds))
                problems = verdict(flood, calm, args.p95_limit)
                print("PASS" if not problems else "FAIL: " + "; ".join(problems))
                failed = failed or (bool(problems) and not rotate)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
