"""Root rules: obscene roots with every prefix and suffix, and principled exceptions.

Roots are regexes over a word's skeleton (de-obfuscated, repeated letters collapsed), so «ссука»,
«xyйня» and «ебааать» meet the same pattern; exceptions name the Scunthorpe family («рубля»,
«страхуй»). An exception with a space in it is read against the word with its neighbours,
«previous word next» (skeletons), so «тупой угол» cancels «тупой» and «moby dick» cancels «dick».
A masked word («б**ть», «х*й») is compared with every inflected form of the rule's `forms`,
masks standing for one to a few letters.

One combined regex over all roots skips most words at once; the verdict for a word that passes it
is cached, so a message costs one regex search per new word and one dict look-up per known one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from rules.loader import alternation
from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import MASKS, skeleton
from rules.vocabulary import Vocabulary

_MASK_RUN = re.compile(r"[*#%$]+")
_MAT_INITIALS = frozenset("хпбеfs")  # мат's four roots; English «f***», «s***»
_RUSSIAN_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_ONE_MASK_MIN = 5
_CYRILLIC_WORD = re.compile(r"[а-я]+\Z")
_GLUED_MIN, _GLUED_MAX = 7, 30
_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class RootRule:
    """One compiled root rule: its roots, word exceptions and context exceptions."""

    rule: Rule
    pattern: re.Pattern[str]
    exceptions: re.Pattern[str] | None
    context: re.Pattern[str] | None  # exceptions read against «previous word next»


@dataclass(frozen=True, slots=True)
class RootRules:
    """Root rules over word skeletons, with one combined regex to skip most words at once."""

    trigger: re.Pattern[str]
    rules: tuple[RootRule, ...]
    lexicon: dict[str, tuple[tuple[str, Rule], ...]]  # first letter → (form, rule), for masks
    by_last: dict[str, tuple[tuple[str, Rule], ...]] = field(default_factory=dict)  # «*уй»
    is_known: Callable[[str], bool] = lambda word: True  # the dictionary has the word
    forms: frozenset[str] = frozenset()  # every inflected form of the rules' `forms`
    _cache: dict[str, RootRule | None] = field(default_factory=dict)
    _masked: dict[str, Rule | None] = field(default_factory=dict)
    _glued: dict[str, RootRule | None] = field(default_factory=dict)

    def root_for(self, word: str) -> RootRule | None:
        """Return the first root rule whose root is in the word's skeleton and no exception.

        Cached by the word as written, so a known word costs one look-up and no skeleton.
        """
        cache = self._cache
        if word in cache:
            return cache[word]
        found = None
        skel = skeleton(word)
        if self.trigger.search(skel):
            for root in self.rules:
                if root.pattern.search(skel) and not (
                    root.exceptions and root.exceptions.search(skel)
                ):
                    found = root
                    break
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[word] = found
        return found

    def glued(self, word: str) -> RootRule | None:
        """Return the root of мат in a word written without spaces (cached by the word)."""
        return _cached(self._glued, word, lambda: _glued_root(self, word))

    def rule_for(self, word: str) -> Rule | None:
        """Return the rule of a skeleton, ignoring context exceptions."""
        root = self.root_for(word)
        return root.rule if root is not None else None

    def rule_for_masked(self, word: str) -> Rule | None:
        """Return the rule of a lexicon word that a masked word («б**ть») can stand for.

        Cached: Slack's bold («*Отчёт*») makes masked words common, and each look-up may try
        every form of the lexicon.
        """
        return _cached(self._masked, word, lambda: _masked_lookup(self, word))


_V = TypeVar("_V")


def _cached(cache: dict[str, _V], word: str, compute: Callable[[], _V]) -> _V:
    """Look a word up in a bounded cache, computing and keeping it when missing."""
    if word in cache:
        return cache[word]
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    found = cache[word] = compute()
    return found


def compile_roots(rules: list[Rule], morph: Morph, vocabulary: Vocabulary) -> tuple[RootRules, ...]:
    """Compile the root rules of each label apart: a word may break more than one clause
    («хули» is мат, «Юлечка» a pet name), but within a label the first rule that matches wins."""
    del vocabulary
    labels = dict.fromkeys(rule.label for rule in rules)
    return tuple(_compile_group([r for r in rules if r.label is label], morph) for label in labels)


def _compile_group(rules: list[Rule], morph: Morph) -> RootRules:
    """Compile root patterns and exceptions; expand each rule's `forms` for masked words."""
    compiled = []
    lexicon: dict[str, list[tuple[str, Rule]]] = {}
    for rule in rules:
        pattern = alternation(rule.patterns) or re.compile("(?!)")
        words = [p for p in rule.exceptions if " " not in p]
        context = [p for p in rule.exceptions if " " in p]
        compiled.append(RootRule(rule, pattern, alternation(words), alternation(context)))
        for lemma in rule.forms:
            for form in morph.forms(lemma):
                lexicon.setdefault(form[:1], []).append((form, rule))
    trigger = alternation([p for rule in rules for p in rule.patterns]) or re.compile("(?!)")
    frozen = {first: tuple(pairs) for first, pairs in lexicon.items()}
    everything = [pair for pairs in frozen.values() for pair in pairs]
    by_last: dict[str, list[tuple[str, Rule]]] = {}
    for form, rule in everything:
        by_last.setdefault(form[-1:], []).append((form, rule))
    last = {letter: tuple(pairs) for letter, pairs in by_last.items()}
    forms = frozenset(form for form, _ in everything)
    return RootRules(trigger, tuple(compiled), frozen, last, morph.is_known, forms)


