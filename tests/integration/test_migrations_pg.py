"""Every Alembic revision, up and down, with reports in the tables, on SQLite and PostgreSQL.

The revisions are discovered from migrations/versions (Alembic's ScriptDirectory), so a new
revision is covered without touching this file. At every level a report is written the way that
level stores it: in clear at the first revision (as test_sealed_store does for 0001), sealed
through the store's own row builder from the level that has the ``sealed`` column on, with only
the columns the level has. Going down, each step must restore exactly the schema the same step
had on the way up and keep every report while the ``reports`` table exists; coming back up,
the private keyring must read them all. That the head schema matches the models is
test_store.test_migrations_match_the_models.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, insert, inspect, select, table, text
from test_sealed_store import _store_in_clear_at_0001
from test_store import DRAFT, MINIMAL

from bot.reports import codes
from bot.reports import store as store_module
from bot.reports.crypto import Sealer
from bot.reports.models import Report, ReportSign
from bot.reports.store import MIGRATIONS_DIR, ReportReader

SCRIPTS = ScriptDirectory(str(MIGRATIONS_DIR))
# base → head, discovered; a branch would break the "one step" idea, so there must be none.
REVISIONS: list[str] = [script.revision for script in reversed(list(SCRIPTS.walk_revisions()))]
HEAD = SCRIPTS.get_current_head()
Schema = dict[str, dict[str, Any]]


def test_the_revisions_form_one_line():
    assert len(SCRIPTS.get_heads()) == 1
    assert REVISIONS[-1] == HEAD
    downs = [SCRIPTS.get_revision(rev).down_revision for rev in REVISIONS]
    assert downs == [None, *REVISIONS[:-1]]


# --- helpers --------------------------------------------------------------------------------


def schema(connection: Connection) -> Schema:
    """Tables with their columns, keys, indexes and checks (alembic_version left out)."""
    inspector = inspect(connection)
    shape: Schema = {}
    for name in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        shape[name] = {
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)
            ),
            "pk": inspector.get_pk_constraint(name)["constrained_columns"],
            "fks": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(name)
            ),
            "indexes": sorted(
                (tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(name)
            ),
            "checks": sorted(c["name"] or "" for c in inspector.get_check_constraints(name)),
        }
    return shape


def revision_of(reader: ReportReader) -> str | None:
    with reader.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def step(reader: ReportReader, direction: str, target: str) -> Schema:
    """One Alembic command in one transaction, with both keys; the schema afterwards."""
    with reader.engine.begin() as connection:
        cfg = reader._alembic_config(connection)
        getattr(command, direction)(cfg, target)
        return schema(connection)


def report_count(reader: ReportReader) -> int | None:
    """How many reports there are; None when the level has no reports table."""
    with reader.engine.connect() as connection:
        if "reports" not in inspect(connection).get_table_names():
            return None
        return int(connection.execute(text("SELECT count(*) FROM reports")).scalar_one())


def store_sealed_at_this_level(reader: ReportReader, code_key: bytes) -> str:
    """A report written with the store's row builder, limited to the columns the level has."""
    config = reader._config
    assert config.public_key is not None
    code = codes.new_code()
    code_hash = codes.hash_code(code, code_key)
    row = store_module._new_report(
        MINIMAL, code_hash, Sealer(config.public_key), codes.followup_key(code, code_key)
    )
    with reader.engine.begin() as connection:
        present = {c["name"] for c in inspect(connection).get_columns("reports")}
        values = {
            c.name: getattr(row, c.key)
            for c in Report.__table__.columns
            if c.name in present and getattr(row, c.key) is not None
        }
        reports = table("reports", *(column(name) for name in values), column("id"))
        report_id = connection.execute(
            insert(reports).values(values).returning(reports.c.id)
        ).scalar_one()
        signs = table(ReportSign.__tablename__, column("report_id"), column("sign"))
        for sign in MINIMAL.signs:
            connection.execute(insert(signs).values(report_id=report_id, sign=sign))
    return code


def store_at_this_level(reader: ReportReader, code_key: bytes, level: str) -> tuple[str, Any]:
    """Write one report the way `level` stores it; the code and the draft it holds."""
    with reader.engine.connect() as connection:
        sealed = "sealed" in {c["name"] for c in inspect(connection).get_columns("reports")}
    if sealed:
        return store_sealed_at_this_level(reader, code_key), MINIMAL
    assert level == REVISIONS[0], f"no way to write a report at revision {level}"
    return _store_in_clear_at_0001(reader, code_key), DRAFT


@pytest.fixture
def reader(store_config, keyring) -> Iterator[ReportReader]:
    """A staff-side store on an empty database (not migrated)."""
    with ReportReader(store_config, keyring) as report_reader:
        yield report_reader


# --- the tests ------------------------------------------------------------------------------


def test_up_step_by_step_with_data_then_down_to_base_and_up_again(reader, code_key):
    with reader.engine.connect() as connection:
        shapes: dict[str | None, Schema] = {None: schema(connection)}
    written: list[tuple[str, Any]] = []
    for level in REVISIONS:
        shapes[level] = step(reader, "upgrade", level)
        assert report_count(reader) == len(written), level
        written.append(store_at_this_level(reader, code_key, level))
    assert revision_of(reader) == HEAD
    for code, draft in written:
        assert reader.find_by_code(code).draft() == draft

    for level in reversed(REVISIONS):
        below = SCRIPTS.get_revision(level).down_revision
        assert step(reader, "downgrade", "-1") == shapes[below], f"{level} → {below}"
        assert revision_of(reader) == below
        if below is not None:
            assert report_count(reader) == len(written), f"{level} → {below}"
    assert shapes[None] == {} and report_count(reader) is None

    reader.migrate()
    with reader.engine.connect() as connection:
        assert schema(connection) == shapes[HEAD]
    assert revision_of(reader) == HEAD
    assert reader.list_reports() == []
    assert reader.find_by_code(reader.submit(DRAFT)).draft() == DRAFT


@pytest.mark.parametrize("target", REVISIONS[:-1])
def test_down_to_a_revision_and_back_keeps_every_report(reader, target):
    reader.migrate()
    first = reader.submit(DRAFT)
    second = reader.submit(dataclasses.replace(MINIMAL, location_postcode="6163AA"))
    ids = [report.id for report in reader.list_reports()]
    while revision_of(reader) != target:
        step(reader, "downgrade", "-1")
        assert report_count(reader) == 2, revision_of(reader)
    with reader.engine.connect() as connection:
        assert sorted(connection.scalars(select(column("id")).select_from(table("reports")))) == ids
    reader.migrate()
    assert revision_of(reader) == HEAD
    assert reader.find_by_code(first).draft() == DRAFT
    assert reader.find_by_code(second).location_postcode == "6163AA"
    assert [report.id for report in reader.list_reports()] == ids
