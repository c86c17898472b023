"""Migration 0004 (staff tables) goes up, down and up again on SQLite and PostgreSQL."""

import datetime

from alembic import command
from sqlalchemy import insert, inspect, select
from staff_helpers import staff_config

from bot.reports.store import ReportStore, alembic_config
from bot.staff import totp
from bot.staff.models import StaffUser
from bot.staff.totp_secrets import TotpSecrets

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


def test_0005_down_clears_sealed_totp_secrets_and_keeps_clear_ones(database_url):
    """A sealed secret does not fit 0004's column nor can 0004's code read it: going down clears
    it (that account enrols again); a secret from before sealing stays."""
    config = staff_config(database_url)
    with ReportStore(config.store) as store:
        store.migrate()
        sealed = TotpSecrets(config.totp_key).seal(totp.new_secret())
        clear = totp.new_secret()
        users = StaffUser.__table__
        with store.engine.begin() as connection:
            for name, secret in (("sealed", sealed), ("clear", clear)):
                connection.execute(
                    insert(users).values(
                        name=name,
                        role="viewer",
                        totp_secret=secret,
                        disabled=False,
                        created_at=datetime.datetime(2026, 11, 29),
                    )
                )
        with store.engine.begin() as connection:
            command.downgrade(alembic_config(database_url, connection), "0004")
        with store.engine.connect() as connection:
            rows = dict(connection.execute(select(users.c.name, users.c.totp_secret)).all())
        assert rows == {"sealed": None, "clear": clear}
        store.migrate()
