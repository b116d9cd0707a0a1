"""A learned layer where rules stop scaling: a linear model over lemmas, classes and cues.

Condescension and the agency's own affairs are said in more ways than any list of phrases holds
(«браво, вы открыли вложение», «у нас тут сокращения»). A logistic regression per label, trained
by `kodeks train` from the project's own corpus, weighs the lemmas of a message, the classes of
vocabulary.toml they fall in (and the pairs of classes that meet), and cues the rules already
work out (which rules fired, whether another client is named, whether the agency speaks of
itself), and pairs of neighbouring lemmas: «вы даже», «ещё раз для», «as i already» say how a
thing is said to the client, where the lemmas alone say only what it is about (in cross-validation
that leaves out a whole writer at a time, they found 4 to 5 more points of condescension at the
same precision and fewer false alarms). Its weights are data (`data/model.json`); scoring is a
sum of dictionary look-ups, with no library at run time.

Names never become features: another client, the chat's own client, a person, a number each
become one token (`<client>`, `<own>`, `<name>`, `<num>`), so the model learns how people write,
not whom they name.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rules.model import ChatKind, Label
from rules.morph import Morph
from rules.scan import Scan
from rules.text import Token

# Bump when the features change: a model trained on other features must not be loaded.
FEATURE_VERSION = 6
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_DIGIT = re.compile(r"\d")
# Signs of mockery that no word carries: laughing or eye-rolling emoji, and the client's own
# words held up in quotes («опять «хочу как у Apple» 😂»). Each counts with the kind of chat too:
# a laugh among colleagues about a client is not a laugh with the client.
_LAUGH = re.compile("[\U0001f602\U0001f923\U0001f639\U0001f606\U0001f605]")  # 😂🤣😹😆😅
_ROLL = re.compile("[\U0001f644\U0001f643\U0001f926\U0001f921\U0001f480\U0001f971\U0001f937]")
_QUOTE = re.compile('«[^»]{2,}»|"[^"]{2,}"|\u201c[^\u201d]{2,}\u201d')
_NAME_TAGS = frozenset({"Surn", "Name", "Patr"})
# Tokens that say nothing on their own and would only add noise to the pairs.
_NUMBER, _CLIENT, _NAME = "w:<num>", "w:<client>", "w:<name>"
_OWN = "w:<own>"  # the chat's own client: its budget told to it is no secret
_NORMAL: dict[str, tuple[str, bool]] = {}  # word → (normal form, may be a name)
_NORMAL_CACHE_SIZE = 100_000
# rule id → its family's feature, by the id's first two parts: «cond-told-you-so» → «r:cond-told»
_FAMILIES: dict[str, str] = {}


Features = dict[str, int | None]  # each feature once, with the token of its first occurrence


def features(scan: Scan, fired: Iterable[str] = ()) -> Features:
    """Work out the features of one message: lemmas and their neighbours, classes and their
    pairs, cues, rules.

    Each feature counts once, at its first token: the model was trained on presence, not counts
    (a word said a thousand times weighs what it weighs once). One pass over the tokens; a quoted
    word is someone else's and breaks the pairs.
    """
    found: Features = {}
    add = found.setdefault
    mentions = scan.mentions
    clients = {i for m in mentions for i in range(m.first, m.last + 1)} if mentions else ()
    # The chat's own client, told its own figures, learns no secret. With the chat's client
    # unknown (a Business chat with an unlisted counterpart, a draft in `/check`), whose secret
    # a name would be cannot be told: every client named is taken for the chat's own, and only
    # the agency's own affairs are judged.
    own = scan.context.client
    owns = {
        i for m in mentions if own is None or m.client == own for i in range(m.first, m.last + 1)
    }
    class_of = scan.vocabulary.class_of
    morph, original = scan.morph, scan.original
    classes: list[str] = []
    previous = ""
    for token in scan.tokens:
        if token.quoted:
            previous = ""
            continue
        index = token.index
        if index in clients:
            key = _OWN if index in owns else _CLIENT
        else:
            key = _key(morph, original, token)
        if key == previous and key in (_CLIENT, _OWN):
            continue  # a client named in several words is one client
        add(key, index)
        if previous:
            add("b:" + previous + "+" + key, index)
        previous = key
        names = class_of.get(token.norm) if key not in (_CLIENT, _OWN) else None
        if names is not None:
            for name in names:
                if name not in classes:
                    classes.append(name)
                    add("k:" + name, index)
    _add_whole(found, scan, sorted(classes), fired)
    return found


def _add_whole(found: Features, scan: Scan, classes: list[str], fired: Iterable[str]) -> None:
    """Add the features of the whole message: pairs of classes, cues, families of rules."""
    add = found.setdefault
    for first, second in itertools.combinations(classes, 2):
        add("kk:" + first + "+" + second, None)
    for cue in _cues(scan):
        add("c:" + cue, None)
    for rule in fired:
        family = _FAMILIES.get(rule)
        if family is None:
            family = _FAMILIES[rule] = "r:" + "-".join(rule.split("-")[:2])
        add(family, None)


def _key(morph: Morph, original: str, token: Token) -> str:
    """Return a word's feature: its normal form, or `<name>` for a capitalised name."""
    key, may_be_name = _NORMAL.get(token.norm) or _normal(morph, token.norm)
    return _NAME if may_be_name and original[token.start].isupper() else key


