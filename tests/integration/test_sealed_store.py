"""Encryption at rest in the store, on SQLite and PostgreSQL: what is clear, what is sealed, who
can read it, key rotation, and migration 0002 of reports stored in clear before it."""

import dataclasses
import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from alembic import command
from nacl.public import PrivateKey
from sqlalchemy import inspect, text
from test_store import DRAFT, MINIMAL, _all_values

from bot.reports import codes
from bot.reports.config import StoreConfig
from bot.reports.crypto import DecryptionFailed, Keyring, Sealer, UnknownKey
from bot.reports.keys import add_key, create_key_pair, default_key_files, read_keyring
from bot.reports.records import CHOICES, SEALED_FIELDS, SealedReport
from bot.reports.store import PublicKeyMissing, ReportReader, ReportStore, alembic_config

REPO = Path(__file__).resolve().parents[2]
# Every text the resident wrote in DRAFT that must exist only sealed.
SECRETS = [
    "Ramen altijd afgeplakt",
    "Rijksweg Zuid",
    "6131AB",
    "'s avonds",
    "meerdere keren",
    "twee maanden",
    "Grijze bestelbus",
    "Steeds andere mannen",
    "gordijnen altijd dicht",
]
OLD_COLUMNS = (*SEALED_FIELDS, "location_place", "danger_reported")


def test_what_the_resident_wrote_is_never_stored_in_clear(store):
    code = store.submit(DRAFT)
    values = "\n".join(_all_values(store))
    assert "Geleen" in values  # the scan sees clear values
    for secret in SECRETS:
        assert secret not in values, secret
    assert store.find_by_code(code).draft() == DRAFT  # and the staff side reads them all


def test_sqlite_files_hold_no_plaintext_even_in_the_wal(tmp_path, code_key, private_key):
    db = tmp_path / "zicht.db"
    with ReportStore(StoreConfig(f"sqlite:///{db}", code_key, bytes(private_key.public_key))) as s:
        s.migrate()
        for _ in range(3):
            s.submit(DRAFT)
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("zicht.db"))
    assert b"Geleen" in raw  # the clear place is there, so the scan reads the right bytes
    for secret in SECRETS:
        assert secret.encode() not in raw, secret


def test_clear_fields_are_coarse(store):
    store.submit(DRAFT)  # typed "when" answers
    store.submit(dataclasses.replace(DRAFT, time_of_day="night", frequency="daily"))
    first, second = store.list_sealed()
    assert isinstance(first, SealedReport)
    assert first.postcode_area == "6131"
    assert first.location_place == "Geleen"
    assert first.signs == ("odd_hours", "short_visits", "other")
    assert (first.time_of_day_choice, first.frequency_choice, first.since_when_choice) == (
        None,
        None,
        None,
    )
    assert (second.time_of_day_choice, second.frequency_choice) == ("night", "daily")
    assert first.created_week.weekday() == 0
    assert "sealed" not in repr(first) and "code_hash" not in repr(first)


def test_the_public_side_stores_but_cannot_read(store_config, store):
    public_side = ReportStore(store_config)
    try:
        code = public_side.submit(DRAFT)
        assert not hasattr(public_side, "find_by_code")
        assert not hasattr(public_side, "list_reports")
        sealed = public_side.find_sealed(code)
        assert sealed is not None and sealed.location_place == "Geleen"
        for secret in SECRETS:
            assert secret not in repr(sealed)
        with pytest.raises(UnknownKey):  # a keyring of another pair cannot open it
            ReportReader(store_config, Keyring([PrivateKey.generate()])).open(sealed)
    finally:
        public_side.dispose()
    assert store.find_by_code(code).draft() == DRAFT


def test_a_store_without_a_public_key_takes_no_report(store_config, store):
    keyless = ReportStore(dataclasses.replace(store_config, public_key=None))
    try:
        with pytest.raises(PublicKeyMissing):
            keyless.submit(DRAFT)
    finally:
        keyless.dispose()
    assert store.count() == 0


