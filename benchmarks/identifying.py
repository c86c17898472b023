"""'You may be identifying yourself' (bot.privacy): `python -m benchmarks.identifying`.

Runs `find_identifying` over every training example (data/nlu/<lang>/*.yml) and every held-out
NLU test text (tests/nlu/<lang>.yml) in its own language, and prints per language how many texts
are flagged, by kind, and every flagged text, plus the import, pipeline-build and per-call
times. The texts are questions and first messages, not form answers, but they are the largest
body of real-looking resident text in the repository. Only measures; always exits 0.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def examples(path: Path) -> Iterator[tuple[str, str]]:
    """(intent, text) of an NLU file, entity annotations removed."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    for item in data.get("nlu") or []:
        for line in str(item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield str(item.get("intent")), ANNOTATION.sub(r"\1", line[2:])


def corpus() -> Iterator[tuple[str, str, str, str]]:
    """(source, language, intent, text) for every NLU example and NLU test text."""
    for path in sorted((ROOT / "data" / "nlu").glob("*/*.yml")):
        for intent, text in examples(path):
            yield "train", path.parent.name, intent, text
    for path in sorted((ROOT / "tests" / "nlu").glob("*.yml")):
        for intent, text in examples(path):
            yield "test", path.stem, intent, text


def main() -> None:
    start = time.perf_counter()
    import spacy  # noqa: F401  (the import cost itself is measured)

    print(f"import spacy: {time.perf_counter() - start:.2f} s")
    from bot.privacy import find_identifying
    from bot.privacy.patterns import languages
    from bot.privacy.pipeline import pipeline

    for code in languages():
        start = time.perf_counter()
        pipeline(code)
        print(f"build {code}: {time.perf_counter() - start:.2f} s")
    totals: Counter[tuple[str, str]] = Counter()
    flagged: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    times: list[float] = []
    lines = []
    for source, language, intent, text in corpus():
        start = time.perf_counter()
        found = find_identifying(text, language)
        times.append(time.perf_counter() - start)
        totals[source, language] += 1
        if found:
            flagged[source, language] += 1
            kinds.update(f.kind for f in found)
            parts = "; ".join(f"{f.kind}: {f.text}" for f in found)
            lines.append(f"  {source} {language} {intent}: {text!r} -> {parts}")
    print("\nsource language texts flagged")
    for key in sorted(totals):
        print(f"{key[0]:6} {key[1]:8} {totals[key]:5} {flagged[key]:4}")
    for source in ("train", "test"):
        total = sum(n for (s, _), n in totals.items() if s == source)
        hits = sum(n for (s, _), n in flagged.items() if s == source)
        print(f"{source}: {hits}/{total} flagged ({100 * hits / max(total, 1):.1f} %)")
    print(f"by kind: {dict(kinds)}")
    times.sort()
    print(
        f"per call: mean {1000 * statistics.mean(times):.2f} ms, "
        f"p95 {1000 * times[int(0.95 * len(times))]:.2f} ms, max {1000 * times[-1]:.2f} ms"
    )
    print("\nflagged texts:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
