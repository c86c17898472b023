"""Alembic environment of the reports store.

There is no alembic.ini: bot.reports.store.alembic_config builds the Config in code. Normally
ReportStore.migrate() (or ``python -m bot.reports.migrate``) passes an open connection in
``config.attributes["connection"]`` and the migrations run inside its transaction. Without one,
this file opens its own engine for ``sqlalchemy.url`` (or the environment's DATABASE_URL).

SQLite note for future revisions: alter tables with ``op.batch_alter_table`` (render_as_batch is
on), and mind that foreign_keys=ON makes a batch "move and copy" of ``reports`` cascade-delete
``report_signs``; such a revision must copy and restore the signs itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import bot.staff.models  # noqa: F401  (the staff tables belong to the same metadata)
from bot.reports.config import StoreConfig
from bot.reports.models import Base
from bot.reports.store import make_engine

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or StoreConfig.from_env().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_database_url())
    try:
        with engine.begin() as own_connection:
            _configure(own_connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