def _normal(morph: Morph, word: str) -> tuple[str, bool]:
    """Return the feature of a word's normal form, and whether it may be a person's name.

    Cached by word: the feature string is built once per word, not once per message.
    """
    if _CYRILLIC.search(word):
        readings = morph.parse(word)
        if readings:
            lemma, tags, _ = readings[0]
            known = ("w:" + lemma, bool(_NAME_TAGS & tags))
        else:
            known = ("w:" + word, False)
    elif _DIGIT.search(word) and not _LATIN.search(word):
        known = (_NUMBER, False)
    else:
        known = ("w:" + (word.rstrip("s") if len(word) > 3 else word), False)
    if len(_NORMAL) >= _NORMAL_CACHE_SIZE:
        _NORMAL.clear()
    _NORMAL[word] = known
    return known


def _cues(scan: Scan) -> list[str]:
    cues = [f"chat:{scan.context.chat}"]
    if scan.other_clients:
        cues.append("other-client")
    if scan.self_reference:
        cues.append("self")
    if scan.context.chat is ChatKind.INTERNAL and scan.about_client:
        cues.append("about-client")
    if scan.mitigated:
        cues.append("mitigated")  # the client asked for it, or the writer takes the blame
    text = scan.original
    if "?" in text:
        cues.append("question")
    if "!" in text:
        cues.append("exclamation")
    if _DIGIT.search(text):
        cues.append("number")
    chat = scan.context.chat
    for cue, sign in (("laugh", _LAUGH), ("roll", _ROLL), ("quote", _QUOTE)):
        if sign.search(text):
            cues += [cue, f"{cue}+{chat}"]
    return cues


@dataclass(frozen=True, slots=True)
class LabelModel:
    """The weights of one label, and the scores above which its findings count."""

    bias: float
    weights: dict[str, float]
    sure: float  # a finding that nudges
    maybe: float  # a finding `/check` shows as «возможно»

    def probability(self, found: Features) -> float:
        """Return the probability of the label: its weights of the features summed, in C."""
        return _sigmoid(sum(map(self.weights.get, found, itertools.repeat(0.0)), self.bias))

    def strongest(self, found: Features) -> int | None:
        """Return the token whose features add most to the label: the strongest cue."""
        by_token: dict[int, float] = {}
        weights = self.weights
        for name, token in found.items():
            weight = weights.get(name)
            if weight is not None and token is not None:
                by_token[token] = by_token.get(token, 0.0) + weight
        return max(by_token, key=by_token.__getitem__) if by_token else None


def _sigmoid(x: float) -> float:
    """The logistic function, without overflow on a megabyte's worth of weights."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(max(x, -700.0))
    return z / (1.0 + z)


class LearnedModel:
    """One linear model per label, applied where the label applies."""

    def __init__(self, labels: dict[Label, LabelModel]) -> None:
        self.labels = labels

    def predict(self, scan: Scan, fired: Iterable[str]) -> list[tuple[Label, float, int]]:
        """Return (label, probability, token of the strongest cue) above each `maybe` score.

        Only a label that comes out likely is looked at again for the token of its strongest
        cue, and most messages have none.
        """
        wanted = [(label, model) for label, model in self.labels.items() if applies(label, scan)]
        if not wanted:
            return []
        found = features(scan, fired)
        results = []
        for label, model in wanted:
            probability = model.probability(found)
            if probability >= model.maybe:
                strongest = model.strongest(found)
                if strongest is not None:
                    results.append((label, probability, strongest))
        return results


def applies(label: Label, scan: Scan) -> bool:
    """Tell whether the model of a label reads a message in this chat (FORMAT.md: what each
    label covers where).

    Condescension in an internal chat is a breach only about a client, so the model reads an
    internal message only when it names one or says «клиент». Reading every internal message
    found 3 points more recall on the agency corpora, but raised an alarm on 1.5% of ordinary
    social-media talk (RUSSE-2022's polite lines): colleagues chatting are not the corpora's
    staff.
    """
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
                entry["weights"],  # written by `kodeks train`: names and numbers
                float(entry["sure"]),
                float(entry["maybe"]),
            )
            for name, entry in data["labels"].items()
        }
    )
