"""Development set for the language detector: `python -m benchmarks.langid_dev`.

The detector's options and weights are chosen here, never on the benchmark
(../shared/benchmarks/langid, read only by `benchmarks.langid` as the final check). The set is
made deterministically, without network, from data that ships in installed packages and in this
repository:

- frequent-words: words of wordfreq's "small" list of the language (letters only, at least four),
  drawn with probability proportional to their frequency: running text, with its ambiguous
  everyday words (these words are in the detector's lexicon, as in real use);
- rare-words: word forms from simplemma's dictionary of the language (inflected forms, compounds,
  names) that are not in the language's wordfreq list, drawn uniformly from the part held out of
  both the character model and (`held_out=True`) the word tables' dictionaries and large lists
  (`langid_data.held_out` and `held_out_form`): words no table of the detector has;
- corpus-rare-words: words of wordfreq's "large" list (running text, down to about one in 100
  million words) that are not in its "small" list, drawn with probability proportional to their
  frequency from the held-out part: the rarer words of real text that the lexicon does not know
  (only for the nine languages with a large list: not bg, hu, ro);
- text-words: the word types (five letters or more) of a simulated corpus of `CORPUS_TOKENS`
  running words: a listed word of frequency f is drawn with weight min(1, CORPUS_TOKENS * f), how
  often it would be among a corpus's distinct words (most are rare: Zipf), from the large list
  where there is one (its words below the small list's cut-off from the held-out part, their
  weight times eight), else from the small list; and the words rarer than the list's cut-off
  (weight CORPUS_TOKENS times the frequency the list leaves uncovered: ~1.3 % of running text
  for a large list, ~9 % for a small one) are stood in for by rare-words not in the list;
- running-words and running-pairs: the same, drawn per running word (weight: the frequency) instead
  of per distinct word, as lingua's test-data writer takes the words of its corpus sentences;
- word-pairs: two words, each drawn from the frequent-words and rare-words pools (half and half);
- text-pairs: two text-words;
- sentences: the example messages of the assistant's NLU data (data/nlu/<lang>, four words or
  more): the texts the detector really sees;
- own-words and own-pairs: real running text that no table of the detector comes from, cut the way
  lingua's published test-data writer cuts its corpus sentences (punctuation and digits removed,
  lower case, words of five letters or more, in text order; pairs are the words two by two): the
  assistant's own texts in the language (data/texts/<lang>.yml, the NLU examples and the held-out
  NLU test set), less the words that the texts of four or more languages share (names such as
  Sittard-Geleen, Leger des Heils). Drawn per word, not per distinct word, like that writer.

`--variants` compares configurations of `LanguageDetector`; the default is the shipped one. Every
one runs with `held_out=True`: the word tables (`langid_words`) hide the dictionary forms drawn
here, so rare-words and the tail of text-words are words no table has (an underestimate: in use,
many such words are in their dictionary).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from bot.nlu.langid_data import HELD_OUT_EVERY, dictionary_forms, held_out, held_out_form
from bot.nlu.langid_lexicon import read_wordfreq_list
from bot.nlu.language_detection import LANGUAGES, LanguageDetector

ROOT = Path(__file__).resolve().parents[1]
KINDS = (
    "sentences",
    "word-pairs",
    "text-pairs",
    "frequent-words",
    "rare-words",
    "corpus-rare-words",
    "text-words",
    "running-words",
    "running-pairs",
    "own-words",
    "own-pairs",
)
PER_KIND = 300
CORPUS_TOKENS = 150_000
# A word as lingua's test-data writer keeps one: five letters or more.
RUNNING_WORD = re.compile(r"^[^\W\d_]{5,}$")
SEED = 20261129
_LETTERS_ONLY = re.compile(r"^[^\W\d_]{4,}$")
_PUNCTUATION_OR_DIGIT = re.compile(r"[^\w\s]|[\d_]")
SHARED_BY = 4  # a word in the texts of this many languages is a name, not a word of one language
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")

# Configurations to compare (keyword arguments of LanguageDetector).
VARIANTS: dict[str, dict[str, object]] = {
    "shipped": {},
    "no-words": {"use_words": False},
    **{
        f"floors-{absent_small:g}-{absent_large:g}-{form_ratio:g}": {
            "word_floors": {
                "absent_small": absent_small,
                "absent_large": absent_large,
                "form_small": absent_small * form_ratio,
                "form_large": absent_large * form_ratio,
            }
        }
        for absent_small in (1e-9, 1e-8, 3e-8, 1e-7, 3e-7)
        for absent_large in (1e-11, 1e-10, 1e-9, 3e-9, 1e-8)
        for form_ratio in (1, 3, 10, 30, 100)
    },
    "old": {"use_chars": False, "use_lingua": True, "lingua_accuracy": "high"},
    "old-lingua-low": {"use_chars": False, "use_lingua": True, "lingua_accuracy": "low"},
    "old-no-lingua": {"use_chars": False, "use_lingua": False},
    "chars+lingua-high": {"use_lingua": True, "lingua_accuracy": "high"},
    "chars+lingua-low": {"use_lingua": True, "lingua_accuracy": "low"},
    **{
        f"chars-{weight}": {
            "use_lingua": False,
            "weights": {"chars": weight, "chars_unknown": weight},
        }
        for weight in (0.05, 0.1, 0.2, 0.3, 0.5)
    },
    **{
        f"chars-{known}-{unknown}": {
            "use_lingua": False,
            "weights": {"chars": known, "chars_unknown": unknown},
        }
        for known in (0.0, 0.05, 0.1)
        for unknown in (0.2, 0.3, 0.5, 1.0)
    },
    **{
        f"langdetect-{weight:.3f}": {"weights": {"langdetect": weight}}
        for weight in (1 / 24, 1 / 6)
    },
    **{f"wordfreq-{weight}": {"weights": {"wordfreq": weight}} for weight in (0.7, 1.5, 2.0)},
}


def sentences(language: str) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu" / language).glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line)
                text = text.strip().removeprefix("- ").strip()
                if len(text.split()) >= 4:
                    texts.append(text)
    return sorted(set(texts))


def _strings(node: object) -> list[str]:
    """Every string value in a parsed YAML document, except button payloads."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() if key != "payload" for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def own_lines(language: str) -> list[str]:
    """The assistant's own texts in `language`: its responses and labels, NLU examples and
    held-out NLU test messages (annotations removed), one text a line."""
    paths = [
        ROOT / "data" / "texts" / f"{language}.yml",
        ROOT / "tests" / "nlu" / f"{language}.yml",
    ]
    paths += sorted((ROOT / "data" / "nlu" / language).glob("*.yml"))
    lines = []
    for path in paths:
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for line in text.splitlines():
                line = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line)
                lines.append(line.strip().removeprefix("- "))
    return lines


