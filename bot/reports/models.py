"""ORM models of the reports store. Only bot.reports.store uses them; they never leave it.

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
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.reports.records import MAX_LENGTHS, SIGN_IDS, STATUSES

CHOICE_LENGTH = 32
KEY_ID_LENGTH = 16

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
    __table_args__ = (CheckConstraint(_in_list("status", STATUSES), name="status"),)

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
