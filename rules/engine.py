"""The checker: rules compiled once, then `check(text, context)` as often as needed.

Pure and synchronous: no network, no Redis, no platform types. Safe to share between tasks, since
a check keeps its state in a `Scan` of its own; only the caches of the analyzer are shared.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from rules.clients import ClientIndex
from rules.grammar import (
    compile_caps,
    compile_grammar,
    is_address,
    is_vocative,
    match_caps,
    match_grammar,
)
from rules.learned import LearnedModel, load_model
from rules.loader import RuleSet, alternation, data_dir, load_ruleset
from rules.mention import compile_mentions, match_mentions
from rules.model import ChatKind, CheckContext, Client, Condition, Finding, Label, Rule, RuleKind
from rules.morph import Morph, shared_morph
from rules.own import OwnRules, with_own
from rules.roots import compile_roots, match_roots
from rules.scan import Hit, Scan
from rules.senses import (
    after_name_or_greeting,
    agency_s_own,
    is_first_name_or_unknown,
    is_name,
    said_of_person,
    said_of_self,
)
from rules.sequences import compile_sequences, match_sequences
from rules.suffixes import compile_suffixes, match_suffixes
from rules.text import Token
from rules.together import compile_together, match_together
from rules.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True, slots=True)
class Matcher:
    """How one family of rule kinds is compiled and matched."""

    compile: Callable[[list[Rule], Morph, Vocabulary], Any]
    match: Callable[[Scan, Any], list[Hit]]


_SEQUENCES = Matcher(compile_sequences, match_sequences)
# Adding a rule kind means adding one enum member and one entry here.
MATCHERS: dict[RuleKind, Matcher] = {
    RuleKind.LEMMA: _SEQUENCES,
    RuleKind.PHRASE: _SEQUENCES,
    RuleKind.ROOT: Matcher(compile_roots, match_roots),
    RuleKind.GRAMMAR: Matcher(compile_grammar, match_grammar),
    RuleKind.CAPS: Matcher(compile_caps, match_caps),
    RuleKind.MENTION: Matcher(compile_mentions, match_mentions),
    RuleKind.SUFFIX: Matcher(compile_suffixes, match_suffixes),
    RuleKind.TOGETHER: Matcher(compile_together, match_together),
}


class Checker:
    """Check texts against the code of conduct."""

    def __init__(
        self,
        ruleset: RuleSet,
        morph: Morph,
        clients: Iterable[Client] = (),
        vocabulary: Vocabulary | None = None,
        learned: LearnedModel | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.morph = morph
        self.vocabulary = vocabulary or load_vocabulary(data_dir() / "vocabulary.toml", morph)
        self.clients = ClientIndex(clients, morph)
        self._clause = {label: ruleset.clause_for(label).number for label in Label}
        # Rules that cite a clause of their own (an agency's «п. 12»), not their label's.
        numbers = {c.id: c.number for c in ruleset.clauses}
        self._cited = {r.id: numbers[r.clause] for r in ruleset.rules if r.clause is not None}
        self._compiled = {chat: self._compile(chat) for chat in ChatKind}
        self._guards = _compile_guards(ruleset.rules, morph)
        self.learned = learned
        # The rule each label's learned findings cite: its wording, note and severity.
        self._learned_rules = {r.label: r for r in ruleset.rules if r.kind is RuleKind.LEARNED}
        # Each rule's rewordings as a mapping, built once rather than for every finding.
        self._rewrites = {r.id: dict(r.rewrite) for r in ruleset.rules if r.rewrite}

    def _compile(self, chat: ChatKind) -> list[tuple[Matcher, Any]]:
        """Compile, per matcher, the rules that apply in this kind of chat."""
        compiled = []
        for matcher in dict.fromkeys(MATCHERS.values()):
            rules = [
                r
                for r in self.ruleset.rules
                if MATCHERS.get(r.kind) is matcher and chat in r.chat_kinds
            ]
            if rules:
                compiled.append((matcher, matcher.compile(rules, self.morph, self.vocabulary)))
        return compiled

    def with_clients(self, clients: Iterable[Client]) -> Checker:
        """Return a checker for another client registry that shares these compiled rules."""
        other = object.__new__(Checker)
        other.__dict__.update(self.__dict__)
        other.clients = ClientIndex(clients, self.morph)
        return other

    def check(
        self, text: str, context: CheckContext | None = None, *, tentative: bool = False
    ) -> tuple[Finding, ...]:
        """Return the findings in `text`, in order of position.

        With `tentative`, findings of the learned layer that are likely but not sure enough to
        nudge come too, marked `tentative` (`/check` shows them as «возможно»).
        """
        scan, hits = self._hits(text, context)
        findings = self._findings(scan, hits)
        if self.learned is None:
            return findings
        return self._with_learned(scan, findings, tentative)

    def scan_with_rules(
        self, text: str, context: CheckContext | None = None
    ) -> tuple[Scan, list[Rule]]:
        """Return the message's scan and every rule whose hit stands (for the learned layer)."""
        scan, hits = self._hits(text, context)
        return scan, [rule for rule, start, end, _ in hits if self._holds(scan, rule, start, end)]

    def _with_learned(
        self, scan: Scan, findings: tuple[Finding, ...], tentative: bool
    ) -> tuple[Finding, ...]:
        """Add the learned layer's findings for the labels the rules did not find."""
        assert self.learned is not None
        found = {f.label for f in findings}
        fired = [f.rule_id for f in findings]
        extra = []
        for label, probability, index in self.learned.predict(scan, fired):
            rule = self._learned_rules.get(label)
            model = self.learned.labels[label]
            sure = probability >= model.sure
            if label in found or rule is None or not (sure or tentative):
                continue
            token = scan.tokens[index]
            finding = self._finding(scan.original, rule, token.start, token.end, None)
            extra.append(replace(finding, confidence=round(probability, 3), tentative=not sure))
        if not extra:
            return findings
        return tuple(sorted((*findings, *extra), key=lambda f: (f.start, f.end)))

    def rules_fired(self, text: str, context: CheckContext | None = None) -> frozenset[str]:
        """Return the id of every rule that fired, before overlapping findings are merged.

        `check` reports one finding per stretch of text and label; this tells which rules saw
        it, for the rules' own examples and for tuning.
        """
        scan, hits = self._hits(text, context)
        return frozenset(
            rule.id for rule, start, end, _ in hits if self._holds(scan, rule, start, end)
        )

    def _hits(self, text: str, context: CheckContext | None) -> tuple[Scan, list[Hit]]:
        context = context or CheckContext()
        scan = Scan(text, context, self.clients, self.vocabulary, self.morph)
        hits: list[Hit] = []
        for matcher, compiled in self._compiled[context.chat]:
            hits.extend(matcher.match(scan, compiled))
        return scan, hits

    def speaks_of_client(self, text: str, context: CheckContext | None = None) -> bool:
        """Tell whether a text speaks of a client (names one, or says «клиент»)."""
        internal = CheckContext(ChatKind.INTERNAL, (context or CheckContext()).client)
        return Scan(text, internal, self.clients, self.vocabulary, self.morph).about_client

    def _findings(self, scan: Scan, hits: list[Hit]) -> tuple[Finding, ...]:
        """Turn hits into findings: one per stretch of text and label, the longest first."""
        # Hits run by start, so a hit overlaps one already taken for its label exactly when it
        # starts before the furthest end taken so far («told you twice» inside «I already told
        # you twice»): one finding, and linear time.
        # A disguise spread over several words («f u c k») is one word: a letter of it read on
        # its own («u» as "you") is no finding of another label.
        reach: dict[Label, int] = {}
        spread_end = -1
        findings = []
        for rule, start, end, suggestion in sorted(hits, key=lambda h: (h[1], h[1] - h[2])):
            if start < reach.get(rule.label, -1) or end <= spread_end:
                continue
            if not self._holds(scan, rule, start, end):
                continue
            reach[rule.label] = end
            if rule.kind is RuleKind.ROOT and _spread(scan.original, start, end):
                spread_end = end
            findings.append(self._finding(scan.original, rule, start, end, suggestion))
        return tuple(findings)

    def _finding(
        self, text: str, rule: Rule, start: int, end: int, suggestion: str | None
    ) -> Finding:
        excerpt = text[start:end]
        rewrites = self._rewrites.get(rule.id)
        rewrite = rewrites.get(excerpt.lower().replace("ё", "е")) if rewrites else None
        return Finding(
            clause=self._cited.get(rule.id, self._clause[rule.label]),
            rule_id=rule.id,
            label=rule.label,
            severity=rule.severity,
            start=start,
            end=end,
            excerpt=excerpt,
            suggestion=rewrite or suggestion or rule.suggest[0],
            note=rule.note,
        )

    def _holds(self, scan: Scan, rule: Rule, start: int, end: int) -> bool:
        """Tell whether a hit passes its rule's conditions and guards.

        A client's name is a name whatever its words say (a brand «Элементарно», a clinic
        «Дуракова»): a hit inside it breaks no clause, except the leak rules that look for names.
        """
        if rule.label is not Label.CONFIDENTIALITY and _inside_client_name(scan, start, end):
            return False
        if not _conditions_hold(scan, rule, start):
            return False
        guard = self._guards.get(rule.id)
        return guard is None or guard.allows(scan, start, end)