def test_contents_moved_to_another_row_do_not_open(store):
    first, second = store.submit(DRAFT), store.submit(MINIMAL)
    a, b = store.find_sealed(first), store.find_sealed(second)
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE reports SET sealed = :s WHERE id = :id"), {"s": a.sealed, "id": b.id}
        )
    with pytest.raises(DecryptionFailed):
        store.find_by_code(second)


def test_rotation_keeps_old_reports_readable_and_reseal_moves_them(store_config, private_key):
    with ReportStore(store_config) as public_side:
        public_side.migrate()
        old_code = public_side.submit(DRAFT)
    new_key = PrivateKey.generate()
    rotated = dataclasses.replace(store_config, public_key=bytes(new_key.public_key))
    with ReportStore(rotated) as public_side:
        new_code = public_side.submit(MINIMAL)
    both = Keyring([private_key, new_key])
    with ReportReader(rotated, both) as reader:
        assert reader.find_by_code(old_code).draft() == DRAFT
        assert reader.find_by_code(new_code).draft() == MINIMAL
        old_id, new_id = Sealer(private_key.public_key).key_id, Sealer(new_key.public_key).key_id
        assert reader.count_by_key() == {old_id: 1, new_id: 1}
        assert reader.reseal() == 1
        assert reader.count_by_key() == {new_id: 2}
    with ReportReader(rotated, Keyring([new_key])) as only_new:  # the old key can go now
        assert [r.draft() for r in only_new.list_reports()] == [DRAFT, MINIMAL]


def test_key_files_rotation_end_to_end(tmp_path, database_url, code_key):
    env = {
        "ZICHT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "ZICHT_CODE_KEY": code_key.hex(),
    }
    files = default_key_files(env)
    create_key_pair(files)
    with ReportStore(StoreConfig.from_env(env)) as public_side:
        public_side.migrate()
        before = public_side.submit(DRAFT)
    add_key(files)
    with ReportStore(StoreConfig.from_env(env)) as public_side:
        after = public_side.submit(MINIMAL)
    with ReportReader(StoreConfig.from_env(env), read_keyring(files.private)) as reader:
        assert reader.find_by_code(before).draft() == DRAFT
        assert reader.find_by_code(after).draft() == MINIMAL
        assert len(reader.count_by_key()) == 2


# --- migration 0002 over reports stored in clear ------------------------------------------------


def _store_in_clear_at_0001(store: ReportStore, code_key: bytes) -> str:
    """A report written the way revision 0001 stored it: every text in clear."""
    code = codes.new_code()
    columns = ", ".join(OLD_COLUMNS)
    values = ", ".join(f":{name}" for name in OLD_COLUMNS)
    with store.engine.begin() as connection:
        command.upgrade(alembic_config(store._config.database_url, connection), "0001")
        report_id = connection.execute(
            text(
                f"INSERT INTO reports (code_hash, created_on, language, status, {columns})"
                f" VALUES (:code_hash, :created_on, 'nl', 'new', {values}) RETURNING id"
            ),
            {
                "code_hash": codes.hash_code(code, code_key),
                "created_on": datetime.date(2025, 3, 6),  # a Thursday
                **{name: getattr(DRAFT, name) for name in OLD_COLUMNS},
            },
        ).scalar_one()
        for sign in DRAFT.signs:
            connection.execute(
                text("INSERT INTO report_signs (report_id, sign) VALUES (:r, :s)"),
                {"r": report_id, "s": sign},
            )
    return code


