"""The audit trail in the database (``audit_events``): write one event, read a page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from bot.staff.clock import Clock, from_db, to_db, utc_now
from bot.staff.models import (
    DETAIL_LENGTH,
    IP_LENGTH,
    NAME_LENGTH,
    USER_AGENT_LENGTH,
    AuditEvent,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime.datetime
    actor: str | None
    action: str
    report_id: int | None
    detail: str
    ip: str | None
    user_agent: str | None


def _cut(text: str | None, length: int) -> str | None:
    return None if text is None else text[:length]


class AuditLog:
    """Append-only from the app: it writes and reads, it never changes or deletes."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def write(
        self,
        action: str,
        *,
        actor: str | None = None,
        report_id: int | None = None,
        detail: str = "",
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                AuditEvent.__table__.insert().values(
                    at=to_db(self._clock()),
                    actor=_cut(actor, NAME_LENGTH),
                    action=action[:64],
                    report_id=report_id,
                    detail=_cut(detail, DETAIL_LENGTH) or "",
                    ip=_cut(ip, IP_LENGTH),
                    user_agent=_cut(user_agent, USER_AGENT_LENGTH),
                )
            )

    def page(self, number: int = 1, size: int = PAGE_SIZE) -> tuple[list[Event], int]:
        """Events of page `number` (1 = newest), and how many pages there are."""
        with self._engine.connect() as connection:
            total = int(connection.scalar(select(func.count(AuditEvent.id))) or 0)
            rows = connection.execute(
                select(AuditEvent)
                .order_by(AuditEvent.id.desc())
                .offset((max(number, 1) - 1) * size)
                .limit(size)
            ).all()
            events = [
                Event(
                    id=row.id,
                    at=from_db(row.at),
                    actor=row.actor,
                    action=row.action,
                    report_id=row.report_id,
                    detail=row.detail,
                    ip=row.ip,
                    user_agent=row.user_agent,
                )
                for row in rows
            ]
        return events, max(1, -(-total // size))
