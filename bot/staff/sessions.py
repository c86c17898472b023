"""Server-side sessions of the staff dashboard (ASVS 3).

The cookie holds a random token; the table ``staff_sessions`` keeps its SHA-256, the user, a
CSRF token and two times. A session ends after 30 minutes without a request, 8 hours after
sign-in, at sign-out, and at once when its account is disabled or reset (the row is deleted and
every request checks the account again).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Delete, Engine, delete, select, update

from bot.staff.clock import Clock, to_db, utc_now
from bot.staff.models import StaffSession, StaffUser
from bot.staff.tokens import new_token, token_hash

IDLE_TIMEOUT = datetime.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = datetime.timedelta(hours=8)
COOKIE_NAME = "__Host-zicht_staff"


@dataclass(frozen=True)
class SignedIn:
    """A valid session: who, and the CSRF token of the session."""

    user_id: int
    name: str
    role: str
    csrf_token: str


class Sessions:
    """The staff_sessions table."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def create(self, user_id: int) -> tuple[str, str]:
        """A new session for a user who just signed in: (cookie token, CSRF token)."""
        token, csrf = new_token(), new_token()
        now = to_db(self._clock())
        with self._engine.begin() as connection:
            connection.execute(self._expired())
            connection.execute(
                StaffSession.__table__.insert().values(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return token, csrf

    def lookup(self, token: str) -> SignedIn | None:
        """The session of a cookie token, touched; None (and deleted) when expired, or when
        its account is disabled or waits for enrolment.

        The transaction writes first (touch), then reads: on SQLite a read followed by a write
        can fail at once with "database is locked" when another request wrote in between,
        while a first write waits for the lock.
        """
        key = token_hash(token)
        now = self._clock()
        with self._engine.begin() as connection:
            touched = connection.execute(
                update(StaffSession)
                .where(
                    StaffSession.token_hash == key,
                    StaffSession.last_seen_at > to_db(now - IDLE_TIMEOUT),
                    StaffSession.created_at > to_db(now - ABSOLUTE_TIMEOUT),
                )
                .values(last_seen_at=to_db(now))
            ).rowcount
            row = None
            if touched:
                row = connection.execute(
                    select(
                        StaffSession.csrf_token,
                        StaffUser.id,
                        StaffUser.name,
                        StaffUser.role,
                        StaffUser.disabled,
                        (StaffUser.password_hash.is_not(None)).label("enrolled"),
                    )
                    .join(StaffUser, StaffUser.id == StaffSession.user_id)
                    .where(StaffSession.token_hash == key)
                ).first()
            if row is None or row.disabled or not row.enrolled:
                connection.execute(delete(StaffSession).where(StaffSession.token_hash == key))
                return None
            return SignedIn(user_id=row.id, name=row.name, role=row.role, csrf_token=row.csrf_token)

    def end(self, token: str) -> None:
        """Sign out: delete the session row."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(StaffSession).where(StaffSession.token_hash == token_hash(token))
            )

    def end_all(self, user_id: int) -> None:
        """Delete every session of a user."""
        with self._engine.begin() as connection:
            connection.execute(delete(StaffSession).where(StaffSession.user_id == user_id))

    def _expired(self) -> Delete:
        now = self._clock()
        return delete(StaffSession).where(
            (StaffSession.last_seen_at <= to_db(now - IDLE_TIMEOUT))
            | (StaffSession.created_at <= to_db(now - ABSOLUTE_TIMEOUT))
        )

    def purge_expired(self) -> int:
        """Delete the rows of sessions past a timeout (also done at every sign-in)."""
        with self._engine.begin() as connection:
            return connection.execute(self._expired()).rowcount
