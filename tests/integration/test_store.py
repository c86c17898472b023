import dataclasses
import datetime
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from bot.reports import codes
from bot.reports import store as store_module
from bot.reports.config import StoreConfig
from bot.reports.models import Base
from bot.reports.records import SIGN_IDS, ReportDraft, StoredReport, validate_draft
from bot.reports.store import MIGRATIONS_DIR, ReportStore, alembic_config

REPO = Path(__file__).resolve().parents[2]

DRAFT = ReportDraft(
    language="nl",
    signs=("odd_hours", "short_visits", "other"),
    signs_other="Ramen altijd afgeplakt; élk weekend anders",
    location_address="Rijksweg Zuid 12",
    location_place="Geleen",
    location_postcode="6131AB",
    time_of_day="'s avonds en 's nachts",
    frequency="meerdere keren per week",
    since_when="sinds twee maanden",
    vehicles="Grijze bestelbus met Duits kenteken",
    persons="Steeds andere mannen, kort binnen",
    description="Een vrouw lijkt bang; gordijnen altijd dicht. Ünïcödé 🚗",
    danger_reported=True,
)
MINIMAL = ReportDraft(
    language="pl",
    signs=("many_vehicles",),
    signs_other=None,
    location_address="achter de kerk",
    location_place="Born",
    location_postcode=None,
    time_of_day="overdag",
    frequency="dagelijks",
    since_when="onbekend",
    vehicles=None,
    persons=None,
    description=None,
    danger_reported=False,
)
REPORT_COLUMNS = {
    "id",
    "code_hash",
    "created_week",
    "language",
    "status",
    "location_place",
    "postcode_area",
    "time_of_day_choice",
    "frequency_choice",
    "since_when_choice",
    "danger_reported",
    "key_id",
    "followup_key",
    "assigned_to",
    "partner",
    "close_reason",
    "sealed",
}
HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _all_values(store: ReportStore) -> list[str]:
    """Every value in every column of every table, as text."""
    values: list[str] = []
    with store.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                values.extend(str(v) for v in row if v is not None)
    return values


# --- schema -----------------------------------------------------------------------------


def test_migrate_creates_the_tables(store_config):
    store = ReportStore(store_config)
    try:
        assert inspect(store.engine).get_table_names() == []
        store.migrate()
        inspector = inspect(store.engine)
        # Every table of the models exists (reports, casework and staff tables alike).
        assert set(inspector.get_table_names()) == {"alembic_version", *Base.metadata.tables}
        assert {c["name"] for c in inspector.get_columns("reports")} == REPORT_COLUMNS
        assert {c["name"] for c in inspector.get_columns("report_signs")} == {"report_id", "sign"}
        assert inspector.get_pk_constraint("report_signs")["constrained_columns"] == [
            "report_id",
            "sign",
        ]
        [fk] = inspector.get_foreign_keys("report_signs")
        assert fk["referred_table"] == "reports"
        assert fk["options"].get("ondelete") == "CASCADE"
        hash_indexes = [
            i for i in inspector.get_indexes("reports") if i["column_names"] == ["code_hash"]
        ]
        assert len(hash_indexes) == 1
        assert hash_indexes[0]["unique"]
        store.migrate()  # a second run is a no-op
    finally:
        store.dispose()


