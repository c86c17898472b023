"""Does a typed answer say who the person reporting is? Names, phone numbers, e-mail addresses
and closeness ("I live next door", "my neighbour").

The address of the house being reported is the point of a report and is never looked at here;
only the free descriptions go through `find_identifying`. Matching is rule-based on blank spaCy
pipelines (bot.privacy.pipeline) with the word lists in data/identifying/<lang>.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.privacy.pipeline import Pipeline, pipeline, start_warm_up, warm_up

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Kind = Literal["name", "phone", "email", "proximity"]
Span = tuple[int, int]  # token indices, end exclusive

__all__ = ["Finding", "find_identifying", "has_content", "start_warm_up", "warm_up", "without"]

MAX_NAME_WORDS = 4
MIN_PHONE_DIGITS = 9
MAX_PHONE_DIGITS = 15
# How many words may stand between the two halves of a closeness phrase.
LIVE_GAP = 3  # "ik woon (er) (direct) naast", "I live (right) next door"
NEIGHBOUR_GAP = 1  # "mijn (directe) buurman", "I am (the) neighbour"
WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")
APOSTROPHE_TOKENS = {"'", "’"}


@dataclass(frozen=True)
class Finding:
    """A part of the text that may identify the person reporting (character offsets)."""

    kind: Kind
    start: int
    end: int
    text: str


def find_identifying(text: str, language: str) -> list[Finding]:
    """What in `text` could say who wrote it, in order; [] for ordinary report text."""
    if not text or not text.strip():
        return []
    pipe = pipeline(language)
    doc = pipe.doc(text)
    roles: dict[str, list[Span]] = {}
    for match_id, start, end in pipe.phrases(doc):
        roles.setdefault(doc.vocab.strings[match_id], []).append((start, end))
    found: list[tuple[Kind, Span]] = [
        *(("name", span) for span in _names(doc, roles, pipe)),
        *(("phone", span) for span in _numbers(doc, roles, pipe)),
        *(("email", span) for span in _emails(doc, roles, pipe)),
        *(("proximity", span) for span in _closeness(doc, roles)),
    ]
    findings = [
        Finding(kind, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), "")
        for kind, (start, end) in found
    ]
    return [Finding(f.kind, f.start, f.end, text[f.start : f.end]) for f in _outermost(findings)]


def without(text: str, findings: Iterable[Finding]) -> str:
    """`text` with the found parts taken out, and the punctuation and spaces left tidy."""
    spans = sorted((f.start, f.end) for f in findings)
    if not spans:
        return text.strip()
    parts, position = [], 0
    for start, end in _merged(spans):
        parts.append(text[position:start])
        position = max(position, end)
    parts.append(text[position:])
    tidy = _tidy(" ".join(part.strip() for part in parts if part.strip()))
    if tidy and spans[0][0] == 0 and text[:1].isupper():
        tidy = tidy[0].upper() + tidy[1:]
    return tidy


def has_content(text: str, language: str) -> bool:
    """Whether `text` still says something: a word that is not a stop word, or a number."""
    doc = pipeline(language).doc(text)
    return any((token.is_alpha and not token.is_stop) or token.like_num for token in doc)


# --- names ------------------------------------------------------------------------------------


def _is_word(token: Token) -> bool:
    return bool(WORD.match(token.text))


def _name_like(token: Token, pipe: Pipeline, capital: bool) -> bool:
    """A word that can be (part of) a name; `capital`: it must start with a capital letter."""
    return (
        _is_word(token)
        and not token.is_stop
        and token.norm_ not in pipe.word_sets["name.not_names"]
        and (token.text[:1].isupper() or not capital)
    )


def _name_end(doc: Doc, start: int, pipe: Pipeline, capital: bool) -> int | None:
    """The end of a name that starts at token `start` (after an intro), or None."""
    if start < len(doc) and doc[start].text == ":":
        start += 1
    if start >= len(doc) or not _name_like(doc[start], pipe, capital):
        return None
    lower = not doc[start].text[:1].isupper()
    end, words = start + 1, 1
    particles = pipe.word_sets["name.particles"]
    while end < len(doc) and words < MAX_NAME_WORDS:
        step = end
        while step < len(doc) and doc[step].norm_ in particles:
            step += 1  # "de", "van der", "da": only when a capitalised name follows
        token = doc[step] if step < len(doc) else None
        if token is None:
            break
        if _name_like(token, pipe, capital=True) or (
            lower and step == end and words < 2 and _name_like(token, pipe, capital=False)
        ):
            end, words = step + 1, words + 1
            continue
        break
    return end


def _name_start(doc: Doc, end: int, pipe: Pipeline) -> int | None:
    """The start of a capitalised name right before token `end` ("Kovács Anna vagyok")."""
    start = end
    while start > 0 and end - start < MAX_NAME_WORDS - 1:
        if not _name_like(doc[start - 1], pipe, capital=True):
            break
        start -= 1
    return start if start < end else None


def _names(doc: Doc, roles: dict[str, list[Span]], pipe: Pipeline) -> Iterator[Span]:
    for key, capital in (("name.intro", False), ("name.intro_capital", True)):
        for start, end in roles.get(key, []):
            name_end = _name_end(doc, end, pipe, capital)
            if name_end is not None:
                yield start, name_end
    for start, end in roles.get("name.before", []):
        name_start = _name_start(doc, start, pipe)
        if name_start is not None:
            yield name_start, end


# --- phone numbers and e-mail addresses -------------------------------------------------------


def _with_lead(doc: Doc, span: Span, leads: list[Span]) -> Span:
    """The span, widened to a lead-in right before it ("bel me op", "my email is:")."""
    start, end = span
    before = start - 1 if start > 0 and doc[start - 1].text == ":" else start
    for lead_start, lead_end in leads:
        if lead_end == before:
            return lead_start, end
    return span


def _numbers(doc: Doc, roles: dict[str, list[Span]], pipe: Pipeline) -> Iterator[Span]:
    leads = roles.get("phone.lead", [])
    for match_id, start, end in pipe.tokens(doc):
        if doc.vocab.strings[match_id] != "NUMBER":
            continue
        while end > start and not any(ch.isdigit() for ch in doc[end - 1].text):
            end -= 1  # no trailing dash or dot
        digits = sum(ch.isdigit() for token in doc[start:end] for ch in token.text)
        if MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
            yield _with_lead(doc, (start, end), leads)


def _emails(doc: Doc, roles: dict[str, list[Span]], pipe: Pipeline) -> Iterator[Span]:
    leads = roles.get("email.lead", [])
    for match_id, start, end in pipe.tokens(doc):
        if doc.vocab.strings[match_id] == "EMAIL":
            yield _with_lead(doc, (start, end), leads)


# --- closeness --------------------------------------------------------------------------------


def _clause_gap(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens start..end are words within one clause (no punctuation in between)."""
    return all(not token.is_punct or token.text in APOSTROPHE_TOKENS for token in doc[start:end])


