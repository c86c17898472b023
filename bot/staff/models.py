"""ORM models of the staff accounts: users, their sessions and the audit log (migration 0004).

They live on the declarative ``Base`` of bot.reports.models, so one metadata (and one Alembic
history) describes the whole database. Times are naive UTC datetimes (``bot.staff.clock``):
the same on SQLite and PostgreSQL. Secrets are never stored in a form that can be used: the
password only as an argon2id hash, enrolment links and session ids only as SHA-256 hashes.
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.reports.models import Base

ROLES: tuple[str, ...] = ("viewer", "handler", "admin")
NAME_LENGTH = 64
HASH_LENGTH = 64  # SHA-256, hex
DETAIL_LENGTH = 500
USER_AGENT_LENGTH = 300
IP_LENGTH = 45


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class StaffUser(Base):
    """One staff account. Without a password hash it waits for enrolment (or a reset)."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_in_list("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(160))  # sealed: bot.staff.totp_secrets
    # The last TOTP time step accepted: a code of that step or an earlier one is refused.
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    enrol_token_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), unique=True)
    enrol_expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)


class StaffSession(Base):
    """One signed-in browser. The cookie holds the token; the table only its hash."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(HASH_LENGTH))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who did what, when. ``report_id`` has no foreign key: the trail outlives a purge."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime)
    actor: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    action: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(DETAIL_LENGTH), default="", server_default="")
    ip: Mapped[str | None] = mapped_column(String(IP_LENGTH))
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))
