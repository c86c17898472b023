"""The outbox (bot.reports.outbox, bot.reports.durable): spool on database failure, no plaintext
in the spool, exactly-once delivery (also after an interrupted delivery), private file modes; and
the follow-up's additions, which a silent database must not hold up either.

The database is a throwaway PostgreSQL database reached through a TCP proxy the test breaks
(tests/tcp_proxy.py); the PostgreSQL server itself is never touched.
"""

from __future__ import annotations

import asyncio
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import make_url

from actions import followup
from actions.report_actions import ActionSubmitReport, report_store
from bot.reports import ReportDraft, ReportReader, StoreConfig
from bot.reports.codes import hash_code, normalise_code
from bot.reports.crypto import Keyring
from bot.reports.durable import DeadlineExceeded, OutboxDelivery, SpoolingInsert, enable_outbox
from bot.reports.outbox import Outbox, OutboxUnavailable, open_spool
from tests.tcp_proxy import TcpProxy
from tests.unit.action_helpers import (
    actions_store,
    response_kwargs,
    responses,
    run,
    said,
    tracker,
)

CANARIES = {
    "location_address": "Kanariestraat 771",
    "location_postcode": "6131QX",
    "vehicles": "KANARIE-VOERTUIG-a8f3",
    "persons": "KANARIE-PERSOON-5c1d",
    "description": "KANARIE-OMSCHRIJVING-e92b",
    "signs_other": "KANARIE-ANDERS-77aa",
}
DRAFT = ReportDraft(
    language="nl",
    signs=("odd_hours", "other"),
    signs_other=CANARIES["signs_other"],
    location_address=CANARIES["location_address"],
    location_place="Geleen",
    location_postcode=CANARIES["location_postcode"],
    time_of_day="KANARIE-TIJD-19be",
    frequency="daily",
    since_when="months_1_6",
    vehicles=CANARIES["vehicles"],
    persons=CANARIES["persons"],
    description=CANARIES["description"],
    danger_reported=False,
)


@dataclass
class Rig:
    store: ReportReader
    proxy: TcpProxy
    spool: Path

    @property
    def insert(self) -> SpoolingInsert:
        hook = self.store.insert_hook
        assert isinstance(hook, SpoolingInsert)
        return hook

    @property
    def outbox(self) -> Outbox:
        return self.insert.outbox

    @property
    def delivery(self) -> OutboxDelivery:
        return self.insert.delivery

    def wait_drained(self, timeout: float = 20.0) -> float:
        start = time.monotonic()
        while self.outbox.count():
            assert time.monotonic() - start < timeout, "the outbox did not drain"
            time.sleep(0.05)
        return time.monotonic() - start


@pytest.fixture
def rig(postgres_url: str, code_key: bytes, keyring: Keyring, tmp_path: Path) -> Iterator[Rig]:
    """A store (with the keyring, to read back) on PostgreSQL behind a proxy, with the outbox."""
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    config = StoreConfig(
        database_url=proxied, code_key=code_key, public_key=bytes(keyring.sealer().public_key)
    )
    store = ReportReader(config, keyring)
    store.migrate()
    spool = tmp_path / "spool" / "outbox.db"
    enable_outbox(store, {"ZICHT_OUTBOX_PATH": str(spool), "ZICHT_SUBMIT_DEADLINE": "2"})
    try:
        yield Rig(store, proxy, spool)
    finally:
        proxy.restore()
        store.dispose()
        proxy.close()


def spool_files(spool: Path) -> bytes:
    return b"".join(p.read_bytes() for p in spool.parent.glob(spool.name + "*"))


@pytest.mark.postgres
def test_a_report_goes_to_the_outbox_while_the_database_is_down(rig: Rig) -> None:
    rig.proxy.refuse()
    code = rig.store.submit(DRAFT)
    assert rig.outbox.count() == 1
    assert not rig.store.ping()

    rig.proxy.restore()
    rig.wait_drained()
    report = rig.store.find_by_code(code)
    assert report is not None
    assert report.location_address == CANARIES["location_address"]
    assert report.description == CANARIES["description"]
    assert report.signs == ("odd_hours", "other")
    assert rig.store.count() == 1
    # The delivered row is the one submit built: its follow-up thread opens with the code.
    assert rig.store.follow_up(code) is not None
    assert rig.delivery.counts.delivered == 1


