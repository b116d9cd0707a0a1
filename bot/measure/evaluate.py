"""Score the checker on a labelled corpus (format: the corpus folder's FORMAT.md).

Per label: precision, recall and F1 over the scored lines (lines marked `ambiguous` are reported
but not scored). Clean lines measure the false-alarm rate: the share on which the checker reports
anything at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.config import ConfigError, load_config
from bot.domain.rulebook import checker_for
from rules import ChatKind, CheckContext, Checker, Finding, Label
from rules.training import Example


@dataclass(frozen=True, slots=True)
class CorpusLine:
    """One labelled message of a corpus."""

    id: str
    text: str
    chat: ChatKind
    client: str | None
    expect: frozenset[str]
    ambiguous: bool = False


@dataclass(slots=True)
class LabelCounts:
    """True and false positives and negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, float | int]:
        """Return precision, recall, F1 and the counts."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Score:
    """Everything `kodeks eval` reports."""

    tallies: dict[str, LabelCounts] = field(
        default_factory=lambda: {str(x): LabelCounts() for x in Label}
    )
    clean: int = 0
    clean_alarms: int = 0
    messages: int = 0
    scored: int = 0
    seconds: float = 0.0

    def add(self, line: CorpusLine, found: frozenset[str]) -> None:
        """Count one message's predicted labels against its expected ones."""
        self.messages += 1
        if line.ambiguous:
            return
        self.scored += 1
        for label, tally in self.tallies.items():
            tally.tp += label in found and label in line.expect
            tally.fp += label in found and label not in line.expect
            tally.fn += label not in found and label in line.expect
        if not line.expect:
            self.clean += 1
            self.clean_alarms += bool(found)

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON object of DESIGN.md's CLI contract."""
        rate = self.messages / self.seconds if self.seconds else 0.0
        return {
            "labels": {label: tally.as_dict() for label, tally in self.tallies.items()},
            "clean_false_alarm": round(self.clean_alarms / self.clean, 4) if self.clean else 0.0,
            "messages": self.messages,
            "scored": self.scored,
            "seconds": round(self.seconds, 3),
            "messages_per_second": round(rate, 1),
        }


def read_corpus(folder: Path) -> Iterator[CorpusLine]:
    """Yield the lines of `messages.jsonl`, with a clear error for a broken line."""
    path = folder / "messages.jsonl"
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        msg = f"{path}: cannot read the corpus ({error.strerror})"
        raise ConfigError(msg) from error
    with handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                yield _to_line(path, number, raw)


def _to_line(path: Path, number: int, raw: str) -> CorpusLine:
    try:
        data = json.loads(raw)
        return CorpusLine(
            id=str(data["id"]),
            text=str(data["text"]),
            chat=ChatKind(data.get("chat", "client")),
            client=data.get("client"),
            expect=frozenset(data.get("expect", [])),
            ambiguous=bool(data.get("ambiguous", False)),
        )
    except (ValueError, KeyError, TypeError) as error:
        msg = f"{path}:{number}: not a corpus line ({error!r}); see FORMAT.md"
        raise ConfigError(msg) from error


def training_examples(checker: Checker, folder: Path) -> Iterator[Example]:
    """Yield a corpus's scored lines as examples for `kodeks train`."""
    checker = corpus_checker(checker, folder)
    for line in read_corpus(folder):
        if not line.ambiguous:
            context = CheckContext(line.chat, line.client)
            writer = f"{folder.name}:{line.id.split('-')[0]}"  # ids open with the writer's prefix
            yield Example(line.text, context, line.expect, checker, writer)


def corpus_checker(checker: Checker, folder: Path) -> Checker:
    """Return the checker with the corpus folder's client registry (and its agency's own rules)."""
    registry = folder / "agency.toml"
    if not registry.exists():
        return checker
    config = load_config(registry)
    if config.rules.to_own() is not None:  # the corpus's agency has rules of its own
        return checker_for(config, learned=checker.learned is not None)
    return checker.with_clients(config.registry())


def evaluate(checker: Checker, folder: Path, predictions: Path | None = None) -> Score:
    """Check every line of a corpus and score the labels found."""
    checker = corpus_checker(checker, folder)
    score = Score()
    lines = list(read_corpus(folder))
    out = predictions.open("w", encoding="utf-8") if predictions else None
    started = time.perf_counter()
    try:
        for line in lines:
            findings = checker.check(line.text, CheckContext(line.chat, line.client))
            score.add(line, frozenset(f.label.value for f in findings))
            if out is not None:
                out.write(json.dumps(_prediction(line, findings), ensure_ascii=False) + "\n")
    finally:
        if out is not None:
            out.close()
    score.seconds = time.perf_counter() - started
    return score


def _prediction(line: CorpusLine, findings: tuple[Finding, ...]) -> dict[str, Any]:
    return {
        "id": line.id,
        "labels": sorted({f.label.value for f in findings}),
        "findings": [
            {"label": f.label.value, "rule": f.rule_id, "start": f.start, "end": f.end}
            for f in findings
        ],
    }
