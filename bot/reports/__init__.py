"""The reports domain: records, reference codes, places of Sittard-Geleen and the store.

Importing this package pulls in SQLAlchemy, Alembic and PyNaCl; bot.nlu (loaded by the Rasa env)
must not import it.
"""

from bot.reports.codes import format_code, hash_code, new_code, normalise_code
from bot.reports.config import StoreConfig
from bot.reports.crypto import (
    CryptoFailure,
    DecryptionFailed,
    Keyring,
    PrivateKeyMissing,
    Sealer,
    UnknownKey,
)
from bot.reports.places import (
    PlaceMatch,
    extract_place_from_address,
    is_inside_postcode,
    resolve_place,
)
from bot.reports.records import (
    SIGN_IDS,
    STATUSES,
    ReportDraft,
    SealedReport,
    StoredReport,
    validate_draft,
)
from bot.reports.store import LookupThrottled, PublicKeyMissing, ReportReader, ReportStore

__all__ = [
    "SIGN_IDS",
    "STATUSES",
    "CryptoFailure",
    "DecryptionFailed",
    "Keyring",
    "LookupThrottled",
    "PlaceMatch",
    "PrivateKeyMissing",
    "PublicKeyMissing",
    "ReportDraft",
    "ReportReader",
    "ReportStore",
    "SealedReport",
    "Sealer",
    "StoreConfig",
    "StoredReport",
    "UnknownKey",
    "extract_place_from_address",
    "format_code",
    "hash_code",
    "is_inside_postcode",
    "new_code",
    "normalise_code",
    "resolve_place",
    "validate_draft",
]
