"""Pieces shared by the benchmarks (and the tests): the scripted conversations, figures of
latencies, the peak memory of process trees, a minimal Redis client and throwaway PostgreSQL
databases.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import statistics
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The PostgreSQL server of the tests and benchmarks (trust auth on this machine and in CI).
POSTGRES_ADMIN_URL = os.environ.get(
    "ZICHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

# A full report in Dutch, ending with "send" (15 turns).
REPORT = [
    "/greet",
    "Ik wil iets melden",
    '/inform{"choice": "no"}',
    '/inform{"sign": "odd_hours"}',
    "Er komen steeds auto's die na tien minuten weer weggaan",
    '/inform{"choice": "done"}',
    "Rijksweg Zuid 12",
    "Geleen",
    '/inform{"choice": "night"}',
    '/inform{"choice": "daily"}',
    '/inform{"choice": "months_1_6"}',
    "Een grijs busje",
    '/inform{"choice": "skip"}',
    "De ramen zijn afgeplakt",
    '/inform{"choice": "send"}',
]
# A person who needs help, in free text (help is plain responses: no action server).
HELP = ["Hallo", "Ik word gedwongen om te werken en ze hebben mijn paspoort", "/need_help"]
# Someone who wants to know things.
INFORMATION = [
    "/greet",
    "/ask_info",
    "Wat is thuisprostitutie?",
    "Wat gebeurt er met mijn melding?",
    "Is het echt anoniem?",
]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def summary(name: str, latencies: Sequence[float], seconds: float, errors: int) -> str:
    """One line: turns, p50/p95/max latency in ms, turns per second and errors."""
    median = statistics.median(latencies) * 1000 if latencies else float("nan")
    return (
        f"{name:<24} turns={len(latencies):>5}  p50={median:7.1f} ms  "
        f"p95={percentile(latencies, 0.95) * 1000:7.1f} ms  "
        f"max={max(latencies, default=float('nan')) * 1000:7.1f} ms  "
        f"turns/s={len(latencies) / seconds:6.1f}  errors={errors}"
    )


# --- memory -------------------------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def cpu_seconds(pids: Iterable[int]) -> float:
    """CPU time (user + system) used so far by these process trees, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in {p for root in pids for p in tree(root)}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def settle(pids: Iterable[int], idle_share: float = 0.05, limit: float = 90.0) -> float:
    """Wait until these process trees together use under `idle_share` of one core over a
    second (start-up work such as the action server's language pipelines is done), at most
    `limit` seconds; returns the seconds waited. Measurements start from a quiet system."""
    pids = list(pids)
    begun = time.monotonic()
    before = cpu_seconds(pids)
    while time.monotonic() - begun < limit:
        time.sleep(1.0)
        now = cpu_seconds(pids)
        if now - before < idle_share:
            break
        before = now
    return time.monotonic() - begun


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory (VmHWM) of a process tree, summed over its processes, in MiB."""
    return sum(_status_kib(p, "VmHWM") for p in tree(pid)) / 1024


def rss_mib(pid: int) -> float:
    """The current resident memory (VmRSS) of a process tree in MiB."""
    return sum(_status_kib(p, "VmRSS") for p in tree(pid)) / 1024


# --- Redis (RESP over a socket; the app environment has no Redis client) --------------------------


def _reply(stream: socket.SocketIO) -> object:
    line = stream.readline()
    kind, rest = line[:1], line[1:].rstrip(b"\r\n")
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else stream.read(size + 2)[:-2]
    if kind == b"*":
        count = int(rest)
        return None if count < 0 else [_reply(stream) for _ in range(count)]
    raise RuntimeError(f"unexpected Redis reply {line!r}")


def redis_command(
    *args: str | int, host: str = "127.0.0.1", port: int = 6379, db: int = 0
) -> object:
    """Run one Redis command on database `db` and return its decoded reply."""
    parts: list[bytes] = []
    for command in (("SELECT", db), args):
        parts.append(f"*{len(command)}\r\n".encode())
        for arg in command:
            data = str(arg).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"".join(parts))
        stream = sock.makefile("rb")
        _reply(stream)  # SELECT
        return _reply(stream)


def redis_keys(pattern: str, db: int, host: str = "127.0.0.1", port: int = 6379) -> list[str]:
    """The keys matching `pattern` (SCAN, never KEYS)."""
    cursor, found = "0", []
    while True:
        reply = redis_command(
            "SCAN", cursor, "MATCH", pattern, "COUNT", 500, host=host, port=port, db=db
        )
        assert isinstance(reply, list)
        cursor = reply[0].decode()
        found.extend(key.decode() for key in reply[1])
        if cursor == "0":
            return found


def redis_delete(keys: Iterable[str], db: int, host: str = "127.0.0.1", port: int = 6379) -> None:
    """Delete the given keys (used to clean up what a test or benchmark left)."""
    keys = list(keys)
    for start in range(0, len(keys), 500):
        redis_command("DEL", *keys[start : start + 500], host=host, port=port, db=db)


@contextlib.contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """The URL of a new, uniquely named PostgreSQL database, dropped (with any connection still
    open to it) afterwards. sqlalchemy's OperationalError when the server cannot be reached."""
    admin = create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield (
                make_url(POSTGRES_ADMIN_URL)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
