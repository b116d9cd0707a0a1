"""Every rule's own examples, run: a `match` text must be found by its rule, an `ok` text not.

`kodeks rules test` runs them all, the agency's included; start-up runs the agency's (its own
rules, and the shipped rules it extended, with their shipped examples too), so a rule that does
not do what its file says stops the bot before the first message. `todo_match` texts are hopes,
not promises: the test suite holds them to `xfail`, and nothing here runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rules.errors import RulesError
from rules.model import ChatKind, CheckContext, Client, Examples, Rule, RuleKind

if TYPE_CHECKING:
    from rules.engine import Checker

# The registry the examples are written for: a client chat of Ромашка, the others named in it.
EXAMPLE_CLIENTS = (
    Client("Ромашка", ("ТМ «Ромашка»", "Romashka")),
    Client("Берёзка Групп", ("Берёзка", "Berezka")),
    Client("Лисичкин", ("ГК «Лисичкин»", "Lisichkin")),
    Client("Ласточка", ("авиакомпания «Ласточка»", "Lastochka", "lastochka.ru")),
    Client("Колос", ("пекарни «Колос»", "КЛС")),
)
Expect = Literal["match", "ok"]


@dataclass(frozen=True, slots=True)
class Case:
    """One example of one rule, and where it is written."""

    rule: Rule
    text: str
    expect: Expect
    origin: str  # the file and line of the rule or `[[extend]]` entry that holds it


@dataclass(frozen=True, slots=True)
class Failure:
    """An example its rule gets wrong."""

    case: Case

    def describe(self) -> str:
        """Say it as a fix-it line: where, which rule, the text, and what happened."""
        case = self.case
        if case.expect == "match":
            what = "is a `match` example, but the rule does not find it"
        else:
            what = "is an `ok` example, but the rule finds it"
        where = _example_origin(case.origin, case.text)
        return f"{where}: {case.rule.id}: «{case.text}» {what}; fix the example or the patterns"


def cases(checker: Checker, only: frozenset[str] | None = None) -> Iterator[Case]:
    """Yield the examples of the checker's rules (of the rules in `only`, when given)."""
    ruleset = checker.ruleset
    for rule in ruleset.rules:
        if only is None or rule.id in only:
            yield from _of(rule, rule.examples, rule.origin)
    by_id = {r.id: r for r in ruleset.rules}
    for extension in ruleset.extensions:
        yield from _of(by_id[extension.rule_id], extension.examples, extension.origin)


def _of(rule: Rule, examples: Examples, origin: str) -> Iterator[Case]:
    for text in examples.match:
        yield Case(rule, text, "match", origin)
    for text in examples.ok:
        yield Case(rule, text, "ok", origin)


def run(checker: Checker, only: frozenset[str] | None = None) -> tuple[int, list[Failure]]:
    """Run the examples; return how many ran and the ones that failed."""
    examples = _for_examples(checker)
    ran, failures = 0, []
    for case in cases(checker, only):
        ran += 1
        found = case.rule.id in _fired(examples, case.rule, case.text)
        if found != (case.expect == "match"):
            failures.append(Failure(case))
    return ran, failures


def verified(checker: Checker) -> Checker:
    """Return the checker once the agency's examples hold; else refuse, one line per failure."""
    if not checker.ruleset.own:
        return checker
    _, failures = run(checker, checker.ruleset.own)
    if failures:
        raise RulesError("\n".join(f.describe() for f in failures))
    return checker


def context_of(rule: Rule) -> CheckContext:
    """The chat an example is written in: Ромашка's, or an internal one for internal rules."""
    if ChatKind.CLIENT in rule.chat_kinds:
        return CheckContext(ChatKind.CLIENT, "Ромашка")
    return CheckContext(ChatKind.INTERNAL)


def _for_examples(checker: Checker) -> Checker:
    """The checker with the examples' registry, and the agency's clients the examples lack."""
    named = {c.name.casefold() for c in EXAMPLE_CLIENTS}
    agency = [c for c in checker.clients.clients if c.name.casefold() not in named]
    return checker.with_clients((*EXAMPLE_CLIENTS, *agency))


def _fired(checker: Checker, rule: Rule, text: str) -> set[str]:
    if rule.kind is RuleKind.LEARNED:  # the learned layer, likely findings included
        findings = checker.check(text, context_of(rule), tentative=True)
        return {f.rule_id for f in findings}
    return set(checker.rules_fired(text, context_of(rule)))


def _example_origin(origin: str, text: str) -> str:
    """Point at the example's own line: the first line after the entry's that holds its text."""
    path, _, line = origin.rpartition(":")
    if not path or not line.isdigit():
        return origin
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return origin
    start = int(line)
    found = next((i for i, t in enumerate(lines[start - 1 :], start) if text in t), start)
    return f"{path}:{found}"
