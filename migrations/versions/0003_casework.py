"""casework: workflow columns, sealed messages, the report funnel, throttling and settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

- ``reports`` gains ``assigned_to``, ``partner``, ``close_reason`` (staff workflow) and
  ``followup_key`` (the follow-up thread's key sealed to the public key; NULL for older rows,
  which therefore cannot receive messages for the resident).
- ``report_messages``: notes and follow-up messages, sealed; deleted with their report.
- ``report_funnel``: started/completed/cancelled counts per ISO week.
- ``throttle_events``: attempts that count against a limit (code lookups, staff logins).
- ``settings``: name/value pairs changed at run time (retention_days).

SQLite cannot add a constraint to an existing table without copying it (which would cascade-
delete report_signs), but it can add a column with its own CHECK: so the new columns of
``reports`` are added that way on SQLite and with ADD CONSTRAINT elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTNERS = (
    "avim",
    "project_1863",
    "riec_limburg",
    "om",
    "belastingdienst",
    "kmar",
    "leger_des_heils",
)
CLOSE_REASONS = ("handled", "no_grounds", "duplicate", "insufficient", "other")
MESSAGE_KINDS = ("note", "to_resident", "from_resident")
FUNNEL_EVENTS = ("started", "completed", "cancelled")
CHOICE_LENGTH = 32
STAFF_NAME_LENGTH = 64
KEY_ID_LENGTH = 16


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHECKS = {
    "partner": f"partner IS NULL OR {_in_list('partner', PARTNERS)}",
    "close_reason": f"close_reason IS NULL OR {_in_list('close_reason', CLOSE_REASONS)}",
}


def _add_report_columns() -> None:
    op.add_column("reports", sa.Column("followup_key", sa.LargeBinary(), nullable=True))
    op.add_column(
        "reports", sa.Column("assigned_to", sa.String(length=STAFF_NAME_LENGTH), nullable=True)
    )
    if op.get_bind().dialect.name == "sqlite":
        for column, check in CHECKS.items():
            op.execute(
                f"ALTER TABLE reports ADD COLUMN {column} VARCHAR({CHOICE_LENGTH}) "
                f"CONSTRAINT ck_reports_{column} CHECK ({check})"
            )
        return
    for column, check in CHECKS.items():
        op.add_column("reports", sa.Column(column, sa.String(length=CHOICE_LENGTH), nullable=True))
        op.create_check_constraint(op.f(f"ck_reports_{column}"), "reports", check)


def upgrade() -> None:
    _add_report_columns()
    op.create_table(
        "report_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=STAFF_NAME_LENGTH), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("key_id", sa.String(length=KEY_ID_LENGTH), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("shared", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(_in_list("kind", MESSAGE_KINDS), name=op.f("ck_report_messages_kind")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_messages_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_messages")),
    )
    op.create_index("ix_report_messages_report_id", "report_messages", ["report_id"])
    op.create_table(
        "report_funnel",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in_list("event", FUNNEL_EVENTS), name=op.f("ck_report_funnel_event")),
        sa.PrimaryKeyConstraint("week", "event", name=op.f("pk_report_funnel")),
    )
    op.create_table(
        "throttle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_events")),
    )
    op.create_index(
        "ix_throttle_events_scope_subject_at", "throttle_events", ["scope", "subject", "at"]
    )
    op.create_table(
        "settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index("ix_throttle_events_scope_subject_at", table_name="throttle_events")
    op.drop_table("throttle_events")
    op.drop_table("report_funnel")
    op.drop_index("ix_report_messages_report_id", table_name="report_messages")
    op.drop_table("report_messages")
    if op.get_bind().dialect.name != "sqlite":
        for column in CHECKS:
            op.drop_constraint(op.f(f"ck_reports_{column}"), "reports", type_="check")
    for column in ("close_reason", "partner", "assigned_to", "followup_key"):
        # SQLite (3.35+) drops a column in place; Alembic would copy the table otherwise.
        op.execute(f"ALTER TABLE reports DROP COLUMN {column}")
