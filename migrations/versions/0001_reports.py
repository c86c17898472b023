"""reports and report_signs

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Migrations never import application code: constants (lengths, allowed values) are repeated here,
so that this revision means the same thing forever.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("new", "in_progress", "forwarded", "closed")
SIGN_IDS = ("odd_hours", "many_vehicles", "short_visits", "hidden_residents", "violence", "other")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="new", nullable=False),
        sa.Column("signs_other", sa.String(length=2000), nullable=True),
        sa.Column("location_address", sa.String(length=500), nullable=False),
        sa.Column("location_place", sa.String(length=100), nullable=False),
        sa.Column("location_postcode", sa.String(length=6), nullable=True),
        sa.Column("time_of_day", sa.String(length=500), nullable=False),
        sa.Column("frequency", sa.String(length=500), nullable=False),
        sa.Column("since_when", sa.String(length=500), nullable=False),
        sa.Column("vehicles", sa.String(length=2000), nullable=True),
        sa.Column("persons", sa.String(length=2000), nullable=True),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("danger_reported", sa.Boolean(), nullable=False),
        sa.CheckConstraint(_in_list("status", STATUSES), name=op.f("ck_reports_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index(op.f("ix_reports_code_hash"), "reports", ["code_hash"], unique=True)
    op.create_table(
        "report_signs",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("sign", sa.String(length=32), nullable=False),
        sa.CheckConstraint(_in_list("sign", SIGN_IDS), name=op.f("ck_report_signs_sign")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_signs_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "sign", name=op.f("pk_report_signs")),
    )
    op.create_index("ix_report_signs_sign", "report_signs", ["sign"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_signs_sign", table_name="report_signs")
    op.drop_table("report_signs")
    op.drop_index(op.f("ix_reports_code_hash"), table_name="reports")
    op.drop_table("reports")
