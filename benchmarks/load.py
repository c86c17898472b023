"""Load benchmark: many residents and victims at once, on the embedded and the production setup.

`make bench-load` (python -m benchmarks.load) starts, one after the other:

(a) **embedded**: the default system (one Rasa with in-memory trackers, SQLite);
(b) **production**: two Rasa instances with the Redis tracker and lock stores
    (endpoints.production.yml; this machine's Redis, database --redis-db under a throwaway key
    prefix) and a throwaway PostgreSQL database on 127.0.0.1:5432;
(c) **stock**: the bot of `rasa init` (trained once into var/bench/stock), served by the same Rasa.

Through POST /api/chat, simulated people run scripted conversations (reports, help, information,
mixed 3:1:1) in two modes: **person pace** (--people concurrent conversations, each sending its
next message 2-4 s after the reply) and **saturated** (closed loop: --workers clients sending
the next message as soon as the reply is there). Plus **sequential** (one client) for the
comparison with the stock bot, which is driven through its REST webhook. The web app's rate
limits are raised for the benchmark so that Rasa, not the limiter, is what is measured
(benchmarks/flood.py measures the limits).

Each system is measured once its start-up work is done (`benchmarks.common.settle`: its processes
together idle for a second), the stock bot likewise, so that no phase measures the action server
still building its language pipelines.

Prints p50/p95/p99 turn latency, turns/s and errors per mode, Rasa's time to ready, the peak
resident memory (VmHWM) of every process tree, and PASS/MISS against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from benchmarks.common import (
    HELP,
    INFORMATION,
    REPORT,
    peak_rss_mib,
    percentile,
    redis_delete,
    redis_keys,
    rss_mib,
    settle,
    throwaway_postgres,
)
from bot.run import (
    PRODUCTION_ENDPOINTS,
    QUIET_ENV,
    RASA_BIN,
    ROOT,
    Ports,
    System,
    free_port,
    free_ports,
)

STOCK_DIR = ROOT / "var" / "bench" / "stock"
# Scripts and their weights: most people report, some need help, some ask.
MIX: tuple[tuple[Sequence[str], int], ...] = ((REPORT, 3), (HELP, 1), (INFORMATION, 1))
STOCK_MIX: tuple[tuple[Sequence[str], int], ...] = (
    (["hello", "I am feeling great", "bye"], 1),
    (["hi", "I am very sad", "yes", "goodbye"], 1),
    (["good morning", "are you a bot?", "bye"], 1),
)
# So that Rasa is the bottleneck, not the web app's limiter (BURST/PER_MINUTE).
UNLIMITED = {
    "ZICHT_RATE_SESSION": "100000/1000000",
    "ZICHT_RATE_NEW_SESSIONS": "100000/1000000",
    "ZICHT_RATE_OVERALL": "100000/1000000",
}
Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[bool]]


@dataclass
class Figures:
    """The turns of one mode."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, name: str) -> str:
        ms = [1000 * percentile(self.latencies, f) for f in (0.5, 0.95, 0.99)]
        return (
            f"  {name:<30} turns={len(self.latencies):>5}  p50={ms[0]:7.1f} ms  "
            f"p95={ms[1]:7.1f} ms  p99={ms[2]:7.1f} ms  turns/s={self.rate:6.1f}  "
            f"errors={self.errors}"
        )


@dataclass
class Targets:
    """Each target as (description, measured text, met)."""

    results: list[tuple[str, str, bool]] = field(default_factory=list)

    def check(self, description: str, measured: str, met: bool) -> None:
        self.results.append((description, measured, met))

    def report(self) -> str:
        lines = ["targets:"]
        for description, measured, met in self.results:
            lines.append(f"  {'PASS' if met else 'MISS'}  {description:<50} {measured}")
        return "\n".join(lines)


# --- driving conversations ----------------------------------------------------------------------


def web_sender(base_url: str) -> Send:
    """A turn through the web app's /api/chat, as the widget sends it."""
    url = f"{base_url}/api/chat"

    async def send(http: aiohttp.ClientSession, session_id: str, message: str) -> bool:
        body = {"session_id": session_id, "text": message, "lang": "nl"}
        async with http.post(url, json=body) as response:
            await response.read()
            return response.status == 200

    return send


def rest_sender(rasa_url: str) -> Send:
    """A turn straight to a Rasa REST webhook."""
    url = f"{rasa_url}/webhooks/rest/webhook"

    async def send(http: aiohttp.ClientSession, session_id: str, message: str) -> bool:
        async with http.post(url, json={"sender": session_id, "message": message}) as response:
            return response.status == 200 and isinstance(await response.json(), list)

    return send