def _near(
    doc: Doc, first: list[Span], second: list[Span], gap: int, gap_back: int
) -> Iterator[Span]:
    """Spans where a phrase of `first` stands before one of `second` with at most `gap` words
    between them, or after it with at most `gap_back` words between them."""
    for a_start, a_end in first:
        for b_start, b_end in second:
            if a_end <= b_start:
                between, allowed = (a_end, b_start), gap
            elif b_end <= a_start:
                between, allowed = (b_end, a_start), gap_back
            else:
                continue
            if between[1] - between[0] <= allowed and _clause_gap(doc, *between):
                yield min(a_start, b_start), max(a_end, b_end)


def _closeness(doc: Doc, roles: dict[str, list[Span]]) -> Iterator[Span]:
    def role(name: str) -> list[Span]:
        return roles.get(f"proximity.{name}", [])

    yield from role("phrases")
    yield from _near(doc, role("live"), role("place"), LIVE_GAP, LIVE_GAP)
    # "mijn (directe) buurman", and right after the noun: "vecinul meu", "szomszéd vagyok".
    yield from _near(doc, role("my"), role("neighbour"), NEIGHBOUR_GAP, 0)
    yield from _near(doc, role("be"), role("neighbour"), NEIGHBOUR_GAP, 0)


# --- tidying ----------------------------------------------------------------------------------


def _outermost(findings: list[Finding]) -> list[Finding]:
    """Findings in order, without those that lie inside another one."""
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in ordered:
        if not any(k.start <= finding.start and finding.end <= k.end for k in kept):
            kept.append(finding)
    return kept


def _merged(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    current: tuple[int, int] | None = None
    for start, end in spans:
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            yield current
        current = (start, end)
    if current:
        yield current


SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?)])")
REPEATED_MARKS = re.compile(r"([,;:])(?:\s*[,;:])+")
COMMA_BEFORE_END = re.compile(r"[,;:]\s*([.!?])")
END_THEN_COMMA = re.compile(r"([.!?])\s*[,;:]")
EMPTY_BRACKETS = re.compile(r"\(\s*\)")
LONE_END_MARK = re.compile(r"([.!?])\s+[.!?](?=\s|$)")


def _tidy(text: str) -> str:
    """No stray commas or spaces where parts were taken out."""
    previous = None
    while previous != text:
        previous = text
        text = EMPTY_BRACKETS.sub("", text)
        text = SPACE_BEFORE_MARK.sub(r"\1", text)
        text = REPEATED_MARKS.sub(r"\1", text)
        text = COMMA_BEFORE_END.sub(r"\1", text)
        text = END_THEN_COMMA.sub(r"\1", text)
        text = LONE_END_MARK.sub(r"\1", text)
        text = " ".join(text.split())
        text = text.lstrip(",;:.!? ").rstrip(",;: ")
    return text
