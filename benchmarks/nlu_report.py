"""Prints the intent results of `rasa test nlu` per language as one table.

Usage: python -m benchmarks.nlu_report RESULTS_DIR LANG [LANG ...]
Reads RESULTS_DIR/<lang>/intent_report.json (written by `make test-nlu`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load_report(results: Path, language: str) -> dict[str, dict[str, float]]:
    with (results / language / "intent_report.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def main() -> None:
    results, languages = Path(sys.argv[1]), sys.argv[2:]
    reports = {language: load_report(results, language) for language in languages}
    intents = sorted(
        {name for report in reports.values() for name, row in report.items() if "support" in row}
        - {"macro avg", "weighted avg", "micro avg"}
    )
    print("Intent F1 on the held-out test sets (tests/nlu/<lang>.yml)")
    print(f"{'intent':<20}" + "".join(f"{language:>8}" for language in languages))
    for intent in intents:
        cells = []
        for language in languages:
            row = reports[language].get(intent)
            cells.append(f"{row['f1-score']:>8.3f}" if row else f"{'-':>8}")
        print(f"{intent:<20}" + "".join(cells))
    for summary in ("accuracy", "weighted avg", "macro avg"):
        cells = []
        for language in languages:
            value = reports[language].get(summary)
            score = value if isinstance(value, float) else (value or {}).get("f1-score", 0.0)
            cells.append(f"{score:>8.3f}")
        print(f"{summary:<20}" + "".join(cells))


if __name__ == "__main__":
    main()