@pytest.mark.postgres
def test_a_report_is_stored_directly_while_the_database_answers(rig: Rig) -> None:
    code = rig.store.submit(DRAFT)
    assert rig.store.find_by_code(code) is not None
    assert not rig.spool.exists() or rig.outbox.count() == 0


@pytest.mark.postgres
def test_the_spool_holds_no_plaintext_and_no_code(rig: Rig) -> None:
    rig.proxy.refuse()
    codes = [rig.store.submit(DRAFT) for _ in range(3)]
    raw = spool_files(rig.spool)
    assert raw, "the spool files are empty"
    forbidden = [*CANARIES.values(), "KANARIE", "Geleen", "odd_hours", "daily"]
    forbidden += [c for code in codes for c in (code, code.replace("-", ""))]
    for text in forbidden:
        assert text.encode() not in raw, text
        assert text.encode("utf-16-le") not in raw, text
    # What is there: the code hash (the delivery key) and the secret boxes.
    assert hash_code(codes[0], rig.store.config.code_key).encode() in raw

    rig.proxy.restore()
    rig.wait_drained()
    time.sleep(0.2)  # the delivery thread compacts after the spool ran empty
    after = spool_files(rig.spool)
    for code in codes:
        assert hash_code(code, rig.store.config.code_key).encode() not in after


@pytest.mark.postgres
def test_the_spool_files_are_private(rig: Rig) -> None:
    rig.proxy.refuse()
    rig.store.submit(DRAFT)
    assert stat.S_IMODE(rig.spool.stat().st_mode) == 0o600
    assert stat.S_IMODE(rig.spool.parent.stat().st_mode) == 0o700
    for companion in rig.spool.parent.glob(rig.spool.name + "-*"):
        assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion.name


@pytest.mark.postgres
def test_the_spool_commits_with_full_sync_in_wal_mode(rig: Rig) -> None:
    rig.proxy.refuse()
    rig.store.submit(DRAFT)
    connection = open_spool(rig.spool)  # how Outbox opens it
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        connection.close()


@pytest.mark.postgres
def test_delivery_interrupted_after_the_insert_delivers_exactly_once(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rig.delivery, "ensure_running", lambda: None)  # no background thread
    rig.proxy.refuse()
    codes = [rig.store.submit(DRAFT) for _ in range(3)]
    assert rig.outbox.count() == 3

    # The process dies between the database insert and the spool delete of the first report.
    def crash(code_hash: str) -> None:
        raise SystemExit("killed between insert and delete")

    stalled = OutboxDelivery(rig.store, rig.outbox, deadline=5)
    monkeypatch.setattr(rig.outbox, "remove", crash)
    rig.proxy.restore()
    with pytest.raises(SystemExit):
        stalled.deliver(rig.outbox.pending()[0])
    monkeypatch.undo()
    assert rig.store.count() == 1 and rig.outbox.count() == 3

    # The next process opens the same spool file and delivers everything.
    restarted = Outbox(rig.spool, rig.store.config.code_key)
    delivery = OutboxDelivery(rig.store, restarted, deadline=5)
    assert delivery.deliver_pending() == 0
    assert delivery.counts.delivered == 2 and delivery.counts.already_present == 1
    assert rig.store.count() == 3
    for code in codes:
        assert rig.store.find_by_code(code) is not None
    assert delivery.deliver_pending() == 0 and rig.store.count() == 3
    restarted.close()