def test_migrations_match_the_models(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_downgrade_to_base_then_upgrade_head(store, store_config, private_key):
    store.submit(DRAFT)
    with store.engine.begin() as connection:
        cfg = alembic_config(
            store_config.database_url, connection, private_keys=(bytes(private_key),)
        )
        command.downgrade(cfg, "base")
    with store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        assert MigrationContext.configure(connection).get_current_revision() is None
    store.migrate()
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD
        assert {"reports", "report_signs"} <= set(inspect(connection).get_table_names())
    assert store.list_reports() == []
    code = store.submit(DRAFT)
    assert store.find_by_code(code) is not None


# --- submit and find --------------------------------------------------------------------


def test_submit_and_find_returns_every_field(store):
    code = store.submit(DRAFT)
    assert re.fullmatch(r"\d{5}(-\d{5}){4}", code)
    found = store.find_by_code(code)
    assert isinstance(found, StoredReport)
    for field in dataclasses.fields(ReportDraft):
        assert getattr(found, field.name) == getattr(DRAFT, field.name), field.name
    assert found.draft() == DRAFT
    assert found.status == "new"
    assert isinstance(found.id, int)


def test_optional_fields_stay_none(store):
    found = store.find_by_code(store.submit(MINIMAL))
    assert found is not None
    assert found.draft() == MINIMAL


def test_texts_at_the_maximum_length_are_kept_whole(store):
    long = dataclasses.replace(
        DRAFT,
        description="é" * 2000,  # characters, not bytes
        vehicles="v" * 2000,
        location_address="a" * 500,
        location_place="p" * 100,
    )
    found = store.find_by_code(store.submit(long))
    assert found is not None
    assert found.draft() == long


def test_signs_come_back_in_canonical_order(store):
    shuffled = dataclasses.replace(DRAFT, signs=("other", "short_visits", "odd_hours"))
    found = store.find_by_code(store.submit(shuffled))
    assert found is not None
    assert found.signs == ("odd_hours", "short_visits", "other")


def test_every_sign_can_be_stored(store):
    everything = dataclasses.replace(DRAFT, signs=SIGN_IDS)
    found = store.find_by_code(store.submit(everything))
    assert found is not None
    assert found.signs == SIGN_IDS


def test_signs_rows_exist_and_cascade(store):
    code = store.submit(DRAFT)
    report = store.find_by_code(code)
    store.submit(MINIMAL)
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sign FROM report_signs WHERE report_id = :id"), {"id": report.id}
        ).scalars()
        assert set(rows) == set(DRAFT.signs)
        # filtering by sign finds exactly the reports with it
        with_vehicles = connection.execute(
            text("SELECT report_id FROM report_signs WHERE sign = 'many_vehicles'")
        ).scalars()
        assert report.id not in set(with_vehicles)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM reports WHERE id = :id"), {"id": report.id})
    with store.engine.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM report_signs WHERE report_id = :id"), {"id": report.id}
        ).scalar_one()
    assert left == 0  # ON DELETE CASCADE (on SQLite only with foreign_keys=ON)


def test_code_is_stored_only_as_its_keyed_hash(store, code_key):
    code = store.submit(DRAFT)
    digits = code.replace("-", "")
    values = _all_values(store)
    assert values, "the scan found nothing: it would prove nothing"
    for value in values:
        assert digits not in value.replace("-", "").replace(" ", "")
        assert code not in value
    with store.engine.connect() as connection:
        stored_hash = connection.execute(text("SELECT code_hash FROM reports")).scalar_one()
    assert stored_hash == codes.hash_code(code, code_key)


def test_sqlite_file_holds_no_plain_code(tmp_path, code_key, private_key):
    db = tmp_path / "zicht.db"
    public = bytes(private_key.public_key)
    with ReportStore(StoreConfig(f"sqlite:///{db}", code_key, public)) as store:
        store.migrate()
        codes_given = [store.submit(DRAFT) for _ in range(5)]
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("zicht.db"))
        hashes = [codes.hash_code(c, code_key).encode() for c in codes_given]
    assert all(h in raw for h in hashes)  # the scan does see what was written
    for code in codes_given:
        assert code.replace("-", "").encode() not in raw
        assert code.encode() not in raw


def test_sqlite_file_is_private(tmp_path, code_key, private_key):
    db = tmp_path / "zicht.db"
    public = bytes(private_key.public_key)
    with ReportStore(StoreConfig(f"sqlite:///{db}", code_key, public)) as store:
        store.migrate()
        store.submit(DRAFT)
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "zicht.db-wal").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "spelling",
    [
        lambda c: c.replace("-", " "),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", "."),
        lambda c: f"  mijn code is {c.replace('-', ' - ')}, dank je  ",
    ],
)
def test_find_by_code_tolerates_spelling(store, spelling):
    code = store.submit(DRAFT)
    found = store.find_by_code(spelling(code))
    assert found is not None
    assert found.draft() == DRAFT


def test_find_by_code_misses(store, store_config):
    code = store.submit(DRAFT)
    digits = code.replace("-", "")
    wrong_last = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert store.find_by_code(wrong_last) is None
    assert store.find_by_code(codes.new_code()) is None
    assert store.find_by_code(digits[:-1]) is None
    assert store.find_by_code("") is None
    assert store.find_by_code("hello") is None
    # another key cannot find the report: the hash really is keyed
    other = ReportStore(dataclasses.replace(store_config, code_key=b"k" * 32))
    try:
        assert other.find_sealed(code) is None
    finally:
        other.dispose()


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def test_created_week_is_the_monday_of_this_utc_week_without_time(store):
    before = datetime.datetime.now(datetime.UTC).date()
    found = store.find_by_code(store.submit(DRAFT))
    after = datetime.datetime.now(datetime.UTC).date()
    assert type(found.created_week) is datetime.date  # not a datetime
    assert found.created_week.weekday() == 0  # a Monday: the week, not the day
    assert found.created_week in {_monday(before), _monday(after)}
    with store.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            raw = connection.execute(text("SELECT created_week FROM reports")).scalar_one()
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw)
        else:
            data_type = connection.execute(
                text(
                    "SELECT data_type FROM information_schema.columns"
                    " WHERE table_name = 'reports' AND column_name = 'created_week'"
                )
            ).scalar_one()
            assert data_type == "date"