async def person(
    http: aiohttp.ClientSession,
    send: Send,
    mix: Sequence[tuple[Sequence[str], int]],
    figures: Figures,
    until: Callable[[], bool],
    think: tuple[float, float] | None,
    rng: random.Random,
) -> None:
    """One simulated person: conversation after conversation until `until()` says stop."""
    scripts, weights = zip(*mix, strict=True)
    while not until():
        session_id = secrets.token_urlsafe(24)
        for message in rng.choices(scripts, weights)[0]:
            if until():
                return
            started = time.perf_counter()
            try:
                ok = await send(http, session_id, message)
            except (aiohttp.ClientError, TimeoutError, ValueError):
                ok = False
            figures.latencies.append(time.perf_counter() - started)
            figures.errors += not ok
            if think:
                await asyncio.sleep(rng.uniform(*think))


async def drive(
    send: Send,
    mix: Sequence[tuple[Sequence[str], int]],
    *,
    people: int,
    seconds: float | None = None,
    turns: int | None = None,
    think: tuple[float, float] | None = None,
    seed: int = 7,
) -> Figures:
    """Run `people` persons for `seconds` (or until `turns` turns); their figures together."""
    figures = Figures()
    started = time.perf_counter()

    def until() -> bool:
        if turns is not None and len(figures.latencies) >= turns:
            return True
        return seconds is not None and time.perf_counter() - started >= seconds

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=max(100, people))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await send(http, secrets.token_urlsafe(24), "/greet")  # warm-up
        started = time.perf_counter()
        rngs = [random.Random(seed + n) for n in range(people)]
        await asyncio.gather(*(person(http, send, mix, figures, until, think, rng) for rng in rngs))
    figures.seconds = time.perf_counter() - started
    return figures


# --- readiness and memory -----------------------------------------------------------------------


def wait_ready(url: str, started: float, timeout: float = 300.0) -> float:
    """Seconds from `started` until `url` answers 200 (Rasa answers once its model is loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready within {timeout:.0f} s")


def memory_lines(processes: dict[str, int]) -> list[str]:
    return [
        f"  {name:<10} peak RSS (VmHWM, process tree) {peak_rss_mib(pid):7.0f} MiB"
        f"   now {rss_mib(pid):7.0f} MiB"
        for name, pid in processes.items()
    ]


# --- the three setups ---------------------------------------------------------------------------


def loopback_ports(rasa_instances: int) -> Ports:
    """Free ports, with `rasa_instances` consecutive ones for Rasa."""
    return Ports(
        web=free_port(), rasa=free_ports(rasa_instances), actions=free_port(), staff=free_port()
    )


@contextlib.contextmanager
def started(system: System) -> Iterator[list[float]]:
    """Start `system`; yields each Rasa instance's seconds to ready; stops it afterwards."""
    try:
        system.start()
        begun = time.monotonic()
        ready = [wait_ready(f"{url}/", begun) for url in system.rasa_urls]
        system.wait_until_healthy(300)
        yield ready
    finally:
        system.stop()


def measure_system(
    title: str, system: System, args: argparse.Namespace, targets: Targets
) -> Figures:
    """Sequential, person pace and saturated figures of one system; its sequential ones."""
    print(f"\n=== {title}", flush=True)
    label = title.split(":")[0]  # "(a) embedded"
    with started(system) as ready:
        for url, seconds in zip(system.rasa_urls, ready, strict=True):
            print(f"  Rasa {url} ready after {seconds:.1f} s", flush=True)
        quiet = settle(process.pid for process in system.processes.values())
        print(f"  start-up work done {quiet:.1f} s later (measuring from here)", flush=True)
        send = web_sender(system.web_url)
        sequential = asyncio.run(drive(send, MIX, people=1, turns=args.sequential_turns))
        print(sequential.line("sequential (1 client)"), flush=True)
        pace = asyncio.run(
            drive(send, MIX, people=args.people, seconds=args.seconds, think=(2.0, 4.0))
        )
        print(pace.line(f"person pace ({args.people} people)"), flush=True)
        targets.check(
            f"{label}: person pace p95 <= 100 ms, 0 errors",
            f"p95 {1000 * percentile(pace.latencies, 0.95):.1f} ms, {pace.errors} errors",
            percentile(pace.latencies, 0.95) <= 0.100 and pace.errors == 0,
        )
        saturated = asyncio.run(
            drive(send, MIX, people=args.workers, seconds=args.saturated_seconds)
        )
        print(saturated.line(f"saturated ({args.workers} clients)"), flush=True)
        if system.rasa_instances == 1:
            targets.check(
                f"{label}: saturated >= 50 turns/s on one Rasa",
                f"{saturated.rate:.1f} turns/s",
                saturated.rate >= 50 and saturated.errors == 0,
            )
        pids = {name: process.pid for name, process in system.processes.items()}
        for line in memory_lines(pids):
            print(line)
        rasa_peak = max(
            peak_rss_mib(system.processes[system.rasa_name(i)].pid)
            for i in range(system.rasa_instances)
        )
        targets.check(
            f"{label}: Rasa ready <= 20 s",
            f"{max(ready):.1f} s",
            max(ready) <= 20,
        )
        targets.check(f"{label}: Rasa RSS <= 1 GB", f"{rasa_peak:.0f} MiB", rasa_peak <= 1024)
    return sequential