@pytest.mark.postgres
def test_an_insert_that_lands_after_its_deadline_is_not_stored_twice(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.reports.durable as durable

    real_insert = durable.insert_within

    def slow_then_landed(store: ReportReader, report: object, deadline: float) -> None:
        real_insert(store, report, deadline)  # type: ignore[arg-type]
        raise DeadlineExceeded("the answer came after the deadline")

    monkeypatch.setattr(durable, "insert_within", slow_then_landed)
    code = rig.store.submit(DRAFT)
    assert rig.outbox.count() == 1
    monkeypatch.undo()
    rig.wait_drained()
    assert rig.store.count() == 1 and rig.store.find_by_code(code) is not None
    assert rig.delivery.counts.already_present == 1


@pytest.mark.postgres
def test_a_silent_database_is_not_waited_for_beyond_the_deadline(rig: Rig) -> None:
    rig.store.submit(DRAFT)  # a pooled connection exists, then the network swallows everything
    rig.proxy.blackhole()
    started = time.monotonic()
    code = rig.store.submit(DRAFT)
    assert time.monotonic() - started < 4
    assert rig.outbox.count() == 1
    rig.proxy.refuse()  # the hung connection is cut, as a recovering network would
    rig.proxy.restore()
    rig.wait_drained(timeout=30)
    assert rig.store.find_by_code(code) is not None
    assert rig.store.count() == 2


@pytest.mark.postgres
def test_adding_to_a_report_does_not_wait_for_a_silent_database(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follow-up's "add something" gives up after its deadline and says so kindly; sent again
    once the network is back, the text is stored once."""
    code = rig.store.submit(DRAFT)
    monkeypatch.setattr(followup, "report_store", lambda: rig.store)
    monkeypatch.setattr(followup, "ADD_DEADLINE_SECONDS", 1.0)
    text = "Er stond vannacht weer een witte bus"
    rig.proxy.blackhole()
    dispatcher = CollectingDispatcher()
    started = time.monotonic()
    marker = asyncio.run(followup.add_message(dispatcher, normalise_code(code), text))
    assert time.monotonic() - started < 3
    assert marker == "failed"
    assert [m["response"] for m in dispatcher.messages] == ["utter_followup_add_failed"]
    rig.proxy.refuse()  # the hung connection is cut, as a recovering network would
    rig.proxy.restore()
    again = CollectingDispatcher()
    assert asyncio.run(followup.add_message(again, normalise_code(code), text)) == "sent"
    thread = rig.store.follow_up(code)
    assert thread is not None
    assert [m.text for m in thread.messages if m.kind == "from_resident"] == [text]


@pytest.mark.postgres
def test_when_the_outbox_fails_too_submit_raises_and_nothing_is_stored(rig: Rig) -> None:
    rig.proxy.refuse()
    rig.spool.parent.mkdir(parents=True, exist_ok=True)
    rig.spool.mkdir()  # a folder where the file should be: the spool cannot be opened
    with pytest.raises(OutboxUnavailable):
        rig.store.submit(DRAFT)
    rig.proxy.restore()
    assert rig.store.count() == 0


# --- what the resident hears (the submit action, database on a closed port) --------------------


def sent() -> Tracker:
    """The tracker when the submit rule runs: a confirmed report, the form just finished."""
    return tracker(
        said("/inform", intent="inform"),
        active_loop=None,
        slots={
            "danger_now": "no",
            "signs": ["odd_hours"],
            "location_address": "Rijksweg Zuid 12",
            "location_place": "Geleen",
            "time_of_day": "night",
            "frequency": "daily",
            "since_when": "months_1_6",
            "confirm": "send",
        },
    )


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The actions' store with keys and a migrated schema, then its database gone away."""
    for _ in actions_store(monkeypatch, tmp_path):
        monkeypatch.setenv("DATABASE_URL", "postgresql://zicht@127.0.0.1:9/zicht?connect_timeout=2")
        report_store.cache_clear()
        yield tmp_path / "spool" / "outbox.db"  # the default place under ZICHT_VAR_DIR


def test_the_code_is_shown_once_the_report_is_in_the_outbox(database_down: Path) -> None:
    _, dispatcher = run(ActionSubmitReport(), sent())
    assert responses(dispatcher) == ["utter_report_saved"]
    [shown] = response_kwargs(dispatcher, "utter_report_saved")
    outbox = Outbox(database_down, report_store().config.code_key)
    [spooled] = outbox.pending()
    assert spooled.code_hash == hash_code(shown["code"], report_store().config.code_key)
    outbox.close()


def test_when_the_outbox_fails_too_the_resident_hears_it_honestly(
    database_down: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    unusable = database_down.parent / "not-a-file"
    unusable.mkdir(parents=True)
    monkeypatch.setenv("ZICHT_OUTBOX_PATH", str(unusable))
    report_store.cache_clear()
    _, dispatcher = run(ActionSubmitReport(), sent())
    assert responses(dispatcher) == ["utter_report_failed"]  # 0800-7000 and 112, no code
    assert "OutboxUnavailable" in caplog.text
