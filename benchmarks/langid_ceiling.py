"""How well any detector can do with word frequencies alone: `python -m benchmarks.langid_ceiling`.

Takes wordfreq's lists (the large one where there is one, else the small one) as the truth about
each language's running text, and draws words the way lingua's published test-data writer cuts
its corpus sentences: running words of five letters or more, every language equally often. It
prints the accuracy of the best possible (Bayes) decision, which knows these very distributions:

- single words: the exact sum over all listed words of max over languages of P(word | language);
- word pairs: estimated from `PAIRS` random pairs per language (two independent running words).

Words below the lists' cut-off are left out of these two; a third column counts them as all
decided right (an upper bound), in the share the development set gives them (per running word:
~3 % for a language with a large list, 12-17 % for bg, hu, ro). No benchmark data is read. The
detector itself is compared on the same kind of words by
`benchmarks.langid_dev --kinds running-words running-pairs`.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections.abc import Sequence

from benchmarks.langid_dev import RUNNING_WORD, text_word_pool
from bot.nlu.langid_lexicon import read_wordfreq_list
from bot.nlu.language_detection import LANGUAGES

PAIRS = 4000
SEED = 20261129


def running_word_distribution(language: str) -> dict[str, float]:
    """P(word | language) for the listed words of five letters or more (summing to 1)."""
    listed = read_wordfreq_list(language, "large") or read_wordfreq_list(language) or {}
    kept = {word: frequency for word, frequency in listed.items() if RUNNING_WORD.match(word)}
    total = sum(kept.values())
    return {word: frequency / total for word, frequency in kept.items()}


def single_word_ceiling(
    distributions: dict[str, dict[str, float]],
) -> dict[str, float]:
    """Per language: the share of its running words that the best decision gets right (ties
    shared equally)."""
    right = dict.fromkeys(distributions, 0.0)
    for word in set().union(*distributions.values()):
        values = {code: dist.get(word, 0.0) for code, dist in distributions.items()}
        best = max(values.values())
        winners = [code for code, value in values.items() if value == best]
        for code in winners:
            right[code] += best / len(winners)
    return {code: 100.0 * value for code, value in right.items()}


def pair_ceiling(distributions: dict[str, dict[str, float]], pairs: int) -> dict[str, float]:
    """Per language: the estimated share of its random word pairs the best decision gets right."""
    rng = random.Random(SEED)
    result = {}
    for code, dist in distributions.items():
        words = list(dist)
        cumulative = list(itertools.accumulate(dist.values()))
        right = 0.0
        for _ in range(pairs):
            first, second = rng.choices(words, cum_weights=cumulative, k=2)
            values = {
                other: d.get(first, 0.0) * d.get(second, 0.0) for other, d in distributions.items()
            }
            best = max(values.values())
            winners = [other for other, value in values.items() if value == best]
            right += (code in winners) / len(winners)
        result[code] = 100.0 * right / pairs
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=PAIRS, help="random pairs per language")
    args = parser.parse_args(argv)
    distributions = {code: running_word_distribution(code) for code in LANGUAGES}
    single = single_word_ceiling(distributions)
    pairs = pair_ceiling(distributions, args.pairs)
    tails = {code: text_word_pool(code, per_token=True)[2] for code in LANGUAGES}
    with_tail = {code: (1 - tails[code]) * single[code] + 100 * tails[code] for code in LANGUAGES}
    print("Best possible accuracy (%) with wordfreq's frequencies as the truth, no prior")
    print(f"{'lang':<6}{'single words':>14}{'word pairs':>12}{'single, with rarer words':>26}")
    for code in LANGUAGES:
        print(f"{code:<6}{single[code]:>14.1f}{pairs[code]:>12.1f}{with_tail[code]:>26.1f}")
    print(
        f"{'total':<6}{sum(single.values()) / len(single):>14.1f}"
        f"{sum(pairs.values()) / len(pairs):>12.1f}"
        f"{sum(with_tail.values()) / len(with_tail):>26.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