def test_list_reports_in_submission_order(store):
    assert store.list_reports() == []
    first = store.submit(DRAFT)
    second = store.submit(MINIMAL)
    reports = store.list_reports()
    assert [r.draft() for r in reports] == [DRAFT, MINIMAL]
    assert [r.id for r in reports] == [store.find_by_code(c).id for c in (first, second)]
    assert all(isinstance(r, StoredReport) for r in reports)


def test_submissions_from_threads(store):
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                results.append(store.submit(MINIMAL))
        except BaseException as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 30
    assert len(store.list_reports()) == 30


def test_code_collision_draws_a_new_code(store, monkeypatch):
    first = store.submit(DRAFT)
    second = codes.new_code()
    drawn = iter([first, first, second])
    monkeypatch.setattr(store_module.codes, "new_code", lambda: next(drawn))
    assert store.submit(MINIMAL) == second
    assert store.find_by_code(first).draft() == DRAFT
    assert store.find_by_code(second).draft() == MINIMAL
    assert len(store.list_reports()) == 2


def test_endless_collisions_give_up(store, monkeypatch):
    taken = store.submit(DRAFT)
    monkeypatch.setattr(store_module.codes, "new_code", lambda: taken)
    with pytest.raises(RuntimeError):
        store.submit(MINIMAL)
    assert len(store.list_reports()) == 1


# --- validation -------------------------------------------------------------------------


INVALID = {
    "unknown sign": {"signs": ("odd_hours", "drugs")},
    "no signs": {"signs": ()},
    "duplicate signs": {"signs": ("odd_hours", "odd_hours")},
    "signs as list": {"signs": ["odd_hours"]},
    "other without text": {"signs": ("other",), "signs_other": None},
    "text without other": {"signs": ("odd_hours",), "signs_other": "iets"},
    "empty address": {"location_address": ""},
    "blank address": {"location_address": "   "},
    "empty place": {"location_place": ""},
    "empty time_of_day": {"time_of_day": ""},
    "empty frequency": {"frequency": ""},
    "empty since_when": {"since_when": " "},
    "missing language": {"language": None},
    "bad language": {"language": "Dutch"},
    "blank optional": {"vehicles": "  "},
    "description too long": {"description": "x" * 2001},
    "signs_other too long": {"signs_other": "x" * 2001},
    "address too long": {"location_address": "x" * 501},
    "NUL character": {"persons": "a\x00b"},
    "postcode with space": {"location_postcode": "6131 AB"},
    "postcode lower case": {"location_postcode": "6131ab"},
    "postcode too short": {"location_postcode": "613"},
    "danger not bool": {"danger_reported": "yes"},
    "number as text": {"frequency": 3},
}


@pytest.mark.parametrize("changes", INVALID.values(), ids=INVALID.keys())
def test_invalid_drafts_are_rejected(changes):
    with pytest.raises(ValueError):
        validate_draft(dataclasses.replace(DRAFT, **changes))


def test_invalid_drafts_raise_and_store_nothing(store):
    for name, changes in INVALID.items():
        with pytest.raises(ValueError):
            store.submit(dataclasses.replace(DRAFT, **changes))
            pytest.fail(f"accepted: {name}")
    assert store.list_reports() == []
    validate_draft(DRAFT)  # the base draft itself is valid
    store.submit(DRAFT)
    assert len(store.list_reports()) == 1


# --- engine -----------------------------------------------------------------------------


def test_sqlite_pragmas_are_active(tmp_path, code_key):
    with ReportStore(StoreConfig(f"sqlite:///{tmp_path / 'zicht.db'}", code_key)) as store:
        store.migrate()
        with store.engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("secure_delete") == 1
            assert pragma("foreign_keys") == 1


