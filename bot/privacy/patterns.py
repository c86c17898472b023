"""The word lists per language (data/identifying/<lang>.yml) that point at the person reporting.

Each file has the same roles; a translator reviews one file per language. Lists hold words or
short phrases; matching ignores case, accents and the kind of apostrophe.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(
    os.environ.get(
        "ZICHT_IDENTIFYING_DIR", Path(__file__).resolve().parents[2] / "data" / "identifying"
    )
)
DEFAULT_LANGUAGE = "nl"

# section -> the roles of that section; every file has all of them (lists may be empty).
ROLES: dict[str, tuple[str, ...]] = {
    "name": ("intro", "intro_capital", "before", "particles", "not_names"),
    "phone": ("lead",),
    "email": ("lead",),
    "proximity": ("live", "place", "my", "be", "neighbour", "phrases"),
}
Patterns = dict[str, tuple[str, ...]]  # "proximity.live" -> the phrases


def languages() -> list[str]:
    """The languages that have a pattern file."""
    return sorted(path.stem for path in DATA_DIR.glob("*.yml"))


def resolve(language: str | None) -> str:
    """A language with a pattern file for a code such as 'en-GB'; Dutch otherwise."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages() else DEFAULT_LANGUAGE


def _phrases(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
        raise ValueError(f"{where}: expected a list of words or phrases")
    return tuple(item.strip() for item in raw)


@functools.cache
def load(language: str) -> Patterns:
    """The patterns of one language, flattened to 'section.role' keys."""
    path = DATA_DIR / f"{language}.yml"
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    patterns: Patterns = {}
    for section, roles in ROLES.items():
        block = data.get(section) or {}
        unknown = set(block) - set(roles)
        if unknown:
            raise ValueError(f"{path.name}: unknown roles in {section}: {sorted(unknown)}")
        for role in roles:
            patterns[f"{section}.{role}"] = _phrases(block.get(role), f"{path.name} {section}")
    return patterns
