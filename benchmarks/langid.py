"""Language-identification benchmark: `python -m benchmarks.langid` (or `make bench-langid`).

Reads ../shared/benchmarks/langid/<iso>.{sentences,word-pairs,single-words}.txt for the assistant's
12 languages (real text from the Leipzig corpora, via lingua's test data; see SOURCE.md there) and
prints the accuracy per language and kind of

- zicht: the assistant's detector (`bot.nlu.language_detection`), with no hint (browser language);
- langdetect: raw langdetect 1.0.9 with all its profiles, seed 0, answering the most probable of
  the 12 languages (how the anchors in issue 3 were measured);
- lingua: lingua restricted to the 12 languages (high accuracy mode).

plus the totals per kind, whether each target is met, and p50/p99 detection time per detector.
`--ablation` adds the assistant's detector without (or with) each of its voters, and "old": the
detector before its own character model (lingua's high-accuracy models instead). The benchmark
only measures: nothing is trained or tuned on this data (that is benchmarks/langid_dev.py's
job). Always exits 0.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.nlu.language_detection import LANGUAGES, LanguageDetector

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks" / "langid"
KINDS = ("sentences", "word-pairs", "single-words")
TARGETS = {"sentences": 99.5, "word-pairs": 97.0, "single-words": 90.0}
P99_TARGET_MS = 5.0
ANCHORS = {
    "langdetect": {"sentences": 97.0, "word-pairs": 74.6, "single-words": 52.9},
    "lingua": {"sentences": 99.1, "word-pairs": 94.6, "single-words": 81.4},
}

Classifier = Callable[[str], str | None]


def load_data(directory: Path) -> dict[tuple[str, str], list[str]]:
    data = {}
    for language in LANGUAGES:
        for kind in KINDS:
            path = directory / f"{language}.{kind}.txt"
            lines = path.read_text(encoding="utf-8").splitlines()
            data[language, kind] = [line.strip() for line in lines if line.strip()]
    return data


def raw_langdetect() -> Classifier:
    from importlib import resources

    from langdetect.detector_factory import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    profiles = resources.files("langdetect") / "profiles"
    factory = DetectorFactory()
    factory.load_json_profile(
        [item.read_text(encoding="utf-8") for item in sorted(profiles.iterdir(), key=str)]
    )
    factory.set_seed(0)
    wanted = set(LANGUAGES)

    def classify(text: str) -> str | None:
        detector = factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return None
        return next((item.lang for item in ranked if item.lang in wanted), None)

    return classify


def raw_lingua() -> Classifier | None:
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        return None
    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    detector = (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )

    def classify(text: str) -> str | None:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language else None

    return classify


class Result:
    def __init__(self, name: str, voters: str = "", load_seconds: float = 0.0) -> None:
        self.name = name
        self.voters = voters
        self.load_seconds = load_seconds
        self.correct: dict[tuple[str, str], int] = {}
        self.total: dict[tuple[str, str], int] = {}
        self.seconds: list[float] = []
        self.cpu_seconds: list[float] = []

    def accuracy(self, kind: str, language: str | None = None) -> float:
        keys = [(lang, kind) for lang in LANGUAGES if language in (None, lang)]
        total = sum(self.total.get(key, 0) for key in keys)
        return 100.0 * sum(self.correct.get(key, 0) for key in keys) / total if total else 0.0

    def percentile_ms(self, fraction: float, cpu: bool = False) -> float:
        ordered = sorted(self.cpu_seconds if cpu else self.seconds)
        if not ordered:
            return 0.0
        return 1000.0 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(
    name: str, classify: Classifier, data: dict[tuple[str, str], list[str]], **info: object
) -> Result:
    result = Result(name, **info)  # type: ignore[arg-type]
    classify("warm up")
    clock, cpu_clock = time.perf_counter, time.thread_time
    for (language, kind), items in data.items():
        correct = 0
        for text in items:
            start, cpu_start = clock(), cpu_clock()
            answer = classify(text)
            result.cpu_seconds.append(cpu_clock() - cpu_start)
            result.seconds.append(clock() - start)
            correct += answer == language
        result.correct[language, kind] = correct
        result.total[language, kind] = len(items)
    return result


def timed(factory: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    made = factory()
    return made, time.perf_counter() - start


def print_tables(results: Sequence[Result]) -> None:
    names = [result.name for result in results]
    width = max(10, *(len(name) for name in names))
    for kind in KINDS:
        print(f"\n## {kind} (accuracy %, no hint)")
        print("lang  " + "".join(f"{name:>{width + 2}}" for name in names))
        for language in LANGUAGES:
            cells = "".join(f"{r.accuracy(kind, language):>{width + 2}.1f}" for r in results)
            print(f"{language:<6}{cells}")
        cells = "".join(f"{r.accuracy(kind):>{width + 2}.1f}" for r in results)
        print(f"{'total':<6}{cells}")


def print_summary(results: Sequence[Result]) -> None:
    zicht = results[0]
    print("\n## Summary (total accuracy % over the 12 languages; time per text)")
    names = [result.name for result in results]
    width = max(10, *(len(name) for name in names))
    print(f"{'kind':<14}" + "".join(f"{n:>{width + 2}}" for n in names) + "    target  met")
    for kind in KINDS:
        cells = "".join(f"{r.accuracy(kind):>{width + 2}.1f}" for r in results)
        met = zicht.accuracy(kind) >= TARGETS[kind]
        print(f"{kind:<14}{cells}  >= {TARGETS[kind]:>5.1f}  {'yes' if met else 'NO'}")
    for label, fraction, cpu in (
        ("p50 ms", 0.50, False),
        ("p99 ms", 0.99, False),
        ("p50 ms cpu", 0.50, True),
        ("p99 ms cpu", 0.99, True),
    ):
        cells = "".join(f"{r.percentile_ms(fraction, cpu):>{width + 2}.2f}" for r in results)
        met = ""
        if fraction == 0.99:
            ok = zicht.percentile_ms(0.99, cpu) <= P99_TARGET_MS
            met = f"  <= {P99_TARGET_MS:>5.1f}  {'yes' if ok else 'NO'}"
        print(f"{label:<14}{cells}{met}")
    cells = "".join(f"{r.load_seconds:>{width + 2}.2f}" for r in results)
    print(f"{'load s':<14}{cells}")
    print("\nAnchors from issue 3 (same data):", end=" ")
    print(
        "; ".join(
            f"{name} " + "/".join(f"{value:.1f}" for value in anchors.values())
            for name, anchors in ANCHORS.items()
        )
    )
    for result in results:
        if result.voters:
            print(f"{result.name}: {result.voters}")
    failed = [kind for kind in KINDS if zicht.accuracy(kind) < TARGETS[kind]]
    if zicht.percentile_ms(0.99) > P99_TARGET_MS:
        failed.append("p99 time")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    cores = os.cpu_count() or 1
    print(
        f"\nTimes are wall clock (perf_counter) and CPU of the calling thread (thread_time); "
        f"load average {load:.1f} on {cores} cores while measuring"
        + (" - the machine was busy: wall times are inflated." if load > cores else ".")
    )
    print("\nALL TARGETS MET" if not failed else f"\nTARGETS NOT MET: {', '.join(failed)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="benchmark folder")
    parser.add_argument(
        "--ablation", action="store_true", help="also run the detector without each voter"
    )
    args = parser.parse_args(argv)
    try:
        data = load_data(args.data)
    except OSError as error:
        print(f"No benchmark data: {error}")
        return 0

    results = []
    detector, seconds = timed(lambda: LanguageDetector(LANGUAGES))
    assert isinstance(detector, LanguageDetector)
    voters = ", ".join(detector.voters)
    results.append(run("zicht", detector.classify, data, voters=voters, load_seconds=seconds))
    classify, seconds = timed(raw_langdetect)
    results.append(run("langdetect", classify, data, load_seconds=seconds))  # type: ignore[arg-type]
    classify, seconds = timed(raw_lingua)
    if classify is None:
        print("lingua-language-detector is not installed: no lingua column.")
    else:
        results.append(run("lingua", classify, data, load_seconds=seconds))  # type: ignore[arg-type]
    if args.ablation:
        variants = {
            "+lingua": {"use_lingua": True},
            "-chars": {"use_chars": False},
            "-wordfreq": {"use_lexicon": False},
            "ld+letters": {"use_chars": False, "use_lexicon": False},
            "old": {"use_chars": False, "use_lingua": True},
        }
        for name, options in variants.items():
            variant, seconds = timed(lambda o=options: LanguageDetector(LANGUAGES, **o))
            assert isinstance(variant, LanguageDetector)
            results.append(
                run(
                    name,
                    variant.classify,
                    data,
                    voters=", ".join(variant.voters),
                    load_seconds=seconds,
                )
            )
    print(f"Language identification on {args.data} ({len(LANGUAGES)} languages, forced choice)")
    print_tables(results)
    print_summary(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