def test_sqlite_migrations_are_transactional(tmp_path, code_key, monkeypatch):
    # A migration that fails half-way leaves no table behind (SQLite needs our own BEGIN).
    with ReportStore(StoreConfig(f"sqlite:///{tmp_path / 'zicht.db'}", code_key)) as store:
        from alembic.operations import Operations

        real_create_index = Operations.create_index
        calls = []

        def failing_create_index(self, *args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("boom")
            return real_create_index(self, *args, **kwargs)

        monkeypatch.setattr(Operations, "create_index", failing_create_index)
        with pytest.raises(RuntimeError):
            store.migrate()
        assert inspect(store.engine).get_table_names() == []


def test_sqlite_read_then_write_is_not_broken_by_a_commit_in_between(tmp_path):
    """Two processes on one SQLite file: a transaction that has read, then writes, waits for
    (or is waited for by) the other writer instead of failing with "database is locked"."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    first, second = store_module.make_engine(url), store_module.make_engine(url)
    with first.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counts (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO counts VALUES (0)")
    errors: list[Exception] = []

    def other_process_writes() -> None:
        try:
            with second.begin() as other:
                other.exec_driver_sql("INSERT INTO counts VALUES (2)")
        except Exception as error:  # the assertion below shows it
            errors.append(error)

    with first.begin() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM counts").scalar() == 1
        writer = threading.Thread(target=other_process_writes)
        writer.start()
        writer.join(0.5)  # with a deferred BEGIN the other write lands here
        connection.exec_driver_sql("INSERT INTO counts VALUES (1)")
    writer.join(10)
    assert errors == []
    with first.connect() as connection:
        rows = connection.exec_driver_sql("SELECT n FROM counts ORDER BY n").scalars().all()
    assert rows == [0, 1, 2]
    first.dispose()
    second.dispose()


@pytest.mark.postgres
def test_postgresql_urls_use_psycopg3(postgres_url):
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    assert plain.startswith("postgresql://")
    config = StoreConfig(plain, b"k" * 32)
    assert config.database_url == postgres_url
    with ReportStore(config) as store:
        assert store.engine.dialect.driver == "psycopg"
        assert store.ping()


def test_ping(store, code_key, tmp_path):
    assert store.ping() is True
    broken = ReportStore(StoreConfig(f"sqlite:///{tmp_path / 'missing' / 'x.db'}", code_key))
    assert broken.ping() is False
    broken.dispose()
    closed_port = ReportStore(
        StoreConfig("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", code_key)
    )
    assert closed_port.ping() is False
    closed_port.dispose()


def test_store_queries_return_no_orm_objects(store):
    store.submit(DRAFT)
    for report in store.list_reports():
        assert type(report) is StoredReport
        assert dataclasses.is_dataclass(report)
        with pytest.raises(dataclasses.FrozenInstanceError):
            report.status = "closed"  # type: ignore[misc]


# --- configuration ----------------------------------------------------------------------


def test_config_defaults_under_the_var_dir(tmp_path):
    var = tmp_path / "var"
    config = StoreConfig.from_env({"ZICHT_VAR_DIR": str(var)})
    assert config.database_url == f"sqlite:///{var / 'zicht.db'}"
    key_file = var / "secrets" / "code.key"
    assert key_file.read_bytes() == config.code_key
    assert len(config.code_key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "secrets").stat().st_mode) == 0o700
    # the key is created once and then kept
    assert StoreConfig.from_env({"ZICHT_VAR_DIR": str(var)}).code_key == config.code_key
    other = StoreConfig.from_env({"ZICHT_VAR_DIR": str(tmp_path / "other")})
    assert other.code_key != config.code_key


def test_config_key_from_env_and_file(tmp_path):
    key = bytes(range(32))
    from_hex = StoreConfig.from_env({"ZICHT_VAR_DIR": str(tmp_path), "ZICHT_CODE_KEY": key.hex()})
    assert from_hex.code_key == key
    assert not (tmp_path / "secrets").exists()
    key_file = tmp_path / "my.key"
    key_file.write_text(key.hex() + "\n")
    env = {"ZICHT_VAR_DIR": str(tmp_path), "ZICHT_CODE_KEY_FILE": str(key_file)}
    assert StoreConfig.from_env(env).code_key == key
    with pytest.raises(ValueError):
        StoreConfig.from_env({"ZICHT_VAR_DIR": str(tmp_path), "ZICHT_CODE_KEY": "zz"})
    with pytest.raises(ValueError):
        StoreConfig.from_env({"ZICHT_VAR_DIR": str(tmp_path), "ZICHT_CODE_KEY": "abcd"})


def test_config_database_url_and_repr(tmp_path):
    env = {
        "ZICHT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://zicht:s%40cret@db.example:5432/zicht",
    }
    config = StoreConfig.from_env(env)
    assert config.database_url == "postgresql+psycopg://zicht:s%40cret@db.example:5432/zicht"
    assert "cret" not in repr(config)
    assert config.code_key.hex() not in repr(config)
    assert StoreConfig("postgres://u@h/d", b"k" * 32).database_url == "postgresql+psycopg://u@h/d"


def test_migrate_module_upgrades_the_configured_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ZICHT_CODE_KEY"}}
    env.update({"ZICHT_VAR_DIR": str(tmp_path)})
    env.pop("ZICHT_CODE_KEY_FILE", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot.reports.migrate"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'zicht.db'}")
    try:
        with engine.connect() as connection:
            assert {"reports", "report_signs"} <= set(inspect(connection).get_table_names())
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert revision.scalar_one() == HEAD
    finally:
        engine.dispose()