def running_words(lines: Sequence[str]) -> list[str]:
    """Words of five letters or more, lower case, in text order (lingua's test-data cut)."""
    words = []
    for line in lines:
        cleaned = _PUNCTUATION_OR_DIGIT.sub("", line)
        words.extend(w for w in cleaned.lower().split() if RUNNING_WORD.match(w))
    return words


def _add_own_text(data: dict[tuple[str, str], list[str]], per_kind: int) -> None:
    words = {language: running_words(own_lines(language)) for language in LANGUAGES}
    languages_of: dict[str, int] = {}
    for language in LANGUAGES:
        for word in set(words[language]):
            languages_of[word] = languages_of.get(word, 0) + 1
    for language in LANGUAGES:
        kept = [w for w in words[language] if languages_of[w] < SHARED_BY]
        pairs = [f"{kept[i]} {kept[i + 1]}" for i in range(0, len(kept) - 1, 2)]
        rng = random.Random(f"{SEED}-{language}-own")
        data[language, "own-words"] = rng.sample(kept, min(per_kind, len(kept)))
        data[language, "own-pairs"] = rng.sample(pairs, min(per_kind, len(pairs)))


def make_dev_set(per_kind: int = PER_KIND) -> dict[tuple[str, str], list[str]]:
    """{(language, kind): texts}, the same on every run (fixed seed, pinned package data)."""
    data: dict[tuple[str, str], list[str]] = {}
    for language in LANGUAGES:
        rng = random.Random(f"{SEED}-{language}")
        frequencies = read_wordfreq_list(language) or {}
        words = sorted(w for w in frequencies if _LETTERS_ONLY.match(w))
        weights = [frequencies[w] for w in words]
        frequent = rng.choices(words, weights=weights, k=per_kind)
        forms = [
            form
            for form in dictionary_forms(language)
            if _LETTERS_ONLY.match(form)
            and form not in frequencies
            and held_out(form)
            and held_out_form(form)
        ]
        rare = rng.sample(forms, per_kind)
        pairs = []
        for _ in range(per_kind):
            pair = [rng.choice(frequent if rng.random() < 0.5 else rare) for _ in range(2)]
            pairs.append(" ".join(pair))
        texts = sentences(language)
        data[language, "sentences"] = rng.sample(texts, min(per_kind, len(texts)))
        data[language, "word-pairs"] = pairs
        data[language, "frequent-words"] = frequent
        data[language, "rare-words"] = rare
        # Rarer words of running text: wordfreq's "large" list below the "small" one's cut-off,
        # by frequency, held-out ones only (where there is a large list: not bg, hu, ro).
        large = read_wordfreq_list(language, "large") or {}
        pool = sorted(
            w for w in large if _LETTERS_ONLY.match(w) and w not in frequencies and held_out(w)
        )
        if pool:
            corpus_rng = random.Random(f"{SEED}-{language}-corpus")
            data[language, "corpus-rare-words"] = corpus_rng.choices(
                pool, weights=[large[w] for w in pool], k=per_kind
            )
    _add_text_words(data, per_kind)
    _add_own_text(data, per_kind)
    return data