@dataclass(frozen=True, slots=True)
class Guard:
    """What cancels a rule's hit: a word of the innocent sense nearby, or a set phrase around it."""

    innocent_words: frozenset[str] = frozenset()
    set_phrases: re.Pattern[str] | None = None
    anywhere: bool = False  # a set phrase anywhere in the message cancels the hit

    def allows(self, scan: Scan, start: int, end: int) -> bool:
        """Tell whether the hit at [start, end) in the original text stands."""
        if self.innocent_words and self._innocent_nearby(scan, start):
            return False
        if self.set_phrases is None:
            return True
        normalized = scan.normalized
        if self.anywhere:
            return self.set_phrases.search(normalized.text) is None
        for match in self.set_phrases.finditer(normalized.text):
            first, last = normalized.span(*match.span())
            if first <= start and end <= last:
                return False
        return True

    def _innocent_nearby(self, scan: Scan, start: int) -> bool:
        """Tell whether a word of the innocent sense is in the message, the hit itself aside
        («сучка» is a form of «сучок» too, and must not clear itself)."""
        near = self.innocent_words & scan.words
        if not near:
            return False
        token = _token_at(scan, start)
        return token is None or bool(near - {token.norm})


# Kinds whose matchers read their own `exceptions` (words or set phrases); for the others the
# exceptions are set phrases around the hit, checked here; for two phrases together, anywhere in
# the message («…рассказать не можем» cancels what the refusal names).
_OWN_EXCEPTIONS = frozenset({RuleKind.ROOT, RuleKind.GRAMMAR, RuleKind.MENTION})
_ANYWHERE = frozenset({RuleKind.TOGETHER})


