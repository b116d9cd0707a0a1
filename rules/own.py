"""An agency's own rules: a folder of rule files beside `agency.toml`, on top of the shipped ones.

The code of conduct ends «Комплаенс дополняется…»: an agency that installed kodeks adds clauses,
words and phrases here, never in the installed package. The folder takes the format of
`rules/data`, validated the same way, errors naming the file and line:

- `clauses.toml`: `[[clause]]` entries that continue the shipped numbering. The file says each
  number and a wrong one is refused (the first is 12 when the code has 11), so `/code 12` never
  means two things, and a shipped clause added by an upgrade is a loud error, not a silent shift.
  They list no `labels`: a rule cites an agency clause by its id instead (`clause = "…"`).
- any other `*.toml`: `[[rule]]` entries, as in the shipped files, each with `match` and `ok`
  examples; and `[[extend]]` entries, patterns added to a shipped rule (`rule = "<id>"`).

Shipped rules are switched off by id (`off`). Nothing here runs the examples: that needs the
compiled checker (`rules.examples.verified`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rules.errors import RulesError
from rules.loader import (
    RuleSet,
    check_cited,
    check_patterns,
    check_unique,
    entry_line,
    load_clauses,
    read_toml,
    rule_entries,
    to_examples,
)
from rules.model import Clause, Examples, Extension, Rule

_CLAUSES = "clauses.toml"
_TABLES = frozenset({"rule", "extend"})
_EXTEND_FIELDS = frozenset({"rule", "patterns", "examples"})

IsLemma = Callable[[str], bool] | None


@dataclass(frozen=True, slots=True)
class OwnRules:
    """Where an agency keeps its own rule files, and the shipped rules it switched off."""

    folder: Path | None = None
    off: tuple[str, ...] = ()


def with_own(base: RuleSet, own: OwnRules, is_lemma: IsLemma = None) -> RuleSet:
    """Return the shipped rule set with the agency's folder added and its `off` rules left out."""
    rules = _switched_off(base.rules, own.off)
    if own.folder is None:
        return replace(base, rules=rules)
    folder = own.folder
    if not folder.is_dir():
        msg = f"{folder}: no such folder of rules; create it or fix [rules] folder in agency.toml"
        raise RulesError(msg)
    clauses = (*base.clauses, *_own_clauses(folder / _CLAUSES, base.clauses))
    added: list[Rule] = []
    extensions: list[Extension] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name != _CLAUSES:
            file_rules, file_extensions = _rule_file(path, is_lemma)
            added += file_rules
            extensions += file_extensions
    _refuse_shipped_prefixes(added, base.rules)
    rules = _extended(rules, extensions, is_lemma)
    merged = (*rules, *added)
    check_unique(merged)
    check_cited(merged, clauses)
    own_ids = frozenset(r.id for r in added) | {e.rule_id for e in extensions}
    return RuleSet(tuple(clauses), merged, tuple(extensions), own_ids)


def _switched_off(rules: tuple[Rule, ...], off: Iterable[str]) -> tuple[Rule, ...]:
    off = frozenset(off)
    unknown = sorted(off - {r.id for r in rules})
    if unknown:
        msg = f"[rules] off names no shipped rule: {', '.join(unknown)}; check the ids"
        raise RulesError(msg)
    return tuple(r for r in rules if r.id not in off)


def _refuse_shipped_prefixes(added: Iterable[Rule], shipped: Iterable[Rule]) -> None:
    """Keep the agency's ids out of the shipped families: a later release may take the id, and
    the learned layer reads a rule's family («rude-insult») as a feature of its own."""
    prefixes = {rule.id.split("-")[0] for rule in shipped}
    for rule in added:
        prefix = rule.id.split("-")[0]
        if prefix in prefixes:
            msg = (
                f"{rule.origin}: rule {rule.id}: '{prefix}-' is a prefix of the shipped rules;"
                " give the agency's rules a prefix of its own, like 'sv-promise-…'"
            )
            raise RulesError(msg)