@lru_cache(maxsize=4096)
def _mask_regex(word: str) -> re.Pattern[str]:
    parts = _MASK_RUN.split(word)
    runs = _MASK_RUN.findall(word)
    regex = re.escape(parts[0])
    for run, part in zip(runs, parts[1:], strict=True):
        regex += f"[^\\W\\d_]{{1,{len(run) + 2}}}" + re.escape(part)
    return re.compile(regex)


def _masked_lookup(roots: RootRules, word: str) -> Rule | None:
    if len(word) > 30 or not _enough_letters(word):
        return None
    regex = _mask_regex(word)
    first = word[:1]
    if first in MASKS:  # «*уй»: the forms that end as the word does
        candidates = roots.by_last.get(word[-1:], ())
    else:
        candidates = roots.lexicon.get(first, ())
    for form, rule in candidates:
        if regex.fullmatch(form):
            return rule
    return None


def _enough_letters(word: str) -> bool:
    """Tell whether a masked word shows enough of itself to be read.

    Two letters at least; or, by the writing convention for мат, one of the initials of its four
    roots before a mask of two signs or more: «х**», «п***», «б**», «е**»; and English's «f***»
    and «s***». «т**» is no word.
    """
    letters = sum(1 for ch in word if ch.isalpha())
    if letters >= 2:
        return True
    return letters == 1 and word[0] in _MAT_INITIALS and len(word) >= 3


def _in_context(scan: Scan, index: int, context: re.Pattern[str]) -> bool:
    """Tell whether a context exception covers the word at `index` and its neighbours."""
    skeletons = scan.skeletons
    before = skeletons[index - 1] if index > 0 else ""
    after = skeletons[index + 1] if index + 1 < len(skeletons) else ""
    return context.search(f"{before} {skeletons[index]} {after}") is not None


def match_roots(scan: Scan, groups: tuple[RootRules, ...]) -> list[Hit]:
    """Find roots in words, in masked words and in letters written apart or drawn with signs."""
    hits: list[Hit] = []
    for roots in groups:
        found = _word_hits(scan, roots)
        found.extend(_candidate_hits(scan, roots, found))
        hits.extend(found)
    return hits