def _compile_guards(rules: Iterable[Rule], morph: Morph) -> dict[str, Guard]:
    guards = {}
    for rule in rules:
        phrases = rule.exceptions if rule.kind not in _OWN_EXCEPTIONS else ()
        if rule.unless_near or phrases:
            words = frozenset(form for lemma in rule.unless_near for form in morph.forms(lemma))
            guards[rule.id] = Guard(words, alternation(phrases), rule.kind in _ANYWHERE)
    return guards


def _conditions_hold(scan: Scan, rule: Rule, start: int) -> bool:
    token: Token | None = None
    for condition in rule.conditions:
        if condition is Condition.ABOUT_CLIENT and not scan.about_client:
            return False
        if condition is Condition.SELF_REFERENCE and not scan.self_reference:
            return False
        if condition is Condition.UNMITIGATED and scan.mitigated:
            return False
        if condition is Condition.FORMAL_CLIENT and scan.informal_agreed:
            return False
        if condition in _TOKEN_CONDITIONS:
            token = token or _token_at(scan, start)
            if token is None or not _TOKEN_CONDITIONS[condition](scan, token):
                return False
    return True


_TOKEN_CONDITIONS: dict[Condition, Callable[[Scan, Token], bool]] = {
    Condition.VOCATIVE: is_vocative,
    Condition.ADDRESS: is_address,
    Condition.NOT_NAME: lambda scan, token: not is_name(scan, token),
    Condition.OF_PERSON: said_of_person,
    Condition.NOT_SELF: lambda scan, token: not said_of_self(scan, token),
    Condition.CAPITALISED: lambda scan, token: scan.original[token.start : token.end][:1].isupper(),
    Condition.PET_NAME: is_first_name_or_unknown,
    Condition.AFTER_NAME_OR_GREETING: after_name_or_greeting,
    Condition.AGENCY_S_OWN: agency_s_own,
}


def _spread(text: str, start: int, end: int) -> bool:
    """Tell whether a hit spans letters that separators keep apart: «f u c k», «х.у.й»."""
    return any(not c.isalnum() for c in text[start:end])


def _inside_client_name(scan: Scan, start: int, end: int) -> bool:
    """Tell whether [start, end) of the original text lies within a client's name."""
    starts, ends = scan.name_spans
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and end <= ends[i]


def _token_at(scan: Scan, start: int) -> Token | None:
    """Find the token that starts at `start` (tokens run left to right: bisect)."""
    tokens = scan.tokens
    i = bisect.bisect_left(tokens, start, key=lambda t: t.start)
    return tokens[i] if i < len(tokens) and tokens[i].start == start else None


def build_checker(
    clients: Iterable[Client] = (),
    morph: Morph | None = None,
    *,
    learned: bool = True,
    own: OwnRules | None = None,
) -> Checker:
    """Load the shipped rules (and the learned layer, unless told not to) for a registry.

    With `own`, the agency's folder of rules is added and the rules it switches off are left out
    (`rules.own`); its examples are not run here: `rules.own.verified` does that at start-up.
    """
    morph = morph or shared_morph()
    model = load_model(data_dir() / "model.json") if learned else None
    ruleset = load_ruleset(is_lemma=morph.is_lemma)
    if own is not None:
        ruleset = with_own(ruleset, own, morph.is_lemma)
    return Checker(ruleset, morph, clients, learned=model)
