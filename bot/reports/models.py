"""ORM models of the reports store. Only bot.reports (store, casework, outbox, throttle) uses
them; they never leave that package.

Privacy by design: no IP address, user agent, session id, time of day or any other request
metadata is stored. A report keeps only the keyed hash of its reference code, the week of its
submission, coarse fields in clear and everything the resident wrote sealed to the public key.
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.reports.records import (
    CLOSE_REASONS,
    FUNNEL_EVENTS,
    MAX_LENGTHS,
    MESSAGE_KINDS,
    PARTNERS,
    SIGN_IDS,
    STATUSES,
)

CHOICE_LENGTH = 32
KEY_ID_LENGTH = 16
STAFF_NAME_LENGTH = 64

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Report(Base):
    """One report. Clear columns are coarse, for filtering and statistics; what the resident
    wrote (address, full postcode, typed answers, vehicles, persons, description, "other" sign)
    is in `sealed`, which only the private key opens."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_in_list("status", STATUSES), name="status"),
        CheckConstraint(f"partner IS NULL OR {_in_list('partner', PARTNERS)}", name="partner"),
        CheckConstraint(
            f"close_reason IS NULL OR {_in_list('close_reason', CLOSE_REASONS)}",
            name="close_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 (hex) of the reference code; the code itself is never stored.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # The Monday of the ISO week of submission (UTC): never a day or a time of day.
    created_week: Mapped[datetime.date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(MAX_LENGTHS["language"]))
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    location_place: Mapped[str] = mapped_column(String(MAX_LENGTHS["location_place"]))
    postcode_area: Mapped[str | None] = mapped_column(String(4))
    # The button choice of the "when" answers; NULL when typed (the text is sealed).
    time_of_day_choice: Mapped[str | None] = mapped_column(String(CHOICE_LENGTH))
    frequency_choice: Mapped[str | None] = mapped_column(String(CHOICE_LENGTH))
    since_when_choice: Mapped[str | None] = mapped_column(String(CHOICE_LENGTH))
    danger_reported: Mapped[bool] = mapped_column(Boolean)
    # The key pair the contents are sealed to, and the sealed box (bot.reports.contents).
    key_id: Mapped[str] = mapped_column(String(KEY_ID_LENGTH))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The follow-up thread's secret-box key (bot.reports.codes.followup_key), sealed to the same
    # key pair as `sealed`. NULL for reports stored before revision 0003.
    followup_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Casework, written by staff only.
    assigned_to: Mapped[str | None] = mapped_column(String(STAFF_NAME_LENGTH))
    partner: Mapped[str | None] = mapped_column(String(CHOICE_LENGTH))
    close_reason: Mapped[str | None] = mapped_column(String(CHOICE_LENGTH))

    signs: Mapped[list[ReportSign]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class ReportSign(Base):
    """One sign of one report, in its own table so that staff can filter by sign."""

    __tablename__ = "report_signs"
    __table_args__ = (
        CheckConstraint(_in_list("sign", SIGN_IDS), name="sign"),
        Index("ix_report_signs_sign", "sign"),
    )

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    sign: Mapped[str] = mapped_column(String(32), primary_key=True)

    report: Mapped[Report] = relationship(back_populates="signs")


class ReportMessage(Base):
    """A note or follow-up message on a report, sealed to the public key like the report.

    Messages the resident may read (to_resident, from_resident) are also kept in `shared`, a
    secret box under the report's follow-up key, which the reference code opens.
    """

    __tablename__ = "report_messages"
    __table_args__ = (
        CheckConstraint(_in_list("kind", MESSAGE_KINDS), name="kind"),
        Index("ix_report_messages_report_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(STAFF_NAME_LENGTH))
    # Staff: the day; resident: the Monday of the week (no finer time on the resident's side).
    created_on: Mapped[datetime.date] = mapped_column(Date)
    key_id: Mapped[str] = mapped_column(String(KEY_ID_LENGTH))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    shared: Mapped[bytes | None] = mapped_column(LargeBinary)


class FunnelCount(Base):
    """How many report forms were started, completed and cancelled per ISO week: counts only."""

    __tablename__ = "report_funnel"
    __table_args__ = (CheckConstraint(_in_list("event", FUNNEL_EVENTS), name="event"),)

    week: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    event: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ThrottleEvent(Base):
    """One attempt that counts against a limit (a failed code lookup, a staff login).

    `subject` is never a code, an IP address or anything about a resident: "all" for code
    lookups, a hash of the account name for logins. Rows older than a day are pruned.
    """

    __tablename__ = "throttle_events"
    __table_args__ = (Index("ix_throttle_events_scope_subject_at", "scope", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))


class Setting(Base):
    """Installation settings changed at run time by an admin (e.g. retention_days)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
