"""Intent F1 per language on the held-out NLU test sets, with the trained model loaded once.

Runs in the Rasa environment (Python 3.10):
    .venv-rasa/bin/python -m benchmarks.nlu_eval models/zicht.tar.gz tests/nlu results/nlu
Test sets: tests/nlu/<lang>.yml plus tests/nlu/language/<lang>.yml. Writes
results/nlu/<lang>/intent_report.json (the same shape as `rasa test nlu`), prints the per-language
table and exits 1 when a language's weighted F1 is below --min-f1 (default 0: report only).
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import classification_report

Example = tuple[str, str]


def test_examples(test_dir: Path, language: str) -> list[Example]:
    examples: list[Example] = []
    for path in (test_dir / f"{language}.yml", test_dir / "language" / f"{language}.yml"):
        if path.exists():
            data = load_data(str(path))
            examples += [(m.get("text"), m.get("intent")) for m in data.intent_examples]
    return examples


async def predict(agent: Agent, texts: list[str]) -> list[str]:
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(parsed["intent"]["name"])
    return predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model")
    parser.add_argument("test_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--min-f1", type=float, default=0.0)
    args = parser.parse_args()
    agent = Agent.load(args.model)
    languages = sorted(p.stem for p in args.test_dir.glob("*.yml"))
    reports: dict[str, dict] = {}
    for language in languages:
        examples = test_examples(args.test_dir, language)
        truth = [intent for _, intent in examples]
        predicted = asyncio.run(predict(agent, [text for text, _ in examples]))
        report = classification_report(truth, predicted, output_dict=True, zero_division=0)
        reports[language] = report
        target = args.out_dir / language
        target.mkdir(parents=True, exist_ok=True)
        (target / "intent_report.json").write_text(json.dumps(report, indent=2))
        errors = [
            {"text": text, "intent": want, "predicted": got}
            for (text, want), got in zip(examples, predicted, strict=True)
            if want != got
        ]
        (target / "intent_errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False))
    intents = sorted(
        {
            k
            for r in reports.values()
            for k in r
            if k not in ("accuracy", "macro avg", "weighted avg")
        }
    )
    print("Intent F1 on the held-out test sets (tests/nlu), per language")
    print(f"{'intent':<18}" + "".join(f"{lang:>7}" for lang in languages))
    for intent in intents:
        cells = [reports[lang].get(intent, {}).get("f1-score") for lang in languages]
        print(
            f"{intent:<18}" + "".join(f"{c:>7.2f}" if c is not None else f"{'-':>7}" for c in cells)
        )
    weighted = {lang: reports[lang]["weighted avg"]["f1-score"] for lang in languages}
    print(f"{'weighted F1':<18}" + "".join(f"{weighted[lang]:>7.3f}" for lang in languages))
    print(
        f"{'examples':<18}"
        + "".join(f"{int(reports[lang]['weighted avg']['support']):>7}" for lang in languages)
    )
    below = [lang for lang in languages if weighted[lang] < args.min_f1]
    if below:
        print(f"weighted F1 below {args.min_f1}: {', '.join(below)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
