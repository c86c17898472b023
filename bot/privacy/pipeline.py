"""Blank spaCy pipelines (tokenizer only, nothing downloaded) with the matchers per language.

Building a pipeline imports spaCy's language data, which takes from a few tenths of a second
(most languages) to a few seconds (French) once per process; after that a pipeline is cached.
`warm_up()` builds them ahead, e.g. in a background thread when the action server starts.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.privacy.patterns import ROLES, load, resolve

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "´": "'", "ʼ": "'"})
# Word lists, not phrases to find: they are read token by token.
TOKEN_SETS = ("name.particles", "name.not_names")
# A number token: digits with separators, optionally opened by + or (; or a lone separator.
NUMBER_START = r"^[+(]?\d[\d()./-]*$"
NUMBER_PART = r"^(?:[+(]?\d[\d()./-]*|[()./-])$"

if TYPE_CHECKING:  # spaCy itself is imported only when a pipeline is built
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc


def fold(text: str) -> str:
    """Lower case without accents and with one kind of apostrophe: 'Heiße’' -> "heisse'"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Pipeline:
    """What one language needs: the tokenizer, the phrase matcher and the number matcher."""

    language: str
    nlp: Language
    phrases: PhraseMatcher  # one label per 'section.role'
    tokens: Matcher  # NUMBER and EMAIL
    word_sets: dict[str, frozenset[str]]

    def doc(self, text: str) -> Doc:
        """The tokens of `text`, each with its folded form as NORM."""
        return _folded(self.nlp, text)


def _folded(nlp: Language, text: str) -> Doc:
    doc = nlp.make_doc(text)
    for token in doc:
        token.norm_ = fold(token.text)
    return doc


def _build(language: str) -> Pipeline:
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank(language)
    patterns = load(language)
    phrases = PhraseMatcher(nlp.vocab, attr="NORM")
    for section, roles in ROLES.items():
        for role in roles:
            key = f"{section}.{role}"
            if key in TOKEN_SETS or not patterns[key]:
                continue
            phrases.add(key, [_folded(nlp, phrase) for phrase in patterns[key]])
    tokens = Matcher(nlp.vocab)
    tokens.add(
        "NUMBER",
        [[{"TEXT": {"REGEX": NUMBER_START}}, {"TEXT": {"REGEX": NUMBER_PART}, "OP": "*"}]],
        greedy="LONGEST",
    )
    tokens.add("EMAIL", [[{"LIKE_EMAIL": True}]])
    word_sets = {
        key: frozenset(fold(word) for phrase in patterns[key] for word in phrase.split())
        for key in TOKEN_SETS
    }
    return Pipeline(language, nlp, phrases, tokens, word_sets)


_locks_lock = threading.Lock()
_locks: dict[str, threading.Lock] = {}
_pipelines: dict[str, Pipeline] = {}
# Warm-up order: the languages most reports are in first; French last (its spaCy data takes
# seconds to import, see the module docstring).
WARM_UP_ORDER = ("nl", "en", "de", "pl", "ro", "bg", "hu", "uk", "ru", "es", "pt", "fr")


def pipeline(language: str | None) -> Pipeline:
    """The cached pipeline of a language (built on first use; thread-safe, one lock per
    language so that building one language never holds up another)."""
    code = resolve(language)
    found = _pipelines.get(code)
    if found is not None:
        return found
    with _locks_lock:
        lock = _locks.setdefault(code, threading.Lock())
    with lock:
        found = _pipelines.get(code)
        if found is None:
            found = _pipelines[code] = _build(code)
    return found


def warm_up(languages: Iterable[str] | None = None) -> None:
    """Build the pipelines of `languages` (all by default) so that no answer waits for them."""
    from bot.privacy.patterns import languages as all_languages

    known = all_languages()
    if languages is None:
        languages = [code for code in WARM_UP_ORDER if code in known]
        languages += [code for code in known if code not in languages]
    for code in languages:
        pipeline(code)


def _warm_up_politely() -> None:
    """warm_up() at the lowest CPU priority: it runs while Rasa and the other processes start,
    and on a small machine it must not slow them (Linux sets a nice value per thread)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    warm_up()
    # spaCy's pipelines are long-lived: keep them out of the collector's full passes, which
    # otherwise pause a random answer by tens of milliseconds.
    gc.collect()
    gc.freeze()


def start_warm_up() -> threading.Thread | None:
    """Build all pipelines in a background thread (the action server calls this at start);
    ZICHT_IDENTIFYING_WARM_UP=0 turns it off."""
    if os.environ.get("ZICHT_IDENTIFYING_WARM_UP", "1") == "0":
        return None
    thread = threading.Thread(target=_warm_up_politely, name="identifying-warm-up", daemon=True)
    thread.start()
    return thread
