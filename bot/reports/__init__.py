"""The reports domain: records, reference codes, places of Sittard-Geleen and the store.

Importing this package pulls in SQLAlchemy and Alembic; bot.nlu (loaded by the Rasa env) must not
import it.
"""

from bot.reports.codes import format_code, hash_code, new_code, normalise_code
from bot.reports.config import StoreConfig
from bot.reports.places import (
    PlaceMatch,
    extract_place_from_address,
    is_inside_postcode,
    resolve_place,
)
from bot.reports.records import SIGN_IDS, STATUSES, ReportDraft, StoredReport, validate_draft
from bot.reports.store import ReportStore

__all__ = [
    "SIGN_IDS",
    "STATUSES",
    "PlaceMatch",
    "ReportDraft",
    "ReportStore",
    "StoreConfig",
    "StoredReport",
    "extract_place_from_address",
    "format_code",
    "hash_code",
    "is_inside_postcode",
    "new_code",
    "normalise_code",
    "resolve_place",
    "validate_draft",
]
