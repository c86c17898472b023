"""Letters and scripts: which of the assistant's languages can have written a text at all.

Orthographic facts, not statistics: Ukrainian has і ї є ґ and no ы э ё ъ; Russian has ы э ё and
uses ъ only as a separator before е ё ю я; Bulgarian has none of ы э ё і ї є ґ, uses ъ as a
vowel everywhere and ь only before о. A letter a language does not write costs that language a
fixed penalty per distinct letter (loanwords and names keep it from being an absolute veto).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence

LATIN = "latin"
CYRILLIC = "cyrillic"

_BASIC = "abcdefghijklmnopqrstuvwxyz"
_CYR_COMMON = "абвгдежзийклмнопрстуфхцчшщьюя"

# Letters each language writes natively (lower case), generous for common loanwords.
ALPHABETS: Dict[str, str] = {
    "en": _BASIC,
    "nl": _BASIC + "áàéèëíïóöúüç",
    "de": _BASIC + "äöüßéà",
    "fr": _BASIC + "àâæçéèêëîïôœùûüÿ",
    "es": _BASIC + "áéíóúñü",
    "pt": _BASIC + "áâãàçéêíóôõúü",
    "pl": _BASIC + "ąćęłńóśźż",
    "ro": _BASIC + "ăâîșşțţ",
    "hu": _BASIC + "áéíóöőúüű",
    "bg": _CYR_COMMON + "ъ",
    "ru": _CYR_COMMON + "ъыэё",
    "uk": _CYR_COMMON + "іїєґ",
}

SCRIPTS: Dict[str, str] = {
    **{code: LATIN for code in ("en", "nl", "de", "fr", "es", "pt", "pl", "ro", "hu")},
    **{code: CYRILLIC for code in ("bg", "ru", "uk")},
}

# Penalty (natural log) for each distinct letter a language does not write: a factor 1/1000.
FOREIGN_LETTER_PENALTY = 6.9

# Russian writes ъ only before е ё ю я (объявление, подъезд); Bulgarian anywhere (път, къща).
_HARD_SIGN_AS_VOWEL = re.compile(r"ъ(?![еёюя])")
# Bulgarian writes ь only before о (шофьор); Russian and Ukrainian write it anywhere.
_SOFT_SIGN_NOT_BEFORE_O = re.compile(r"ь(?!о)")


def script_of(char: str) -> Optional[str]:
    """LATIN, CYRILLIC or None (digits, punctuation, other scripts)."""
    try:
        return _SCRIPT_OF[char]
    except KeyError:
        pass
    script = _script_of(char)
    if len(_SCRIPT_OF) < 10_000:
        _SCRIPT_OF[char] = script
    return script


_SCRIPT_OF: Dict[str, Optional[str]] = {}


def _script_of(char: str) -> Optional[str]:
    if not char.isalpha():
        return None
    if "\u0400" <= char <= "\u04ff":
        return CYRILLIC
    if char.isascii() or "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff":
        return LATIN
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return LATIN
    if name.startswith("CYRILLIC"):
        return CYRILLIC
    return None


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")


def dominant_script(text: str) -> Optional[str]:
    """CYRILLIC when the text has a Cyrillic word or at least a third of its letters are
    Cyrillic, else LATIN (None: neither).

    People who write Cyrillic mention Latin names and Dutch terms here ("где Leger des Heils?",
    "що таке thuisprostitutie?"); people who write a Latin-script language do not write Cyrillic
    words. A single Cyrillic letter in a Latin word (a look-alike "е" typed on another keyboard)
    does not count.
    """
    if _CYRILLIC_WORD.search(text):
        return CYRILLIC
    latin = cyrillic = 0
    for char in text:
        script = _SCRIPT_OF.get(char, 0)
        if script == 0:
            script = script_of(char)
        if script == LATIN:
            latin += 1
        elif script == CYRILLIC:
            cyrillic += 1
    if latin == cyrillic == 0:
        return None
    return CYRILLIC if 2 * cyrillic >= latin else LATIN


_UNKNOWN = "?"


def candidates(languages: Sequence[str], text: str, script: Optional[str] = _UNKNOWN) -> List[str]:
    """The configured languages written in the script of `text` (all of them if none is)."""
    if script == _UNKNOWN:
        script = dominant_script(text)
    chosen = [code for code in languages if SCRIPTS.get(code) == script]
    return chosen or list(languages)


class LetterRules:
    """Penalties for letters (and letter sequences) a language does not write."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = tuple(languages)
        self._alphabets: Dict[str, FrozenSet[str]] = {
            code: frozenset(ALPHABETS[code]) for code in self.languages if code in ALPHABETS
        }

    def penalties(
        self, text: str, languages: Sequence[str], script: Optional[str] = _UNKNOWN
    ) -> Dict[str, float]:
        """Negative log-weight per language (0.0 = nothing against it)."""
        lowered = text.lower()
        if script == _UNKNOWN:
            script = dominant_script(lowered)
        letters = {char for char in set(lowered) if script_of(char) == script}
        result: Dict[str, float] = {}
        for code in languages:
            alphabet = self._alphabets.get(code)
            if alphabet is None:
                result[code] = 0.0
                continue
            foreign = len(letters - alphabet)
            if code == "ru" and _HARD_SIGN_AS_VOWEL.search(lowered):
                foreign += 1
            if code == "bg" and _SOFT_SIGN_NOT_BEFORE_O.search(lowered):
                foreign += 1
            result[code] = -FOREIGN_LETTER_PENALTY * foreign
        return result