def text_word_pool(language: str, per_token: bool) -> tuple[list[str], list[float], float]:
    """Listed words, their weights (as distinct words of a corpus, or `per_token` as running
    words), and the share of the words rarer than the list's cut-off."""
    small = read_wordfreq_list(language) or {}
    listed = read_wordfreq_list(language, "large") or small
    scale = 1.0 if per_token else CORPUS_TOKENS
    words, weights = [], []
    for word in sorted(listed):
        if not RUNNING_WORD.match(word):
            continue
        weight = scale * listed[word] if per_token else min(1.0, scale * listed[word])
        if word not in small:
            if not held_out(word):
                continue
            weight *= HELD_OUT_EVERY
        words.append(word)
        weights.append(weight)
    unlisted = scale * max(0.0, 1.0 - sum(listed.values()))
    return words, weights, unlisted / (unlisted + sum(weights))


def _add_text_words(data: dict[tuple[str, str], list[str]], per_kind: int) -> None:
    for language in LANGUAGES:
        for prefix, per_token in (("text", False), ("running", True)):
            words, weights, tail = text_word_pool(language, per_token)
            listed = set(words) | set(read_wordfreq_list(language, "large") or ())
            rare = [
                w for w in data[language, "rare-words"] if RUNNING_WORD.match(w) and w not in listed
            ]
            cumulative = list(itertools.accumulate(weights))
            rng = random.Random(f"{SEED}-{language}-{prefix}")
            drawn = []
            for _ in range(3 * per_kind):
                if rng.random() < tail:
                    drawn.append(rng.choice(rare))
                else:
                    drawn.extend(rng.choices(words, cum_weights=cumulative))
            data[language, f"{prefix}-words"] = drawn[:per_kind]
            data[language, f"{prefix}-pairs"] = [
                f"{drawn[i]} {drawn[i + 1]}" for i in range(per_kind, 3 * per_kind, 2)
            ]