def embedded(var: Path, args: argparse.Namespace, targets: Targets) -> Figures:
    system = System(
        ports=loopback_ports(1),
        env={"ZICHT_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var}/load.db", **UNLIMITED},
        log_dir=var / "logs-embedded",
    )
    return measure_system("(a) embedded: 1 Rasa, SQLite", system, args, targets)


def production(var: Path, args: argparse.Namespace, targets: Targets) -> None:
    prefix = f"zichtbench{secrets.token_hex(4)}"
    with throwaway_postgres("zicht_bench") as database_url:
        system = System(
            ports=loopback_ports(2),
            env={
                "ZICHT_VAR_DIR": str(var),
                "DATABASE_URL": database_url,
                "REDIS_DB": str(args.redis_db),
                "REDIS_KEY_PREFIX": prefix,
                **UNLIMITED,
            },
            log_dir=var / "logs-production",
            endpoints=PRODUCTION_ENDPOINTS,
            rasa_instances=2,
        )
        try:
            measure_system("(b) production: 2 Rasa, Redis, PostgreSQL", system, args, targets)
        finally:
            redis_delete(redis_keys(f"{prefix}:*", args.redis_db), args.redis_db)


def stock_model() -> Path:
    """The `rasa init` bot's model, trained once into var/bench/stock (reused when there)."""
    models = sorted(STOCK_DIR.glob("models/*.tar.gz"))
    if models:
        return models[-1]
    STOCK_DIR.mkdir(parents=True, exist_ok=True)
    print(f"training the stock `rasa init` bot into {STOCK_DIR} (once) …", flush=True)
    subprocess.run(
        [str(RASA_BIN), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
        cwd=STOCK_DIR,
        env={**os.environ, **QUIET_ENV},
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return sorted(STOCK_DIR.glob("models/*.tar.gz"))[-1]


def stock(args: argparse.Namespace, ours: Figures, targets: Targets) -> None:
    model = stock_model()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print("\n=== (c) stock `rasa init` bot, same Rasa, REST webhook", flush=True)
    with tempfile.TemporaryFile() as log:
        begun = time.monotonic()
        process = subprocess.Popen(
            [
                str(RASA_BIN),
                "run",
                "--model",
                str(model),
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--credentials",
                str(STOCK_DIR / "credentials.yml"),
            ],
            cwd=STOCK_DIR,
            env={**os.environ, **QUIET_ENV},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            ready = wait_ready(f"{url}/", begun)
            print(f"  Rasa {url} ready after {ready:.1f} s")
            quiet = settle([process.pid])
            print(f"  start-up work done {quiet:.1f} s later (measuring from here)", flush=True)
            send = rest_sender(url)
            sequential = asyncio.run(drive(send, STOCK_MIX, people=1, turns=args.sequential_turns))
            print(sequential.line("sequential (1 client)"), flush=True)
            saturated = asyncio.run(
                drive(send, STOCK_MIX, people=args.workers, seconds=args.saturated_seconds)
            )
            print(saturated.line(f"saturated ({args.workers} clients)"), flush=True)
            for line in memory_lines({"rasa": process.pid}):
                print(line)
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
    ours_p50 = percentile(ours.latencies, 0.5)
    stock_p50 = percentile(sequential.latencies, 0.5)
    ratio = ours_p50 / stock_p50
    print(
        f"\nsequential p50: ours (through /api/chat) {1000 * ours_p50:.1f} ms, "
        f"stock (REST webhook) {1000 * stock_p50:.1f} ms, ratio {ratio:.2f}"
    )
    targets.check(
        "our sequential latency <= 1/2 of the stock bot's", f"ratio {ratio:.2f}", ratio <= 0.5
    )


def machine() -> str:
    """Cores and load: other work on the machine changes every figure."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average (1/5/15 min) {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50, help="person pace: conversations")
    parser.add_argument("--seconds", type=float, default=60.0, help="person pace: duration")
    parser.add_argument("--workers", type=int, default=8, help="saturated: closed-loop clients")
    parser.add_argument("--saturated-seconds", type=float, default=30.0)
    parser.add_argument("--sequential-turns", type=int, default=100)
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database for (b)")
    parser.add_argument(
        "--skip", choices=["embedded", "production", "stock"], action="append", default=[]
    )
    args = parser.parse_args()
    print(machine())
    targets = Targets()
    ours = Figures()
    with tempfile.TemporaryDirectory() as var:
        if "embedded" not in args.skip:
            ours = embedded(Path(var), args, targets)
        if "production" not in args.skip:
            production(Path(var), args, targets)
    if "stock" not in args.skip and ours.latencies:
        stock(args, ours, targets)
    print("\n" + machine())
    # A benchmark prints figures and PASS/MISS; it never fails the build.
    print(targets.report())


if __name__ == "__main__":
    main()
