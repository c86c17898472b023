"""The assistant's texts, one YAML file per language under data/texts/ (Dutch is the source).

Each file holds the Rasa responses (`responses`), labels used in summaries (`labels`), keyword
lists used by the actions (`keywords`) and the web app's own strings (`web`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml

SOURCE_LANGUAGE = "nl"
TEXTS_DIR = Path(
    os.environ.get("ZICHT_TEXTS_DIR", Path(__file__).resolve().parents[2] / "data" / "texts")
)


def available_languages() -> list[str]:
    """Languages that have a texts file, the source language first."""
    return list(_languages())


@functools.cache
def _languages() -> tuple[str, ...]:
    # read once per process: every action call asks (a folder listing took ~0.9 ms a call)
    found = sorted(p.stem for p in TEXTS_DIR.glob("*.yml"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


@functools.cache
def load(language: str) -> dict[str, Any]:
    """The whole texts file of one language."""
    path = TEXTS_DIR / f"{language}.yml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve_language(language: str | None) -> str:
    """A supported language code for a hint such as 'en-GB', falling back to Dutch."""
    if language:
        code = language.strip().lower().replace("_", "-").split("-")[0]
        if code in _languages():
            return code
    return SOURCE_LANGUAGE


def section(language: str | None, name: str) -> dict[str, Any]:
    """One section (labels, keywords, web) in a language, with Dutch for anything missing."""
    source = load(SOURCE_LANGUAGE).get(name, {})
    wanted = load(resolve_language(language)).get(name, {})
    return {**source, **wanted}


def label(language: str | None, group: str, key: str) -> str:
    """A label such as the name of a sign, e.g. label('en', 'signs', 'odd_hours')."""
    return str(section(language, "labels").get(group, {}).get(key, key))


def web_text(language: str | None, key: str) -> str:
    """A string of the web app itself (errors and page texts)."""
    return str(section(language, "web")[key])