def test_migration_0002_seals_reports_stored_in_clear(store_config, keyring, code_key):
    with ReportReader(store_config, keyring) as reader:
        code = _store_in_clear_at_0001(reader, code_key)
        reader.migrate()
        found = reader.find_by_code(code)
        assert found.draft() == DRAFT
        assert found.created_week == datetime.date(2025, 3, 3)  # the Monday of that week
        values = "\n".join(_all_values(reader))
        for secret in SECRETS:
            assert secret not in values, secret
        with reader.engine.connect() as connection:
            assert {c["name"] for c in inspect(connection).get_columns("reports")}.isdisjoint(
                SEALED_FIELDS
            )


def test_migration_0002_leaves_no_plaintext_in_the_sqlite_files(
    tmp_path, code_key, private_key, keyring
):
    db = tmp_path / "zicht.db"
    config = StoreConfig(f"sqlite:///{db}", code_key, bytes(private_key.public_key))
    with ReportReader(config, keyring) as reader:
        code = _store_in_clear_at_0001(reader, code_key)
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("zicht"))
        assert b"Grijze bestelbus" in raw  # it was there in clear
        reader.migrate()
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("zicht"))
        for secret in SECRETS:
            assert secret.encode() not in raw, secret
        assert reader.find_by_code(code).draft() == DRAFT


def test_migration_0002_without_a_public_key_stops_and_changes_nothing(
    store_config, code_key, monkeypatch
):
    keyless = dataclasses.replace(store_config, public_key=None)
    monkeypatch.delenv("ZICHT_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("ZICHT_PUBLIC_KEY_FILE", raising=False)
    with ReportStore(keyless) as store:
        _store_in_clear_at_0001(store, code_key)
        with pytest.raises(RuntimeError, match="must be sealed"):
            store.migrate()
        with store.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalar_one() == "0001"
            assert connection.execute(text("SELECT vehicles FROM reports")).scalar_one()


def test_downgrade_below_0002_needs_the_private_key(store, store_config):
    store.submit(DRAFT)
    # The exception leaves the transaction, so everything the downgrade did is rolled back
    # (also the later revisions it undid before reaching 0002).
    with pytest.raises(RuntimeError, match="private keys"), store.engine.begin() as connection:
        command.downgrade(alembic_config(store_config.database_url, connection), "0001")
    assert store.list_reports()[0].draft() == DRAFT


# --- the choices in clear are the buttons of the texts ------------------------------------------


def test_clear_choices_are_the_button_payloads():
    keywords = yaml.safe_load((REPO / "data" / "texts" / "nl.yml").read_text("utf-8"))["keywords"]
    for slot, choices in CHOICES.items():
        assert set(keywords[slot]) == set(choices), slot


# --- the zicht command --------------------------------------------------------------------------


def zicht(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_zicht_keys_and_migrate_commands(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZICHT_", "DATABASE_URL"))}
    env["ZICHT_VAR_DIR"] = str(tmp_path)
    init = zicht(env, "keys", "init")
    assert init.returncode == 0, init.stderr
    files = default_key_files(env)
    assert str(files.public) in init.stdout and str(files.private) in init.stdout
    assert oct(files.private.stat().st_mode & 0o777) == "0o600"
    again = zicht(env, "keys", "init")
    assert again.returncode == 1 and "not overwriting" in again.stderr
    assert zicht(env, "migrate").returncode == 0
    with ReportStore(StoreConfig.from_env(env)) as public_side:
        code = public_side.submit(DRAFT)
    first = Sealer(read_keyring(files.private).private_keys()[0].public_key).key_id
    rotate = zicht(env, "keys", "rotate")
    assert rotate.returncode == 0, rotate.stderr
    assert "resealed 1 reports" in rotate.stdout
    listing = zicht(env, "keys", "list")
    assert listing.returncode == 0, listing.stderr
    assert first in listing.stdout  # still held ...
    retire = zicht(env, "keys", "retire", first)
    assert retire.returncode == 0, retire.stderr  # ... until retired: nothing needs it
    with ReportReader(StoreConfig.from_env(env), read_keyring(files.private)) as reader:
        assert reader.find_by_code(code).draft() == DRAFT