def _own_clauses(path: Path, shipped: tuple[Clause, ...]) -> list[Clause]:
    """Read the agency's clauses, numbered on from the shipped code's last."""
    if not path.exists():
        return []
    clauses = load_clauses(path, first=len(shipped) + 1)
    source = path.read_text(encoding="utf-8")
    taken = {c.id for c in shipped}
    for n, clause in enumerate(clauses, 1):
        where = f"{path}:{entry_line(source, 'clause', n)}: clause #{n} ({clause.id})"
        if clause.id in taken:
            msg = f"{where}: the id '{clause.id}' is taken; pick one the code does not use"
            raise RulesError(msg)
        if clause.labels:
            msg = (
                f"{where}: an agency's clause lists no labels; remove `labels` and cite it from"
                f' its rules with clause = "{clause.id}"'
            )
            raise RulesError(msg)
        taken.add(clause.id)
    return clauses


def _rule_file(path: Path, is_lemma: IsLemma) -> tuple[list[Rule], list[Extension]]:
    """Read one of the agency's rule files: its `[[rule]]` and `[[extend]]` entries."""
    data = read_toml(path)
    unknown = sorted(set(data) - _TABLES)
    if unknown:
        msg = f"{path}: unknown table(s) {unknown}; a rule file holds [[rule]] and [[extend]]"
        raise RulesError(msg)
    if not data:
        msg = f"{path}: no [[rule]] or [[extend]] entries; add some or remove the file"
        raise RulesError(msg)
    rules = rule_entries(path, data.get("rule", []), is_lemma)
    for rule in rules:
        _require_examples(f"{rule.origin}: rule {rule.id}", rule.examples)
    source = path.read_text(encoding="utf-8")
    extensions = [
        _extension(f"{path}:{entry_line(source, 'extend', n)}", entry)
        for n, entry in enumerate(data.get("extend", []), 1)
    ]
    return rules, extensions


def _extension(origin: str, entry: dict[str, Any]) -> Extension:
    where = f"{origin}: [[extend]]"
    unknown = sorted(set(entry) - _EXTEND_FIELDS)
    if unknown:
        msg = f"{where}: unknown field(s) {unknown}; use only {sorted(_EXTEND_FIELDS)}"
        raise RulesError(msg)
    patterns = entry.get("patterns")
    if not entry.get("rule") or not patterns:
        msg = f'{where}: name the shipped rule (rule = "…") and the patterns it gains'
        raise RulesError(msg)
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        msg = f"{where}: 'patterns' must be a list of non-empty strings"
        raise RulesError(msg)
    examples = to_examples(where, entry.get("examples", {}))
    _require_examples(where, examples)
    return Extension(str(entry["rule"]), tuple(patterns), examples, origin)


def _require_examples(where: str, examples: Examples) -> None:
    # The shipped rules' examples are enforced by the test suite; an agency has none, so the
    # loader asks for them: they are what `kodeks rules test` and start-up check.
    if not examples.match or not examples.ok:
        msg = f"{where}: add examples: at least one `match` and one `ok` text ([rule.examples])"
        raise RulesError(msg)


def _extended(
    rules: tuple[Rule, ...], extensions: Iterable[Extension], is_lemma: IsLemma
) -> tuple[Rule, ...]:
    """Add each extension's patterns to its shipped rule, checked as the rule's kind needs."""
    by_id = {r.id: r for r in rules}
    for extension in extensions:
        where = f"{extension.origin}: [[extend]] of {extension.rule_id}"
        rule = by_id.get(extension.rule_id)
        if rule is None:
            msg = f"{where}: no shipped rule has this id (or [rules] off switched it off)"
            raise RulesError(msg)
        repeated = sorted(set(extension.patterns) & set(rule.patterns))
        if repeated:
            msg = f"{where}: the rule has {repeated} already; remove them here"
            raise RulesError(msg)
        grown = replace(rule, patterns=(*rule.patterns, *extension.patterns))
        check_patterns(where, grown, is_lemma)
        by_id[rule.id] = grown
    return tuple(by_id[r.id] for r in rules)
