"""Train the learned layer (`learned.py`) from labelled corpora: `kodeks train`.

A build step, not part of the checker: it needs scikit-learn (the `train` extra), the checker
does not. Reproducible: the folds are seeded, features sorted, the weights rounded and written
with sorted keys, so the same corpus gives the same file byte for byte.

Per label, a logistic regression over the features of the messages where the label can be
found at all (familiarity and confidentiality only in client chats). The score above which a
finding nudges (`sure`) is chosen from out-of-fold predictions, as the lowest score at which what
the model finds beyond the rules keeps `added_precision`, and at which it raises a false alarm on
at most `false_alarm` of the clean messages (every false alarm is a wrong private nudge);
`maybe` (what `/check` shows as «возможно») keeps `maybe_precision` of what it adds.

The folds hold out whole writers (a line's writer is its corpus and the prefix of its id): lines
of one writer share turns of phrase, so folds that split them score the model as if it had read
the writer, and choose thresholds too low for the next writer, whom it has not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rules.engine import Checker
from rules.learned import FEATURE_VERSION, applies, features
from rules.model import CheckContext, Label

_FOLDS = 5
# Rudeness and familiarity are matters of form: мат and insults by root and lemma, «ты» by its
# grammar, slang and address by word; the rules read them. A model of either learned the topics
# and particles of the corpus's writers instead (the heaviest words of the familiarity model were
# «ну», «утро», «макияж»), so only the two clauses of meaning have one.
LEARNED_LABELS = (Label.CONDESCENSION, Label.CONFIDENTIALITY)
# The inverse strength of the L2 penalty, per label, chosen in cross-validation that leaves one
# writer out at a time: condescension is said in many small turns of phrase («вы даже», «ещё раз
# для»), so its pairs of words need room to weigh; leaks are said through a few strong topics.
_REGULARISATION = {Label.CONDESCENSION: 4.0, Label.CONFIDENTIALITY: 1.0}
_MIN_WEIGHT = 0.02  # smaller weights change no decision; leaving them out keeps the file small
_THRESHOLDS = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message, with the checker that knows its corpus's clients."""

    text: str
    context: CheckContext
    expect: frozenset[str]
    checker: Checker
    writer: str = ""  # who wrote the line: the folds never split one writer's lines


@dataclass(frozen=True, slots=True)
class _Row:
    features: dict[str, float]
    positive: bool
    by_rules: bool  # the rules alone find the label here
    writer: str


def train(
    examples: Iterable[Example],
    *,
    added_precision: float = 0.9,
    false_alarm: float = 0.005,
    maybe_precision: float = 0.8,
    regularisation: float | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Train one model per label and return the weights file's content."""
    featurized = [_featurize(example) for example in examples]
    labels = {}
    for label in LEARNED_LABELS:
        rows = [row[label] for row in featurized if label in row]
        targets = _Targets(added_precision, false_alarm, maybe_precision)
        c = regularisation or _REGULARISATION[label]
        labels[label.value] = _train_label(rows, targets, c, seed)
    return {
        "feature_version": FEATURE_VERSION,
        "seed": seed,
        "added_precision": added_precision,
        "false_alarm": false_alarm,
        "examples": len(featurized),
        "labels": labels,
    }


def _featurize(example: Example) -> dict[Label, _Row]:
    checker = example.checker
    scan, fired = checker.scan_with_rules(example.text, example.context)
    names = dict.fromkeys(features(scan, [rule.id for rule in fired]), 1.0)
    found = {rule.label for rule in fired}
    return {
        label: _Row(names, label.value in example.expect, label in found, example.writer)
        for label in Label
        if applies(label, scan)
    }


@dataclass(frozen=True, slots=True)
class _Targets:
    added: float  # precision of what the model adds to the rules
    false_alarm: float  # share of clean messages the model may raise an alarm on
    maybe: float  # precision of what the model adds as likely findings


def _train_label(rows: Sequence[_Row], targets: _Targets, c: float, seed: int) -> dict[str, Any]:
    from sklearn.feature_extraction import DictVectorizer  # noqa: PLC0415 - a build-time extra
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: PLC0415

    positives = [row.positive for row in rows]
    scores = [0.0] * len(rows)
    writers = [row.writer for row in rows]
    if len(set(writers)) >= _FOLDS:
        splits = StratifiedGroupKFold(_FOLDS, shuffle=True, random_state=seed).split(
            rows, positives, writers
        )
    else:  # too few writers to hold whole ones out: fold the lines
        splits = StratifiedKFold(_FOLDS, shuffle=True, random_state=seed).split(rows, positives)
    for fit, held in splits:
        vectorizer = DictVectorizer()
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        matrix = vectorizer.fit_transform([rows[i].features for i in fit])
        model.fit(matrix, [positives[i] for i in fit])
        probabilities = model.predict_proba(vectorizer.transform([rows[i].features for i in held]))
        for i, p in zip(held, probabilities[:, 1], strict=True):
            scores[i] = float(p)
    vectorizer = DictVectorizer(sort=True)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(vectorizer.fit_transform([row.features for row in rows]), positives)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= _MIN_WEIGHT
    }
    sure, sure_figures = _threshold(rows, scores, targets.added, targets.false_alarm)
    maybe, _ = _threshold(rows, scores, targets.maybe, 1.0)
    return {
        "bias": round(float(model.intercept_[0]), 4),
        "sure": sure,
        "maybe": min(maybe, sure),
        "cross_validated": sure_figures,
        "weights": weights,
    }


def _threshold(
    rows: Sequence[_Row], scores: Sequence[float], added_precision: float, false_alarm: float
) -> tuple[float, dict[str, float]]:
    """Find the lowest score at which what the model adds keeps `added_precision` and raises
    an alarm on at most `false_alarm` of the clean messages."""
    clean = sum(1 for row in rows if not row.positive) or 1
    for threshold in _THRESHOLDS:
        added = [
            row.positive
            for row, score in zip(rows, scores, strict=True)
            if not row.by_rules and score >= threshold
        ]
        wrong = len(added) - sum(added)
        if added and sum(added) / len(added) >= added_precision and wrong <= false_alarm * clean:
            return threshold, _figures(rows, scores, threshold)
    return 1.0, _figures(rows, scores, 1.0)


def _figures(rows: Sequence[_Row], scores: Sequence[float], threshold: float) -> dict[str, float]:
    tp = fp = fn = 0
    for row, score in zip(rows, scores, strict=True):
        found = row.by_rules or score >= threshold
        tp += found and row.positive
        fp += found and not row.positive
        fn += not found and row.positive
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "threshold": threshold}
