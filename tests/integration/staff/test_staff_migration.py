"""Migration 0004 (staff tables) goes up, down and up again on SQLite and PostgreSQL."""

from alembic import command
from sqlalchemy import inspect
from staff_helpers import staff_config

from bot.reports.store import ReportStore, alembic_config

STAFF_TABLES = {"staff_users", "staff_sessions", "audit_events"}


def test_0004_up_down_up(database_url):
    config = staff_config(database_url)
    with ReportStore(config.store) as store:
        store.migrate()
        assert set(inspect(store.engine).get_table_names()) >= STAFF_TABLES
        with store.engine.begin() as connection:
            command.downgrade(alembic_config(database_url, connection), "0003")
        names = set(inspect(store.engine).get_table_names())
        assert not STAFF_TABLES & names and "throttle_events" in names
        store.migrate()
        assert set(inspect(store.engine).get_table_names()) >= STAFF_TABLES
        with store.engine.begin() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("staff_users")}
        assert {"password_hash", "totp_secret", "last_totp_step", "enrol_token_hash"} <= columns
