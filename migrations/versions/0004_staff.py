"""staff accounts: users, server-side sessions and the audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

- ``staff_users``: one row per staff account; the password only as an argon2id hash, the
  enrolment link only as a SHA-256 hash (NULL once used), the last TOTP time step accepted.
- ``staff_sessions``: signed-in browsers; the cookie token only as its SHA-256 hash (the key),
  the CSRF token of the session, creation and last request time (naive UTC). Deleted with
  their user.
- ``audit_events``: who did what and when; ``report_id`` has no foreign key, so the trail stays
  when a report is purged.

New tables only, so nothing here needs SQLite's batch mode. Like the earlier revisions this one
imports no application code: lengths and roles are repeated.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("viewer", "handler", "admin")
NAME_LENGTH = 64
HASH_LENGTH = 64


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=NAME_LENGTH), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("last_totp_step", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enrol_token_hash", sa.String(length=HASH_LENGTH), nullable=True),
        sa.Column("enrol_expires_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(_in_list("role", ROLES), name=op.f("ck_staff_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_users_name")),
        sa.UniqueConstraint("enrol_token_hash", name=op.f("uq_staff_users_enrol_token_hash")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=HASH_LENGTH), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=HASH_LENGTH), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_sessions")),
    )
    op.create_index(
        op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"], unique=False
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=NAME_LENGTH), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), server_default="", nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_staff_sessions_user_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
