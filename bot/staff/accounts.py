"""Staff accounts in the database: create, list, disable, enable, reset, enrol, sign in.

All methods are synchronous (SQLAlchemy); the web app calls them with ``asyncio.to_thread``.
Only records of this module leave it, never ORM objects. An enrolment link is valid 72 hours
and once; it is kept only as a SHA-256 hash. A reset clears the password and the TOTP secret
and ends every session of the account at once. TOTP secrets are stored sealed
(bot.staff.totp_secrets); a secret stored before that is sealed at its next use and by
`seal_clear_secrets`.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.staff import totp
from bot.staff.clock import Clock, from_db, to_db, utc_now
from bot.staff.models import ROLES, StaffSession, StaffUser
from bot.staff.tokens import new_token, token_hash
from bot.staff.totp_secrets import SecretUnreadable, TotpSecrets, is_sealed

logger = logging.getLogger(__name__)

ENROL_VALID = datetime.timedelta(hours=72)
NAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{2,63}")
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}


class AccountError(ValueError):
    """A request about accounts that cannot be done (the message is for the operator)."""


@dataclass(frozen=True)
class Account:
    """An account as listed (no secret)."""

    id: int
    name: str
    role: str
    disabled: bool
    enrolled: bool
    enrol_expires_at: datetime.datetime | None


@dataclass(frozen=True)
class Credentials:
    """What a sign-in checks against."""

    id: int
    name: str
    role: str
    disabled: bool
    password_hash: str | None
    totp_secret: str | None


@dataclass(frozen=True)
class Enrolment:
    """An open enrolment link: whose, and the TOTP secret to set up."""

    user_id: int
    name: str
    totp_secret: str


def normalise_name(name: str) -> str:
    """Names are compared in lower case, without surrounding spaces."""
    return name.strip().lower()


def check_name(name: str) -> str:
    """The normalised name, or AccountError when it is not 3-64 of a-z, 0-9, '.', '_', '-'."""
    name = normalise_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            "a name has 3 to 64 characters: a-z, 0-9, '.', '_' or '-', starting with a letter"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    return role


class Accounts:
    """The staff_users table (and the sessions it ends)."""

    def __init__(self, engine: Engine, clock: Clock = utc_now, *, secrets: TotpSecrets) -> None:
        self._engine = engine
        self._clock = clock
        self._secrets = secrets

    def _now(self) -> datetime.datetime:
        return to_db(self._clock())

    # --- administration ------------------------------------------------------------------

    def add(self, name: str, role: str) -> str:
        """Create an account waiting for enrolment; returns the enrolment token (once)."""
        name, role = check_name(name), check_role(role)
        token = new_token()
        now = self._now()
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    StaffUser.__table__.insert().values(
                        name=name,
                        role=role,
                        password_hash=None,
                        totp_secret=self._secrets.seal(totp.new_secret()),
                        last_totp_step=None,
                        disabled=False,
                        created_at=now,
                        enrol_token_hash=token_hash(token),
                        enrol_expires_at=now + ENROL_VALID,
                    )
                )
        except IntegrityError as exc:
            raise AccountError(f"an account named {name!r} exists already") from exc
        return token

    def list(self) -> list[Account]:
        """Every account, by name."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(StaffUser).order_by(StaffUser.name)).all()
        return [
            Account(
                id=row.id,
                name=row.name,
                role=row.role,
                disabled=row.disabled,
                enrolled=row.password_hash is not None,
                enrol_expires_at=from_db(row.enrol_expires_at) if row.enrol_expires_at else None,
            )
            for row in rows
        ]

    def get(self, name: str) -> Account | None:
        name = normalise_name(name)
        return next((account for account in self.list() if account.name == name), None)

    def _set(self, name: str, **values: object) -> int:
        """Update one account by name and end its sessions; returns its id."""
        name = normalise_name(name)
        with self._engine.begin() as connection:  # write first (see Sessions.lookup)
            done = connection.execute(
                update(StaffUser).where(StaffUser.name == name).values(**values)
            )
            if done.rowcount != 1:
                raise AccountError(f"there is no account named {name!r}")
            user_id = connection.scalar(select(StaffUser.id).where(StaffUser.name == name))
            connection.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        return int(user_id)

    def disable(self, name: str) -> None:
        """Block the account and end its sessions at once."""
        self._set(name, disabled=True)

    def enable(self, name: str) -> None:
        self._set(name, disabled=False)

    def set_role(self, name: str, role: str) -> None:
        self._set(name, role=check_role(role))

    def reset(self, name: str) -> str:
        """Clear password and TOTP, end sessions; returns a new enrolment token (once)."""
        token = new_token()
        now = self._now()
        self._set(
            name,
            password_hash=None,
            totp_secret=self._secrets.seal(totp.new_secret()),
            last_totp_step=None,
            enrol_token_hash=token_hash(token),
            enrol_expires_at=now + ENROL_VALID,
        )
        return token

    # --- enrolment -----------------------------------------------------------------------

    def enrolment(self, token: str) -> Enrolment | None:
        """The open enrolment of a link token, or None (unknown, used, expired or disabled)."""
        with self._engine.connect() as connection:
            row = connection.execute(
                select(StaffUser).where(StaffUser.enrol_token_hash == token_hash(token))
            ).first()
        if row is None or row.disabled or row.totp_secret is None:
            return None
        if row.enrol_expires_at is None or from_db(row.enrol_expires_at) <= self._clock():
            return None
        secret = self._open(row.id, row.totp_secret)
        if secret is None:
            return None
        return Enrolment(user_id=row.id, name=row.name, totp_secret=secret)

    def complete_enrolment(self, token: str, password_hash: str, step: int) -> bool:
        """Set the password and close the link, if it is still open (single use, atomic)."""
        enrolment = self.enrolment(token)
        if enrolment is None:
            return False
        with self._engine.begin() as connection:
            done = connection.execute(
                update(StaffUser)
                .where(
                    StaffUser.id == enrolment.user_id,
                    StaffUser.enrol_token_hash == token_hash(token),
                )
                .values(
                    password_hash=password_hash,
                    last_totp_step=step,
                    enrol_token_hash=None,
                    enrol_expires_at=None,
                )
            )
            return done.rowcount == 1

    # --- the sealed TOTP secrets ---------------------------------------------------------

    def _open(self, user_id: int, stored: str) -> str | None:
        """The secret of a stored value (None, logged, when this installation's key cannot open
        it); a clear one from before sealing is sealed now."""
        try:
            secret = self._secrets.open(stored)
        except SecretUnreadable:
            logger.error("the TOTP secret of account %d does not open with the TOTP key", user_id)
            return None
        if not is_sealed(stored):
            self._seal(user_id, stored)
        return secret

    def _seal(self, user_id: int, clear: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(StaffUser)
                .where(StaffUser.id == user_id, StaffUser.totp_secret == clear)
                .values(totp_secret=self._secrets.seal(clear))
            )

    def seal_clear_secrets(self) -> int:
        """Seal every TOTP secret still stored in the clear; how many there were."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(StaffUser.id, StaffUser.totp_secret).where(
                    StaffUser.totp_secret.is_not(None)
                )
            ).all()
        clear = [(user_id, stored) for user_id, stored in rows if not is_sealed(stored)]
        for user_id, stored in clear:
            self._seal(user_id, stored)
        return len(clear)

    # --- signing in ----------------------------------------------------------------------

    def credentials(self, name: str) -> Credentials | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(StaffUser).where(StaffUser.name == normalise_name(name))
            ).first()
        if row is None:
            return None
        return Credentials(
            id=row.id,
            name=row.name,
            role=row.role,
            disabled=row.disabled,
            password_hash=row.password_hash,
            totp_secret=None if row.totp_secret is None else self._open(row.id, row.totp_secret),
        )

    def accept_step(self, user_id: int, step: int) -> bool:
        """Record `step` as used, if it is later than the last one used (atomic): a code
        works once, and an older code never after a newer one."""
        with self._engine.begin() as connection:
            done = connection.execute(
                update(StaffUser)
                .where(
                    StaffUser.id == user_id,
                    (StaffUser.last_totp_step.is_(None)) | (StaffUser.last_totp_step < step),
                )
                .values(last_totp_step=step)
            )
            return done.rowcount == 1

    def update_hash(self, user_id: int, password_hash: str) -> None:
        """Store a rehashed password (after the argon2 parameters changed)."""
        with self._engine.begin() as connection:
            connection.execute(
                update(StaffUser).where(StaffUser.id == user_id).values(password_hash=password_hash)
            )
