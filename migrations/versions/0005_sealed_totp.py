"""staff TOTP secrets sealed at rest: room for the sealed form

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

``staff_users.totp_secret`` grows from 64 to 160 characters: it now holds
"box1:" + base64(nonce + ciphertext) under the staff side's TOTP key (bot.staff.totp_secrets),
about 101 characters. The sealing itself happens in the application, which has the key (at the
staff app's start, in every `zicht staff` command, and on a secret's next use): a migration never
sees that key. Going down, a sealed secret does not fit the old column and could not be read by
the old code: it is cleared, and those accounts need `zicht staff reset` to enrol again.
Batch mode, for SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED_PREFIX = "box1:"


def _resize(old: int, new: int) -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.alter_column(
            "totp_secret",
            existing_type=sa.String(length=old),
            type_=sa.String(length=new),
            existing_nullable=True,
        )


def upgrade() -> None:
    _resize(64, 160)


def downgrade() -> None:
    staff_users = sa.table("staff_users", sa.column("totp_secret", sa.String()))
    op.execute(
        staff_users.update()
        .where(staff_users.c.totp_secret.like(f"{SEALED_PREFIX}%"))
        .values(totp_secret=None)
    )
    _resize(160, 64)
