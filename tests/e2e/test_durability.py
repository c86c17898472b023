"""Never lose a report: fault tests with the real processes (docs/durability.md).

This module starts its own System whose database is a throwaway PostgreSQL database reached
through a TCP proxy the test controls (tests/tcp_proxy.py); breaking the proxy is the outage.
Only that database is affected, never the PostgreSQL server. Checked after every fault: every
code shown to a conversation is in the database exactly once, with that conversation's report,
and nothing was shown that is not stored.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import statistics
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.reports import ReportReader, StoreConfig
from bot.reports.keys import default_key_files, read_keyring
from bot.run import MODEL, Ports, System, free_port, running
from tests.e2e.conftest import CODE, Chat, Reply, choice
from tests.integration.conftest import throwaway_database
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.e2e

OUTAGE_SECONDS = 60.0
CONVERSATIONS = 20
SUBMIT_DEADLINE = 5.0
RESULTS_FILE = os.environ.get("ZICHT_DURABILITY_RESULTS")  # where to write the measured numbers
RATE_LIMITED: list[str] = []  # one entry per 429 answer that send() waited out
LATENCIES: list[float] = []  # seconds per answered message


# A whole report, mostly buttons (fast), with a typed address and a description that names the
# conversation, so that the stored report can be matched to the conversation that got its code.
BEFORE_SUMMARY: tuple[str, ...] = (
    "/report_signs",
    choice("no"),
    '/inform{"sign": "odd_hours"}',
    choice("done"),
    "Rijksweg Zuid 12",
    choice("Geleen"),
    choice("night"),
    choice("daily"),
    choice("months_1_6"),
    choice("skip"),
    choice("skip"),
)
SEND = choice("send")


@dataclass
class Outcome:
    description: str
    reply: Reply

    @property
    def code(self) -> str | None:
        match = CODE.search(self.reply.text)
        return match.group(0) if match else None


@dataclass
class Rig:
    system: System
    proxy: TcpProxy
    reader: ReportReader
    spool: Path

    def spooled(self) -> int:
        """Reports waiting in the action server's outbox (0 if it was never created)."""
        if not self.spool.exists():
            return 0
        with sqlite3.connect(f"file:{self.spool}?mode=ro", uri=True) as connection:
            return int(connection.execute("SELECT count(*) FROM outbox").fetchone()[0])


def send(chat: Chat, message: str, attempts: int = 60) -> Reply:
    """Send like the widget: wait and retry while the web app is away or asks to slow down."""
    for _ in range(attempts):
        started = time.monotonic()
        try:
            reply = chat.send(message)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
            continue
        if reply.status != 429:
            LATENCIES.append(time.monotonic() - started)
            return reply
        RATE_LIMITED.append(message)
        time.sleep(1.0)
    raise AssertionError(f"no answer to {message!r}")


def describe(chat: Chat) -> str:
    return f"Omschrijving van gesprek {chat.session_id[:12]}"


def fill_report(chat: Chat, interrupt: Callable[[], None] | None = None) -> str:
    """Answer every question up to the summary; returns the description typed.

    ``interrupt`` runs in the middle (after the address).
    """
    for index, message in enumerate(BEFORE_SUMMARY):
        if interrupt is not None and index == BEFORE_SUMMARY.index(choice("Geleen")):
            interrupt()
        assert send(chat, message).status == 200
    description = describe(chat)
    summary = send(chat, description)
    assert "Dit is je melding" in summary.text, summary.text
    return description


def report(rig: Rig, interrupt: Callable[[], None] | None = None) -> Outcome:
    """One conversation that reports (``interrupt`` runs in the middle, see fill_report)."""
    chat = Chat(rig.system.web_url, lang="nl")
    send(chat, "/greet")
    description = fill_report(chat, interrupt)
    return Outcome(description, send(chat, SEND))


def assert_stored_exactly_once(rig: Rig, outcomes: list[Outcome]) -> None:
    """Every code shown is in the database once, with the report of that conversation."""
    codes = [o.code for o in outcomes if o.code]
    assert len(set(codes)) == len(codes)
    for outcome in outcomes:
        if outcome.code is None:
            continue
        stored = rig.reader.find_by_code(outcome.code)
        assert stored is not None, "an acknowledged report is not in the database"
        assert stored.description == outcome.description


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        time.sleep(0.1)
    return time.monotonic() - started


