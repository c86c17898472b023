"""seal report contents; keep only coarse fields in clear; a week instead of a date

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

What a resident wrote (address, full postcode, the "when" answers, vehicles, persons,
description, the "other" sign) moves into one sealed box per report (libsodium sealed box to the
installation's public key, format version 1 of bot.reports.contents, repeated below). In clear
stay: place, postcode area (4 digits), the button choices of the "when" answers, signs, language,
status, danger flag. ``created_on`` (a date) becomes ``created_week`` (the Monday of its ISO week).

Existing rows are sealed here, with the public key that ReportStore.migrate() passes in
``config.attributes["zicht_public_key"]`` (or ZICHT_PUBLIC_KEY / ZICHT_PUBLIC_KEY_FILE when
Alembic is run by hand). Without a public key the upgrade of a database that holds reports stops
with an error and changes nothing. Afterwards the store compacts the database (VACUUM), because
dropped columns would otherwise linger in free pages.

Downgrade opens the rows again and needs the private keys (``zicht_private_keys`` or
ZICHT_PRIVATE_KEY_FILE) when reports exist; the day of submission is gone for good (the Monday
of its week is put back).

Like 0001 this revision imports no application code: the format constants are repeated, so that
it means the same thing forever. SQLite cannot alter columns in place: the table is copied
(batch mode), and because foreign_keys=ON turns the drop of the old table into a cascade delete
of report_signs, the signs are saved first and put back after.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op
from nacl.bindings import sodium_pad, sodium_unpad
from nacl.public import PrivateKey, PublicKey, SealedBox

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("new", "in_progress", "forwarded", "closed")
PAD_BLOCK = 256
KEY_ID_PERSON = b"zicht-key-id"
FORMAT_VERSION = 1
SEALED_FIELDS = (
    "signs_other",
    "location_address",
    "location_postcode",
    "time_of_day",
    "frequency",
    "since_when",
    "vehicles",
    "persons",
    "description",
)
CHOICES = {
    "time_of_day": ("morning", "afternoon", "evening", "night", "varies"),
    "frequency": ("daily", "several_weekly", "weekly", "less_often", "once"),
    "since_when": ("under_month", "months_1_6", "over_6_months", "unknown"),
}
# The plaintext columns of 0001: name -> (length, nullable)
OLD_COLUMNS = {
    "signs_other": (2000, True),
    "location_address": (500, False),
    "location_postcode": (6, True),
    "time_of_day": (500, False),
    "frequency": (500, False),
    "since_when": (500, False),
    "vehicles": (2000, True),
    "persons": (2000, True),
    "description": (2000, True),
}
NEW_COLUMNS = (
    ("postcode_area", sa.String(length=4)),
    ("time_of_day_choice", sa.String(length=32)),
    ("frequency_choice", sa.String(length=32)),
    ("since_when_choice", sa.String(length=32)),
    ("key_id", sa.String(length=16)),
    ("sealed", sa.LargeBinary()),
)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# --- keys and the sealed format (version 1) ----------------------------------------------------


def _key_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="ascii").splitlines()
    return [line.strip() for line in lines if line.strip() and line[0] != "#"]


def _raw_key(text: str) -> bytes:
    text = text.strip()
    raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("a key has 32 bytes")
    return raw


def _attributes() -> dict[str, Any]:
    config = op.get_context().config
    return config.attributes if config is not None else {}


def _public_key() -> bytes | None:
    given = _attributes().get("zicht_public_key")
    if given:
        return bytes(given)
    if os.environ.get("ZICHT_PUBLIC_KEY"):
        return _raw_key(os.environ["ZICHT_PUBLIC_KEY"])
    if os.environ.get("ZICHT_PUBLIC_KEY_FILE"):
        [line] = _key_lines(Path(os.environ["ZICHT_PUBLIC_KEY_FILE"]))
        return _raw_key(line)
    return None


def _private_keys() -> list[bytes]:
    given = _attributes().get("zicht_private_keys")
    if given:
        return [bytes(k) for k in given]
    if os.environ.get("ZICHT_PRIVATE_KEY_FILE"):
        return [_raw_key(line) for line in _key_lines(Path(os.environ["ZICHT_PRIVATE_KEY_FILE"]))]
    return []


def _key_id(public_key: bytes) -> str:
    return hashlib.blake2b(public_key, digest_size=8, person=KEY_ID_PERSON).hexdigest()


def _seal(public_key: bytes, code_hash: str, fields: dict[str, str | None]) -> bytes:
    body = {"v": FORMAT_VERSION, "report": code_hash, "fields": fields}
    plaintext = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return SealedBox(PublicKey(public_key)).encrypt(sodium_pad(plaintext.encode(), PAD_BLOCK))


def _open(boxes: dict[str, SealedBox], key_id: str, sealed: bytes, code_hash: str) -> dict:
    if key_id not in boxes:
        raise RuntimeError(f"no private key {key_id!r} to open report contents")
    body = json.loads(sodium_unpad(boxes[key_id].decrypt(bytes(sealed)), PAD_BLOCK))
    if body.get("v") != FORMAT_VERSION or body.get("report") != code_hash:
        raise RuntimeError("sealed contents do not belong to their report")
    return body["fields"]


# --- tables -------------------------------------------------------------------------------------


def _reports_table(extra: list[sa.Column], nullable_old: bool) -> sa.Table:
    """The reports table as it is on disk during a step (for SQLite's copy)."""
    old = [
        sa.Column(name, sa.String(length=length), nullable=nullable or nullable_old)
        for name, (length, nullable) in OLD_COLUMNS.items()
    ]
    return sa.Table(
        "reports",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="new", nullable=False),
        sa.Column("location_place", sa.String(length=100), nullable=False),
        sa.Column("danger_reported", sa.Boolean(), nullable=False),
        *old,
        *extra,
        sa.CheckConstraint(_in_list("status", STATUSES), name="ck_reports_status"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.Index("ix_reports_code_hash", "code_hash", unique=True),
    )


def _save_signs(bind: sa.Connection) -> list[tuple[int, str]]:
    return [tuple(row) for row in bind.execute(sa.text("SELECT report_id, sign FROM report_signs"))]


def _restore_signs(bind: sa.Connection, signs: list[tuple[int, str]]) -> None:
    left = bind.execute(sa.text("SELECT count(*) FROM report_signs")).scalar_one()
    if left == 0 and signs:
        bind.execute(
            sa.text("INSERT INTO report_signs (report_id, sign) VALUES (:r, :s)"),
            [{"r": r, "s": s} for r, s in signs],
        )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rows = bind.execute(
        sa.text(f"SELECT id, code_hash, created_on, {', '.join(OLD_COLUMNS)} FROM reports")
    ).mappings()
    rows = [dict(row) for row in rows]
    public_key = _public_key() if rows else None
    if rows and public_key is None:
        raise RuntimeError(
            f"{len(rows)} reports are stored in clear and must be sealed: set up the public key "
            "(`zicht keys init`, or ZICHT_PUBLIC_KEY_FILE) and run the migration again"
        )

    op.add_column("reports", sa.Column("created_week", sa.Date(), nullable=True))
    for name, column_type in NEW_COLUMNS:
        op.add_column("reports", sa.Column(name, column_type, nullable=True))

    for row in rows:
        created = row["created_on"]
        if isinstance(created, str):  # SQLite, read through text()
            created = datetime.date.fromisoformat(created)
        fields = {name: row[name] for name in SEALED_FIELDS}
        bind.execute(
            sa.text(
                "UPDATE reports SET created_week = :week, postcode_area = :area,"
                " time_of_day_choice = :tod, frequency_choice = :freq, since_when_choice = :since,"
                " key_id = :kid, sealed = :sealed WHERE id = :id"
            ).bindparams(sa.bindparam("sealed", type_=sa.LargeBinary())),
            {
                "id": row["id"],
                "week": created - datetime.timedelta(days=created.weekday()),
                "area": row["location_postcode"][:4] if row["location_postcode"] else None,
                "tod": row["time_of_day"] if row["time_of_day"] in CHOICES["time_of_day"] else None,
                "freq": row["frequency"] if row["frequency"] in CHOICES["frequency"] else None,
                "since": row["since_when"] if row["since_when"] in CHOICES["since_when"] else None,
                "kid": _key_id(public_key),
                "sealed": _seal(public_key, row["code_hash"], fields),
            },
        )

    signs = _save_signs(bind) if sqlite else []
    extra = [
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_week", sa.Date(), nullable=True),
        *(sa.Column(name, column_type, nullable=True) for name, column_type in NEW_COLUMNS),
    ]
    with op.batch_alter_table(
        "reports",
        recreate="always" if sqlite else "auto",
        copy_from=_reports_table(extra, nullable_old=False) if sqlite else None,
    ) as batch:
        for name in ("created_week", "key_id", "sealed"):
            batch.alter_column(name, nullable=False)
        batch.drop_column("created_on")
        for name in OLD_COLUMNS:
            batch.drop_column(name)
    if sqlite:
        _restore_signs(bind, signs)
    if rows:
        _attributes()["zicht_scrub"] = True


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rows = [
        dict(row)
        for row in bind.execute(
            sa.text("SELECT id, code_hash, created_week, key_id, sealed FROM reports")
        ).mappings()
    ]
    boxes: dict[str, SealedBox] = {}
    if rows:
        for raw in _private_keys():
            private = PrivateKey(raw)
            boxes[_key_id(bytes(private.public_key))] = SealedBox(private)
        if not boxes:
            raise RuntimeError(
                f"{len(rows)} reports are sealed: going back below 0002 needs the private keys "
                "(ZICHT_PRIVATE_KEY_FILE)"
            )

    op.add_column("reports", sa.Column("created_on", sa.Date(), nullable=True))
    for name, (length, _) in OLD_COLUMNS.items():
        op.add_column("reports", sa.Column(name, sa.String(length=length), nullable=True))
    for row in rows:
        fields = _open(boxes, row["key_id"], row["sealed"], row["code_hash"])
        week = row["created_week"]
        if isinstance(week, str):
            week = datetime.date.fromisoformat(week)
        assignments = ", ".join(f"{name} = :{name}" for name in OLD_COLUMNS)
        bind.execute(
            sa.text(f"UPDATE reports SET created_on = :created_on, {assignments} WHERE id = :id"),
            {"id": row["id"], "created_on": week, **{n: fields[n] for n in OLD_COLUMNS}},
        )

    signs = _save_signs(bind) if sqlite else []
    extra = [
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("created_week", sa.Date(), nullable=False),
        *(
            sa.Column(name, column_type, nullable=name not in ("key_id", "sealed"))
            for name, column_type in NEW_COLUMNS
        ),
    ]
    with op.batch_alter_table(
        "reports",
        recreate="always" if sqlite else "auto",
        copy_from=_reports_table(extra, nullable_old=True) if sqlite else None,
    ) as batch:
        batch.alter_column("created_on", nullable=False)
        for name, (_, nullable) in OLD_COLUMNS.items():
            if not nullable:
                batch.alter_column(name, nullable=False)
        batch.drop_column("created_week")
        for name, _ in NEW_COLUMNS:
            batch.drop_column(name)
    if sqlite:
        _restore_signs(bind, signs)
