"""ORM models of the reports store. Only bot.reports.store uses them; they never leave it.

Privacy by design: no IP address, user agent, session id, time of day or any other request
metadata is stored. A report keeps only the keyed hash of its reference code and a coarse
submission date.
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.reports.records import MAX_LENGTHS, SIGN_IDS, STATUSES

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
    __tablename__ = "reports"
    __table_args__ = (CheckConstraint(_in_list("status", STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 (hex) of the reference code; the code itself is never stored.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # The submission date only (UTC), never a time of day.
    created_on: Mapped[datetime.date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(MAX_LENGTHS["language"]))
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    signs_other: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["signs_other"]))
    location_address: Mapped[str] = mapped_column(String(MAX_LENGTHS["location_address"]))
    location_place: Mapped[str] = mapped_column(String(MAX_LENGTHS["location_place"]))
    location_postcode: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["location_postcode"]))
    time_of_day: Mapped[str] = mapped_column(String(MAX_LENGTHS["time_of_day"]))
    frequency: Mapped[str] = mapped_column(String(MAX_LENGTHS["frequency"]))
    since_when: Mapped[str] = mapped_column(String(MAX_LENGTHS["since_when"]))
    vehicles: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["vehicles"]))
    persons: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["persons"]))
    description: Mapped[str | None] = mapped_column(String(MAX_LENGTHS["description"]))
    danger_reported: Mapped[bool] = mapped_column(Boolean)

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