def wait_healthy(system: System, timeout: float = 120.0) -> None:
    wait_for(system.healthy, timeout, "the system to be healthy")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A throwaway PostgreSQL database (dropped afterwards)."""
    with throwaway_database("zicht_durability") as url:
        yield url


@pytest.fixture(scope="module")
def rig(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    direct = make_url(database)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
    proxied = direct.set(host="127.0.0.1", port=proxy.port)
    var = tmp_path_factory.mktemp("durability")
    system = System(
        ports=Ports(web=free_port(), rasa=free_port(), actions=free_port(), staff=free_port()),
        env={
            "ZICHT_VAR_DIR": str(var),
            "DATABASE_URL": proxied.render_as_string(hide_password=False),
            "ZICHT_SUBMIT_DEADLINE": str(SUBMIT_DEADLINE),
        },
        log_dir=var / "logs",
    )
    try:
        with running(system, timeout=240):
            # The staff side reads the database directly, around the proxy: it sees the truth
            # while the action server's way to the database is broken.
            env = {**system._environment(), "DATABASE_URL": database}
            keyring = read_keyring(default_key_files({**os.environ, **system.env}).private)
            with ReportReader(StoreConfig.from_env(env), keyring) as reader:
                yield Rig(system, proxy, reader, var / "spool" / "outbox.db")
    finally:
        proxy.close()


def record(name: str, numbers: dict[str, float | int]) -> None:
    """Print the measured numbers (docs/durability.md quotes them) and keep them if asked."""
    print(f"\n{name}: {json.dumps(numbers)}")
    if RESULTS_FILE:
        path = Path(RESULTS_FILE)
        found = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**found, name: numbers}, indent=2))


def test_reports_during_a_database_outage_are_delivered_exactly_once(rig: Rig) -> None:
    before = rig.reader.count()
    RATE_LIMITED.clear()
    LATENCIES.clear()
    rig.proxy.refuse()
    outage_started = time.monotonic()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        outcomes = list(pool.map(lambda _: report(rig), range(CONVERSATIONS)))
    conversations_took = time.monotonic() - outage_started
    acknowledged = [o for o in outcomes if o.code]
    assert len(acknowledged) == CONVERSATIONS, [o.reply.text for o in outcomes if not o.code]
    # Acknowledged while the database was away: every one of them is in the outbox.
    assert rig.reader.count() == before
    assert rig.spooled() == CONVERSATIONS
    spool = b"".join(p.read_bytes() for p in rig.spool.parent.glob(rig.spool.name + "*"))
    for clear in ["Rijksweg", *(o.description for o in outcomes), *(o.code for o in acknowledged)]:
        assert str(clear).encode() not in spool  # sealed, and the code only as its hash

    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    rig.proxy.restore()
    drained = wait_for(lambda: rig.spooled() == 0, 60, "the outbox to drain")

    assert_stored_exactly_once(rig, outcomes)
    assert rig.reader.count() == before + CONVERSATIONS  # no duplicates, nothing unacknowledged
    record(
        "outage",
        {
            "conversations": CONVERSATIONS,
            "acknowledged": len(acknowledged),
            "spooled": CONVERSATIONS,
            "delivered": rig.reader.count() - before,
            "duplicates": rig.reader.count() - before - len(acknowledged),
            "outage_seconds": round(time.monotonic() - outage_started - drained, 1),
            "conversations_seconds": round(conversations_took, 1),
            "drain_seconds": round(drained, 2),
            "rate_limited_retries": len(RATE_LIMITED),
            "messages": len(LATENCIES),
            "message_seconds_median": round(statistics.median(LATENCIES), 2),
            "message_seconds_max": round(max(LATENCIES), 2),
        },
    )


def test_killing_the_action_server_in_the_middle_of_a_submit_loses_nothing(rig: Rig) -> None:
    before = rig.reader.count()
    chat = Chat(rig.system.web_url, lang="nl")
    send(chat, "/greet")
    description = fill_report(chat)
    rig.proxy.hold()  # the insert reaches the proxy and waits there
    replies: list[Reply] = []
    sender = threading.Thread(target=lambda: replies.append(send(chat, SEND)))
    sender.start()
    time.sleep(1.5)  # inside the submit, well before its deadline
    os.killpg(rig.system.processes["actions"].pid, signal.SIGKILL)
    sender.join(timeout=60)
    interrupted = Outcome(description, replies[0])
    rig.proxy.restore()
    rig.system.restart_one("actions")
    wait_healthy(rig.system)

    after = report(rig)
    assert after.code is not None, after.reply.text
    assert_stored_exactly_once(rig, [interrupted, after])
    landed = rig.reader.count() - before - 1 - (interrupted.code is not None)
    assert landed in (0, 1)  # the unacknowledged report is stored at most once
    record(
        "kill_action_server",
        {
            "interrupted_acknowledged": int(interrupted.code is not None),
            "interrupted_reply": f"{interrupted.reply.status}: {interrupted.reply.text!r}",
            "interrupted_stored_unacknowledged": landed,
            "next_report_stored": 1,
        },
    )


def test_reports_spooled_before_a_crash_are_delivered_after_the_restart(rig: Rig) -> None:
    before = rig.reader.count()
    rig.proxy.refuse()
    outcome = report(rig)
    assert outcome.code is not None, outcome.reply.text
    assert rig.spooled() == 1
    os.killpg(rig.system.processes["actions"].pid, signal.SIGKILL)
    rig.proxy.restore()
    rig.system.restart_one("actions")
    # No conversation touches the store: the restarted action server delivers on its own.
    drained = wait_for(lambda: rig.spooled() == 0, 120, "the outbox to drain after the restart")
    assert_stored_exactly_once(rig, [outcome])
    assert rig.reader.count() == before + 1
    wait_healthy(rig.system)
    record(
        "crash_with_spooled_report", {"delivered": 1, "seconds_after_restart": round(drained, 1)}
    )


def test_restarting_the_web_app_in_the_middle_of_a_conversation(rig: Rig) -> None:
    before = rig.reader.count()
    # send() waits and retries while the web app is away, as the widget does.
    outcome = report(rig, interrupt=lambda: rig.system.restart_one("web"))
    assert outcome.code is not None, outcome.reply.text
    assert_stored_exactly_once(rig, [outcome])
    assert rig.reader.count() == before + 1


def test_help_does_not_need_the_action_server(rig: Rig) -> None:
    rig.system.stop_one("actions")
    try:
        chat = Chat(rig.system.web_url, lang="nl")
        reply = send(chat, "/need_help")
        assert reply.status == 200
        assert "112" in reply.text and "06 25 76 50 52" in reply.text
        reply = send(chat, "ik word gedwongen om dit werk te doen")
        assert "112" in reply.text and "06 25 76 50 52" in reply.text
    finally:
        rig.system.restart_one("actions")