def evaluate(
    classify: Callable[[str], str], data: dict[tuple[str, str], list[str]]
) -> tuple[dict[tuple[str, str], float], list[float]]:
    accuracy = {}
    seconds = []
    for (language, kind), texts in data.items():
        correct = 0
        for text in texts:
            start = time.perf_counter()
            correct += classify(text) == language
            seconds.append(time.perf_counter() - start)
        accuracy[language, kind] = 100.0 * correct / len(texts)
    return accuracy, seconds


def total(accuracy: dict[tuple[str, str], float], kind: str) -> float:
    values = [accuracy[language, kind] for language in LANGUAGES if (language, kind) in accuracy]
    return sum(values) / len(values)


_FOOTPRINT = """
import json, sys, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024
start_rss = rss()
from bot.nlu.language_detection import LANGUAGES, LanguageDetector
before = rss()
start, cpu = time.perf_counter(), time.process_time()
detector = LanguageDetector(LANGUAGES, **json.loads(sys.argv[1]))
built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
after = rss()
detector.classify("Ik wil iets melden over mijn buren")
print(json.dumps({
    "rss_start_mb": start_rss, "build_s": built, "build_cpu_s": built_cpu,
    "rss_before_mb": before, "rss_after_mb": after, "rss_after_first_mb": rss(),
    "voters": detector.voters,
}))
"""


def footprint(options: dict[str, object], python: str = sys.executable) -> dict[str, object]:
    """Build time and RSS of a detector built in a fresh process (imports done before)."""
    output = subprocess.run(
        [python, "-c", _FOOTPRINT, json.dumps(options)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=["shipped"], choices=sorted(VARIANTS))
    parser.add_argument("--per-language", action="store_true", help="print every language")
    parser.add_argument("--kinds", nargs="*", choices=KINDS, help="only these kinds (faster)")
    parser.add_argument(
        "--chars-model",
        type=Path,
        help="another character model file (python -m bot.nlu.langid_chars --out ...)",
    )
    parser.add_argument(
        "--footprint",
        metavar="PYTHON",
        nargs="?",
        const=sys.executable,
        help="only measure build time and RSS of each variant in fresh processes of PYTHON",
    )
    args = parser.parse_args(argv)
    variants = {name: dict(VARIANTS[name]) for name in args.variants}
    if args.chars_model:
        for options in variants.values():
            options["chars_model"] = str(args.chars_model.resolve())
    if args.footprint:
        for name, options in variants.items():
            print(name, json.dumps(footprint(options, args.footprint)))
        return 0
    data = make_dev_set()
    kinds = tuple(args.kinds or KINDS)
    data = {key: texts for key, texts in data.items() if key[1] in kinds}
    results = {}
    for name, options in variants.items():
        start = time.perf_counter()
        detector = LanguageDetector(LANGUAGES, held_out=True, **options)  # type: ignore[arg-type]
        load = time.perf_counter() - start
        accuracy, seconds = evaluate(detector.classify, data)
        seconds.sort()
        results[name] = accuracy
        print(
            f"{name:<14}"
            + "".join(f"  {kind} {total(accuracy, kind):5.1f}" for kind in kinds)
            + f"  p99 {1000 * seconds[int(0.99 * len(seconds))]:.2f} ms  load {load:.2f} s"
            + f"  [{', '.join(detector.voters)}]"
        )
    if args.per_language:
        for kind in kinds:
            print(f"\n## {kind}")
            print("lang  " + "".join(f"{name:>14}" for name in results))
            for language in LANGUAGES:
                cells = "".join(
                    f"{r[language, kind]:>14.1f}" if (language, kind) in r else f"{'-':>14}"
                    for r in results.values()
                )
                print(f"{language:<6}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
