"""Root rules: obscene roots with every prefix and suffix, and principled exceptions.

Roots are regexes over a word's skeleton (de-obfuscated, repeated letters collapsed), so «ссука»,
«xyйня» and «ебааать» meet the same pattern; exceptions name the Scunthorpe family («рубля»,
«страхуй»). A masked word («б**ть», «х*й») is compared with every inflected form of the rule's
`forms`, masks standing for one to a few letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rules.model import Rule
from rules.morph import Morph
from rules.scan import Hit, Scan
from rules.text import MASKS

_MASK_RUN = re.compile(r"[*#%$]+")


@dataclass(frozen=True, slots=True)
class RootRules:
    """Root rules over word skeletons, with one combined regex to skip most words at once."""

    trigger: re.Pattern[str]
    rules: tuple[tuple[Rule, re.Pattern[str], re.Pattern[str] | None], ...]
    lexicon: dict[str, tuple[tuple[str, Rule], ...]]  # first letter → (form, rule), for masks

    def rule_for(self, word: str) -> Rule | None:
        """Return the first root rule that matches a skeleton and none of its exceptions."""
        if not self.trigger.search(word):
            return None
        for rule, pattern, exceptions in self.rules:
            if pattern.search(word) and not (exceptions and exceptions.search(word)):
                return rule
        return None

    def rule_for_masked(self, word: str) -> Rule | None:
        """Return the rule of a lexicon word that a masked word («б**ть») can stand for."""
        return _masked_lookup(self, word)


def compile_roots(rules: list[Rule], morph: Morph) -> RootRules:
    """Compile root patterns and exceptions; expand each rule's `forms` for masked words."""
    compiled = []
    lexicon: dict[str, list[tuple[str, Rule]]] = {}
    for rule in rules:
        pattern = re.compile("|".join(f"(?:{p})" for p in rule.patterns))
        exceptions = (
            re.compile("|".join(f"(?:{p})" for p in rule.exceptions)) if rule.exceptions else None
        )
        compiled.append((rule, pattern, exceptions))
        for lemma in rule.forms:
            for form in morph.forms(lemma):
                lexicon.setdefault(form[:1], []).append((form, rule))
    trigger = re.compile("|".join(f"(?:{p})" for rule in rules for p in rule.patterns) or "(?!)")
    frozen = {first: tuple(pairs) for first, pairs in lexicon.items()}
    return RootRules(trigger, tuple(compiled), frozen)


@lru_cache(maxsize=4096)
def _mask_regex(word: str) -> re.Pattern[str]:
    parts = _MASK_RUN.split(word)
    runs = _MASK_RUN.findall(word)
    regex = re.escape(parts[0])
    for run, part in zip(runs, parts[1:], strict=True):
        regex += f"[^\\W\\d_]{{1,{len(run) + 2}}}" + re.escape(part)
    return re.compile(regex)


def _masked_lookup(roots: RootRules, word: str) -> Rule | None:
    word = word.lstrip(MASKS)
    if len(word) < 2 or len(word) > 30:
        return None
    regex = _mask_regex(word)
    for form, rule in roots.lexicon.get(word[:1], ()):
        if regex.fullmatch(form):
            return rule
    return None


def match_roots(scan: Scan, roots: RootRules) -> list[Hit]:
    """Find obscene roots in words, in masked words and in letters written apart."""
    hits: list[Hit] = []
    skeletons = scan.skeletons
    for token in scan.tokens:
        if token.quoted:
            continue
        if token.masked:
            rule = roots.rule_for_masked(token.norm)
        else:
            rule = roots.rule_for(skeletons[token.index])
        if rule is not None:
            hits.append((rule, token.start, token.end, None))
    for joined in scan.joined:
        rule = roots.rule_for(joined.norm)
        if rule is not None and not any(s < joined.end and joined.start < e for _, s, e, _ in hits):
            hits.append((rule, joined.start, joined.end, None))
    return hits


