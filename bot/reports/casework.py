"""Casework: the staff side's view of reports — workflow, messages, grouping, funnel, retention.

``Casework(reader)`` wraps a ReportReader (it holds the private keyring) and is the only API the
staff dashboard uses for reports. Everything is synchronous; the dashboard calls it through
``asyncio.to_thread``. Every record returned is frozen (bot.reports.records).

Address grouping needs the sealed addresses, so it happens here, in memory, over the opened
reports (the dashboard is the only place with the private key). Opened reports are cached by
(id, key id, blob digest), so a list page does not open every sealed box again.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import delete, select, update

from bot.reports import contents
from bot.reports.addresses import AddressKey, address_key
from bot.reports.models import FunnelCount, Report, ReportMessage, Setting
from bot.reports.records import (
    CLOSE_REASONS,
    FUNNEL_EVENTS,
    PARTNERS,
    STATUSES,
    TRANSITIONS,
    Case,
    CaseFilter,
    Message,
    StoredReport,
)
from bot.reports.store import (
    PublicKeyMissing,
    ReportReader,
    check_message,
    to_sealed,
    today_utc,
)

DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
RETENTION_SETTING = "retention_days"
STAFF_KINDS: tuple[str, ...] = ("note", "to_resident")


class NoFollowUpKey(ValueError):
    """The report predates the follow-up thread (revision 0003): no message can reach the
    resident, because their code is needed to make the key and only they have it."""


class Casework:
    """Reports as staff handle them."""

    def __init__(self, reader: ReportReader) -> None:
        self._reader = reader
        self._opened: dict[tuple[int, str, bytes], StoredReport] = {}

    @property
    def reader(self) -> ReportReader:
        return self._reader

    # --- reading --------------------------------------------------------------------------

    def cases(self, filters: CaseFilter | None = None) -> list[Case]:
        """The reports matching ``filters``, sorted as asked (newest first by default)."""
        filters = filters or CaseFilter()
        everything = self._all_cases()
        chosen = [c for c in everything if _matches(c, filters)]
        if filters.sort == "oldest":
            chosen.sort(key=lambda c: (c.report.created_week, c.id))
        elif filters.sort == "address_count":
            chosen.sort(key=lambda c: (-c.address_count, -c.street_count, -c.id))
        else:
            chosen.sort(key=lambda c: (c.report.created_week, c.id), reverse=True)
        return chosen

    def case(self, report_id: int) -> Case | None:
        """One report with its messages and the other reports on its address and street."""
        everything = {c.id: c for c in self._all_cases()}
        found = everything.get(report_id)
        if found is None:
            return None
        keys = {c.id: _key(c.report) for c in everything.values()}
        own = keys[report_id]
        same_address = tuple(
            i
            for i, k in keys.items()
            if i != report_id and own.address_key and k.address_key == own.address_key
        )
        same_street = tuple(
            i
            for i, k in keys.items()
            if i != report_id
            and i not in same_address
            and own.street_key
            and k.street_key == own.street_key
        )
        return replace(
            found,
            same_address=same_address,
            same_street=same_street,
            messages=tuple(self.messages(report_id)),
        )

    def recurring_signs(self, report_ids: Iterable[int]) -> dict[str, int]:
        """How often each sign occurs among the given reports (for "which signs recur")."""
        wanted = set(report_ids)
        counts: Counter[str] = Counter()
        for case in self._all_cases():
            if case.id in wanted:
                counts.update(case.report.signs)
        return dict(counts)

    def messages(self, report_id: int) -> list[Message]:
        """All notes and messages of a report, opened, oldest first."""
        keyring = self._reader.keyring
        with self._reader.sessions() as session:
            code_hash = session.scalar(select(Report.code_hash).where(Report.id == report_id))
            rows = session.scalars(
                select(ReportMessage)
                .where(ReportMessage.report_id == report_id)
                .order_by(ReportMessage.id)
            ).all()
            return [
                Message(
                    id=row.id,
                    report_id=row.report_id,
                    kind=row.kind,
                    author=row.author,
                    created_on=row.created_on,
                    text=contents.open_message(
                        keyring, row.key_id, row.sealed, str(code_hash), row.kind
                    ),
                )
                for row in rows
            ]

    def can_message_resident(self, report_id: int) -> bool:
        """False for reports stored before the follow-up thread existed."""
        with self._reader.sessions() as session:
            key = session.scalar(select(Report.followup_key).where(Report.id == report_id))
        return key is not None

    # --- changing -------------------------------------------------------------------------

    def set_status(
        self,
        report_id: int,
        status: str,
        *,
        partner: str | None = None,
        reason: str | None = None,
    ) -> Case:
        """Move a report along the workflow (records.TRANSITIONS).

        "forwarded" needs a partner (PARTNERS), "closed" a reason (CLOSE_REASONS). The partner
        stays on record after forwarding; the close reason is cleared when a report reopens.
        ValueError for an unknown report, a transition that is not allowed or a missing choice.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if status == "forwarded" and partner not in PARTNERS:
            raise ValueError("forwarding needs a partner")
        if status == "closed" and reason not in CLOSE_REASONS:
            raise ValueError("closing needs a reason")
        values: dict[str, object] = {"status": status}
        if status == "forwarded":
            values["partner"] = partner
        values["close_reason"] = reason if status == "closed" else None
        with self._reader.sessions.begin() as session:
            current = session.scalar(select(Report.status).where(Report.id == report_id))
            if current is None:
                raise ValueError(f"no report {report_id}")
            if status not in TRANSITIONS[current]:
                raise ValueError(f"a report cannot go from {current!r} to {status!r}")
            session.execute(update(Report).where(Report.id == report_id).values(**values))
        return self._required(report_id)

    def assign(self, report_id: int, handler: str | None) -> Case:
        """Assign the report to a staff member by name, or unassign it with None."""
        if handler is not None and not (0 < len(handler) <= 64):
            raise ValueError("a handler name has 1 to 64 characters")
        with self._reader.sessions.begin() as session:
            done = session.execute(
                update(Report).where(Report.id == report_id).values(assigned_to=handler)
            ).rowcount
        if not done:
            raise ValueError(f"no report {report_id}")
        return self._required(report_id)

    def add_message(self, report_id: int, kind: str, text: str, *, author: str) -> Message:
        """Add an internal note or a message for the resident (who reads it with their code).

        Sealed to the current public key; a message for the resident is also put in the
        report's shared thread. NoFollowUpKey for a report older than the thread.
        """
        if kind not in STAFF_KINDS:
            raise ValueError(f"staff cannot write messages of kind {kind!r}")
        check_message(text)
        sealer = self._reader.sealer
        if sealer is None:
            raise PublicKeyMissing("no public key configured")
        with self._reader.sessions.begin() as session:
            row = session.execute(
                select(Report.code_hash, Report.key_id, Report.followup_key).where(
                    Report.id == report_id
                )
            ).first()
            if row is None:
                raise ValueError(f"no report {report_id}")
            code_hash, key_id, sealed_key = row
            shared = None
            if kind == "to_resident":
                if sealed_key is None:
                    raise NoFollowUpKey("this report cannot receive messages for the resident")
                followup_key = self._reader.keyring.open(key_id, sealed_key)
                shared = contents.share(followup_key, text)
            message = ReportMessage(
                report_id=report_id,
                kind=kind,
                author=author,
                created_on=today_utc(),
                key_id=sealer.key_id,
                sealed=contents.seal_message(sealer, code_hash, kind, text),
                shared=shared,
            )
            session.add(message)
            session.flush()
            return Message(
                id=message.id,
                report_id=report_id,
                kind=kind,
                author=author,
                created_on=message.created_on,
                text=text,
            )

    # --- funnel, retention ----------------------------------------------------------------

    def funnel(self) -> dict[datetime.date, dict[str, int]]:
        """Started, completed and cancelled report forms per ISO week (Monday), oldest first."""
        result: dict[datetime.date, dict[str, int]] = {}
        with self._reader.sessions() as session:
            rows = session.execute(
                select(FunnelCount.week, FunnelCount.event, FunnelCount.count).order_by(
                    FunnelCount.week
                )
            ).all()
        for week, event, count in rows:
            result.setdefault(week, dict.fromkeys(FUNNEL_EVENTS, 0))[event] = int(count)
        return result

    def retention_days(self) -> int:
        """The retention period set by an admin (default 365 days)."""
        with self._reader.sessions() as session:
            value = session.scalar(select(Setting.value).where(Setting.name == RETENTION_SETTING))
        return int(value) if value is not None else DEFAULT_RETENTION_DAYS

    def set_retention_days(self, days: int) -> None:
        if not (MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS):
            raise ValueError(
                f"the retention period is {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days"
            )
        with self._reader.sessions.begin() as session:
            session.merge(Setting(name=RETENTION_SETTING, value=str(days)))

    def purge(self, today: datetime.date | None = None, retention_days: int | None = None) -> int:
        """Delete every report (with its signs and messages) whose submission week began more
        than ``retention_days`` before ``today``, and funnel counts of such weeks. Returns the
        number of reports deleted."""
        today = today or today_utc()
        days = self.retention_days() if retention_days is None else retention_days
        cutoff = today - datetime.timedelta(days=days)
        with self._reader.sessions.begin() as session:
            ids = session.scalars(select(Report.id).where(Report.created_week < cutoff)).all()
            if ids:
                session.execute(delete(ReportMessage).where(ReportMessage.report_id.in_(ids)))
                session.execute(delete(Report).where(Report.id.in_(ids)))
            session.execute(delete(FunnelCount).where(FunnelCount.week < cutoff))
        self._opened.clear()
        return len(ids)

    # --- internals ------------------------------------------------------------------------

    def _required(self, report_id: int) -> Case:
        found = self.case(report_id)
        if found is None:
            raise ValueError(f"no report {report_id}")
        return found

    def _all_cases(self) -> list[Case]:
        with self._reader.sessions() as session:
            rows = session.scalars(select(Report).order_by(Report.id)).all()
            cases = [
                Case(
                    report=self._open(row),
                    assigned_to=row.assigned_to,
                    partner=row.partner,
                    close_reason=row.close_reason,
                )
                for row in rows
            ]
        keys = {c.id: _key(c.report) for c in cases}
        addresses = Counter(k.address_key for k in keys.values() if k.address_key)
        streets = Counter(k.street_key for k in keys.values() if k.street_key)
        return [
            replace(
                c,
                address_count=addresses[keys[c.id].address_key] if keys[c.id].address_key else 1,
                street_count=streets[keys[c.id].street_key] if keys[c.id].street_key else 1,
            )
            for c in cases
        ]

    def _open(self, row: Report) -> StoredReport:
        sealed = to_sealed(row)
        cache_key = (row.id, row.key_id, hashlib.blake2b(sealed.sealed, digest_size=16).digest())
        cached = self._opened.get(cache_key)
        opened = self._reader.open(sealed) if cached is None else cached
        if cached is None:
            self._opened[cache_key] = opened
        # Status changes do not change the sealed blob: take the current one from the row.
        return replace(opened, status=row.status)


def _key(report: StoredReport) -> AddressKey:
    return address_key(report.location_address, report.location_place)


def _matches(case: Case, filters: CaseFilter) -> bool:
    report = case.report
    postcode = (report.location_postcode or "").upper()
    checks = (
        filters.status is None or report.status == filters.status,
        filters.sign is None or filters.sign in report.signs,
        filters.place is None or report.location_place.casefold() == filters.place.casefold(),
        filters.postcode is None or postcode.startswith(filters.postcode.replace(" ", "").upper()),
        filters.week_from is None or report.created_week >= filters.week_from,
        filters.week_to is None or report.created_week <= filters.week_to,
        filters.language is None or report.language == filters.language,
    )
    return all(checks)