def _word_hits(scan: Scan, roots: RootRules) -> list[Hit]:
    hits: list[Hit] = []
    for token in scan.tokens:
        if token.quoted:
            continue
        if token.masked:
            rule = _masked_rule(roots, token.norm)
            if rule is not None:
                hits.append((rule, token.start, token.end, None))
            continue
        root = roots.root_for(token.norm)
        if root is None and len(token.norm) >= _GLUED_MIN:
            root = roots.glued(token.norm)
        if root is None:
            continue
        if root.context is not None and _in_context(scan, token.index, root.context):
            continue
        hits.append((root.rule, token.start, token.end, None))
    return hits


def _glued_root(roots: RootRules, word: str) -> RootRule | None:
    """Find мат in words written without spaces: «сукаблять», «тынахуяэтосделал».

    Only long words the dictionary does not know are split, and only where a known word of two
    letters or more comes first («ты» + «нахуя…»), or a root opens the word and a known word
    follows («сука» + «блять»), the root being one of the rules' own forms: «вебинар» is not
    «в» + «ебинар», nor «суккуленты» «сукку» + «ленты».
    """
    if len(word) < _GLUED_MIN or len(word) > _GLUED_MAX or not _CYRILLIC_WORD.match(word):
        return None
    if roots.is_known(word):
        return None
    for cut in range(2, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if roots.is_known(head) and (found := roots.root_for(tail)) is not None:
            return found
        if head in roots.forms and roots.is_known(tail):
            return roots.root_for(head)
    return None


def _masked_rule(roots: RootRules, word: str) -> Rule | None:
    """Find the rule of a word with masks: «б**ть», «*уй», and «**бля**» (masks around it)."""
    bare = word.strip(MASKS)
    if not _MASK_RUN.search(bare):
        if _initial_and_masks(word):  # «х**», «f***»: the masks are the word, not markup
            return roots.rule_for_masked(word)
        rule = roots.rule_for(bare)
        if rule is not None or bare == word or word[0] not in MASKS:
            return rule
        bare = word.rstrip(MASKS)  # «*уй»: a mask in front stands for a letter
    return roots.rule_for_masked(bare) or _one_letter_masked(roots, bare)


def _initial_and_masks(word: str) -> bool:
    """Tell whether a word is an initial of мат followed only by masks: «х**», «f***».

    Masks after a whole word are Slack's markup («*Отчёт*»); after one initial they are the
    rest of the word.
    """
    return len(word) >= 3 and word[0] in _MAT_INITIALS and not word[1:].strip(MASKS)


def _one_letter_masked(roots: RootRules, word: str) -> Rule | None:
    """Try every letter for a mask of one sign: «е*анько», «ху*сос» are words no lexicon lists.

    Only a word with one mask of one sign and five letters or more is tried: fewer letters
    leave too many words possible.
    """
    runs = _MASK_RUN.findall(word)
    if len(runs) != 1 or len(runs[0]) != 1 or len(word) < _ONE_MASK_MIN:
        return None
    at = word.index(runs[0])
    for letter in _RUSSIAN_LETTERS:
        rule = roots.rule_for(word[:at] + letter + word[at + 1 :])
        if rule is not None:
            return rule
    return None


def _candidate_hits(scan: Scan, roots: RootRules, hits: list[Hit]) -> list[Hit]:
    # Words hit already are disjoint and in order, and candidates run by start: one sweep finds
    # whether a candidate overlaps a hit, so a megabyte of hits stays linear.
    spans = [(start, end) for _, start, end, _ in hits]
    found: list[Hit] = []
    at = 0
    for joined in scan.candidates:
        rule = (
            roots.rule_for_masked(joined.norm)
            if _MASK_RUN.search(joined.norm)
            else roots.rule_for(joined.norm)
        )
        if rule is None:
            continue
        while at < len(spans) and spans[at][1] <= joined.start:
            at += 1
        if at < len(spans) and spans[at][0] < joined.end:
            continue
        found.append((rule, joined.start, joined.end, None))
    return found
