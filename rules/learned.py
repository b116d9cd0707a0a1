"""A learned layer where rules stop scaling: a linear model over lemmas, their pairs and cues.

Condescension and the agency's own affairs are said in more ways than any list of phrases holds
(«браво, вы открыли вложение», «у нас тут сокращения»). A logistic regression per label, trained
by `kodeks train` from the project's own corpus, weighs the lemmas of a message, the pairs of
neighbouring lemmas and cues the rules already work out (which rules fired, whether another
client is named, whether the agency speaks of itself). Its weights are data
(`data/model.json`); scoring is a sum of dictionary look-ups, with no library at run time.

Names never become features: another client, a person, a number each become one token
(`<client>`, `<name>`, `<num>`), so the model learns how people write, not whom they name.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rules.model import ChatKind, Label
from rules.scan import Scan
from rules.text import Token

# Bump when the features change: a model trained on other features must not be loaded.
FEATURE_VERSION = 1
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_DIGIT = re.compile(r"\d")
_NAME_TAGS = frozenset({"Surn", "Name", "Patr"})
# Tokens that say nothing on their own and would only add noise to the pairs.
_NUMBER, _CLIENT, _NAME = "<num>", "<client>", "<name>"


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature of a message, and the token it comes from (None for a cue of the whole)."""

    name: str
    token: int | None = None


def features(scan: Scan, fired: Iterable[str] = ()) -> list[Feature]:
    """Work out the features of one message: lemmas, lemma pairs and cues."""
    words = _words(scan)
    found = [Feature(f"w:{word}", i) for i, word in words]
    for (i, first), (j, second) in itertools.pairwise(words):
        if j == i + 1:
            found.append(Feature(f"b:{first}_{second}", i))
    found.extend(_class_features(scan))
    found.extend(Feature(f"c:{cue}") for cue in _cues(scan))
    found.extend(Feature(f"r:{_family(rule)}") for rule in set(fired))
    return _first_of_each(found)


def _first_of_each(found: list[Feature]) -> list[Feature]:
    """Keep each feature once, at its first token: the model was trained on presence, not counts
    (a word said a thousand times weighs what it weighs once)."""
    seen: set[str] = set()
    unique = []
    for feature in found:
        if feature.name not in seen:
            seen.add(feature.name)
            unique.append(feature)
    return unique


def _words(scan: Scan) -> list[tuple[int, str]]:
    """Return (token index, normal form) for every token outside quotes."""
    clients = {i for m in scan.mentions for i in range(m.first, m.last + 1)}
    words = []
    for token in scan.tokens:
        if not token.quoted:
            words.append((token.index, _normal(scan, token, clients)))
    return words


def _normal(scan: Scan, token: Token, clients: set[int]) -> str:
    word = token.norm
    if token.index in clients:
        return _CLIENT
    if _DIGIT.search(word) and not _CYRILLIC.search(word) and not _LATIN.search(word):
        return _NUMBER
    if _CYRILLIC.search(word):
        readings = scan.morph.parse(word)
        if not readings:
            return word
        lemma, tags, _ = readings[0]
        written = scan.original[token.start : token.end]
        if _NAME_TAGS & tags and written[:1].isupper():
            return _NAME
        return lemma
    return word.rstrip("s") if len(word) > 3 else word


def _class_features(scan: Scan) -> list[Feature]:
    """Each class of vocabulary.toml a word falls in, and each pair of classes that meet."""
    class_of = scan.vocabulary.class_of
    found = []
    seen: set[str] = set()
    for token in scan.tokens:
        if token.quoted:
            continue
        for name in class_of.get(token.norm, ()):
            found.append(Feature(f"k:{name}", token.index))
            seen.add(name)
    ordered = sorted(seen)
    found.extend(Feature(f"kk:{a}+{b}") for a, b in itertools.combinations(ordered, 2))
    return found


def _cues(scan: Scan) -> list[str]:
    cues = [f"chat:{scan.context.chat}"]
    if scan.other_clients:
        cues.append("other-client")
    if scan.self_reference:
        cues.append("self")
    if scan.context.chat is ChatKind.INTERNAL and scan.about_client:
        cues.append("about-client")
    text = scan.original
    if "?" in text:
        cues.append("question")
    if "!" in text:
        cues.append("exclamation")
    if _DIGIT.search(text):
        cues.append("number")
    return cues


def _family(rule_id: str) -> str:
    """Group a rule id by its first two parts: «cond-told-you-so» → «cond-told»."""
    return "-".join(rule_id.split("-")[:2])


@dataclass(frozen=True, slots=True)
class LabelModel:
    """The weights of one label, and the scores above which its findings count."""

    bias: float
    weights: dict[str, float]
    sure: float  # a finding that nudges
    maybe: float  # a finding `/check` shows as «возможно»

    def score(self, found: Sequence[Feature]) -> tuple[float, int | None]:
        """Return the probability of the label and the token of its strongest cue."""
        total = self.bias
        best, strongest = 0.0, None
        weights = self.weights
        for feature in found:
            weight = weights.get(feature.name)
            if weight is None:
                continue
            total += weight
            if feature.token is not None and weight > best:
                best, strongest = weight, feature.token
        return _sigmoid(total), strongest


def _sigmoid(x: float) -> float:
    """The logistic function, without overflow on a megabyte's worth of weights."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(max(x, -700.0))
    return z / (1.0 + z)


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """One linear model per label, applied where the label applies."""

    labels: dict[Label, LabelModel]

    def predict(self, scan: Scan, fired: Iterable[str]) -> list[tuple[Label, float, int | None]]:
        """Return (label, probability, token of the strongest cue) above each `maybe` score."""
        found = features(scan, fired)
        results: list[tuple[Label, float, int | None]] = []
        for label, model in self.labels.items():
            if not applies(label, scan):
                continue
            probability, token = model.score(found)
            if probability >= model.maybe and token is not None:
                results.append((label, probability, token))
        return results


def applies(label: Label, scan: Scan) -> bool:
    """Tell whether a label can be found in this chat (FORMAT.md: what each covers where)."""
    if scan.context.chat is ChatKind.CLIENT:
        return True
    if label in (Label.FAMILIARITY, Label.CONFIDENTIALITY):
        return False
    return label is Label.RUDENESS or scan.about_client


def load_model(path: Path) -> LearnedModel | None:
    """Read the model's weights; None when there is no model or it was built for other features."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if data.get("feature_version") != FEATURE_VERSION:
        return None
    return LearnedModel(
        {
            Label(name): LabelModel(
                float(entry["bias"]),
                {str(k): float(v) for k, v in entry["weights"].items()},
                float(entry["sure"]),
                float(entry["maybe"]),
            )
            for name, entry in data["labels"].items()
        }
    )
