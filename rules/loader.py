"""Load the code of conduct and the detectors' rules from TOML files, checking every field.

A broken file stops the bot at start-up with a message that says what to fix and where, never at
the first message. TOML rather than YAML: the standard library reads it and `agency.toml` is TOML
too, so the agency edits one format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from rules.errors import RulesError
from rules.model import (
    ChatKind,
    Clause,
    Condition,
    Examples,
    Extension,
    Label,
    Rule,
    RuleKind,
    Severity,
)

_RULE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+\Z")
_KNOWN_FIELDS = frozenset(
    {
        "id", "label", "kind", "patterns", "severity", "suggest", "note", "source",
        "exceptions", "forms", "rewrite", "chat_kinds", "conditions", "max_gap", "examples",
        "unless_near", "clause",
    }
)  # fmt: skip
_REGEX_KINDS = frozenset({RuleKind.ROOT})
_NOT_RULES = frozenset({"clauses.toml", "vocabulary.toml"})
_E = TypeVar("_E", Label, RuleKind, Severity, ChatKind, Condition)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The code's clauses and every detector rule, validated."""

    clauses: tuple[Clause, ...]
    rules: tuple[Rule, ...]
    # What an agency's own folder brought (`rules.own`): words added to shipped rules, and the
    # ids of its own rules and of the shipped rules it extended, whose examples start-up runs.
    extensions: tuple[Extension, ...] = ()
    own: frozenset[str] = frozenset()

    def clause(self, number: int) -> Clause | None:
        """Return the clause with this number, if there is one."""
        return next((c for c in self.clauses if c.number == number), None)

    def clause_for(self, label: Label) -> Clause:
        """Return the clause a label's findings cite."""
        return next(c for c in self.clauses if label in c.labels)


def data_dir() -> Path:
    """Return the folder of the data files shipped with the package."""
    return Path(str(resources.files("rules") / "data"))


def load_ruleset(
    folder: Path | None = None, is_lemma: Callable[[str], bool] | None = None
) -> RuleSet:
    """Load `clauses.toml` and every other `*.toml` rule file of `folder`."""
    folder = folder or data_dir()
    clauses = load_clauses(folder / "clauses.toml")
    rules: list[Rule] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name not in _NOT_RULES:
            rules.extend(load_rule_file(path, is_lemma))
    check_unique(rules)
    check_cited(rules, clauses)
    labels = {label for clause in clauses for label in clause.labels}
    for label in Label:
        if label not in labels:
            msg = f"clauses.toml: no clause lists the label '{label}'; add it to one's `labels`"
            raise RulesError(msg)
    return RuleSet(tuple(clauses), tuple(rules))


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a data file; a syntax error names the file and its line, as an editor shows it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        msg = f"{path}: cannot read the file ({error.strerror}); check the path"
        raise RulesError(msg) from error
    except tomllib.TOMLDecodeError as error:
        # tomllib says the line only inside its message: «… (at line 7, column 3)».
        line = re.search(r"at line (\d+)", str(error))
        at = f":{line.group(1)}" if line else ""
        msg = f"{path}{at}: not valid TOML ({error}); fix the syntax there"
        raise RulesError(msg) from error


def load_clauses(path: Path, first: int = 1) -> list[Clause]:
    """Read the numbered clauses of the code of conduct; the first has the number `first`."""
    source = path.read_text(encoding="utf-8")
    entries = read_toml(path).get("clause", [])
    clauses = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}:{entry_line(source, 'clause', n)}: clause #{n}"
        clause = _to_clause(where, entry)
        expected = first + n - 1
        if clause.number != expected:
            shipped = f" (the shipped code ends at {first - 1})" if first > 1 else ""
            msg = (
                f"{where}: number = {clause.number}, but clauses are numbered {first}, "
                f"{first + 1}, … in order{shipped}; write number = {expected}"
            )
            raise RulesError(msg)
        clauses.append(clause)
    return clauses


def entry_line(source: str, table: str, n: int) -> int:
    """Return the line of the n-th `[[table]]` header of a file (1 when there is none)."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    found = (i for i, text in enumerate(source.splitlines(), 1) if header.match(text))
    return next((line for k, line in enumerate(found, 1) if k == n), 1)


def _to_clause(where: str, entry: dict[str, Any]) -> Clause:
    for name in ("id", "number", "title", "text"):
        if name not in entry:
            msg = f"{where}: the field '{name}' is missing; add it"
            raise RulesError(msg)
    return Clause(
        id=str(entry["id"]),
        number=int(entry["number"]),
        title=str(entry["title"]),
        title_en=str(entry.get("title_en", "")),
        text=str(entry["text"]).strip(),
        labels=tuple(_enum(Label, label, f"{where} labels") for label in entry.get("labels", [])),
    )


def load_rule_file(path: Path, is_lemma: Callable[[str], bool] | None = None) -> list[Rule]:
    """Read and validate the `[[rule]]` entries of one data file."""
    entries = read_toml(path).get("rule", [])
    if not entries:
        msg = f"{path}: no [[rule]] entries; add some or remove the file"
        raise RulesError(msg)
    return rule_entries(path, entries, is_lemma)


def rule_entries(
    path: Path, entries: list[dict[str, Any]], is_lemma: Callable[[str], bool] | None
) -> list[Rule]:
    """Validate the `[[rule]]` entries read from `path`, each marked with where it is written."""
    source = path.read_text(encoding="utf-8")
    rules = []
    for n, entry in enumerate(entries, 1):
        line = _line_of_rule(source, n, entry)
        _refuse_unknown(path, source, line, n, entry)
        origin = f"{path}:{line}"
        where = f"{origin}: rule #{n}" + (f" ({entry['id']})" if entry.get("id") else "")
        rule = replace(_to_rule(where, entry), origin=origin)
        check_patterns(where, rule, is_lemma)
        rules.append(rule)
    return rules


def _line_of_rule(source: str, n: int, entry: dict[str, Any]) -> int:
    """The line of the rule's id, or of its `[[rule]]` header when it has none."""
    rule_id = entry.get("id")
    line = next(
        (i for i, text in enumerate(source.splitlines(), 1) if rule_id and f'"{rule_id}"' in text),
        None,
    )
    return line or entry_line(source, "rule", n)


def _refuse_unknown(path: Path, source: str, line: int, n: int, entry: dict[str, Any]) -> None:
    """Refuse a misspelt field, naming the line it is written on (after the rule's own)."""
    unknown = sorted(set(entry) - _KNOWN_FIELDS)
    if not unknown:
        return
    key = re.compile(rf"^\s*{re.escape(unknown[0])}\s*=")
    lines = source.splitlines()
    at = next((i for i, text in enumerate(lines[line - 1 :], line) if key.match(text)), line)
    rule = f" ({entry['id']})" if entry.get("id") else ""
    msg = (
        f"{path}:{at}: rule #{n}{rule}: unknown field(s) {unknown};"
        f" use only {sorted(_KNOWN_FIELDS)}"
    )
    raise RulesError(msg)


def _to_rule(where: str, entry: dict[str, Any]) -> Rule:
    for name in ("id", "label", "kind", "suggest"):
        if not entry.get(name):
            msg = f"{where}: the field '{name}' is missing or empty; add it"
            raise RulesError(msg)
    rule_id = str(entry["id"])
    if not _RULE_ID.match(rule_id):
        msg = f"{where}: id '{rule_id}' must be kebab-case with a prefix, like 'rude-mat-root'"
        raise RulesError(msg)
    return Rule(
        id=rule_id,
        label=_enum(Label, entry["label"], f"{where} label"),
        kind=_enum(RuleKind, entry["kind"], f"{where} kind"),
        patterns=_strings(where, "patterns", entry.get("patterns", [])),
        severity=_enum(Severity, entry.get("severity", "medium"), f"{where} severity"),
        suggest=_strings(where, "suggest", entry["suggest"]),
        note=str(entry.get("note", "")),
        source=str(entry.get("source", "")),
        exceptions=_strings(where, "exceptions", entry.get("exceptions", [])),
        forms=_strings(where, "forms", entry.get("forms", [])),
        rewrite=tuple((str(k), str(v)) for k, v in entry.get("rewrite", {}).items()),
        chat_kinds=frozenset(
            _enum(ChatKind, k, f"{where} chat_kinds") for k in entry.get("chat_kinds", ChatKind)
        ),
        conditions=frozenset(
            _enum(Condition, c, f"{where} conditions") for c in entry.get("conditions", [])
        ),
        max_gap=int(entry.get("max_gap", 0)),
        unless_near=_strings(where, "unless_near", entry.get("unless_near", [])),
        examples=to_examples(where, entry.get("examples", {})),
        clause=str(entry["clause"]) if "clause" in entry else None,
    )


def to_examples(where: str, entry: dict[str, Any]) -> Examples:
    """Read a rule's `[rule.examples]` table."""
    unknown = set(entry) - {"match", "ok", "todo_match"}
    if unknown:
        msg = f"{where}: examples take only match, ok and todo_match; remove {sorted(unknown)}"
        raise RulesError(msg)
    return Examples(
        match=_strings(where, "examples.match", entry.get("match", [])),
        ok=_strings(where, "examples.ok", entry.get("ok", [])),
        todo_match=_strings(where, "examples.todo_match", entry.get("todo_match", [])),
    )


def _strings(where: str, name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        msg = f"{where}: '{name}' must be a list of non-empty strings"
        raise RulesError(msg)
    return tuple(value)


def _enum(kind: type[_E], value: Any, where: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        msg = f"{where}: '{value}' is not known; use one of: {allowed}"
        raise RulesError(msg) from None


def check_patterns(where: str, rule: Rule, is_lemma: Callable[[str], bool] | None) -> None:
    """Refuse a rule whose patterns its kind cannot use (bad regexes, lemmas not in normal form)."""
    if not rule.patterns and rule.kind not in (RuleKind.CAPS, RuleKind.LEARNED):
        msg = f"{where}: 'patterns' is empty; a {rule.kind} rule needs at least one"
        raise RulesError(msg)
    # Exceptions are regexes for every kind that has them; root patterns are regexes too.
    for pattern in (*(rule.patterns if rule.kind in _REGEX_KINDS else ()), *rule.exceptions):
        compile_regex(where, pattern)
    if is_lemma is not None and rule.kind is RuleKind.LEMMA:
        for lemma in rule.patterns:
            if not is_lemma(lemma.rstrip("*")):
                msg = f"{where}: '{lemma}' is not in normal form; write the dictionary form"
                raise RulesError(msg)


def alternation(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """Compile regexes (checked at load) into one alternation; None when there are none."""
    listed = list(patterns)
    return re.compile("|".join(f"(?:{p})" for p in listed)) if listed else None


def compile_regex(where: str, pattern: str) -> re.Pattern[str]:
    """Compile one regex of a data file, or say where it is and why it does not compile."""
    try:
        return re.compile(pattern)
    except re.error as error:
        msg = f"{where}: the regex '{pattern}' does not compile ({error}); fix it"
        raise RulesError(msg) from error


def check_cited(rules: Iterable[Rule], clauses: Iterable[Clause]) -> None:
    """Refuse a rule whose `clause` names no clause of the code."""
    known = {c.id for c in clauses}
    for rule in rules:
        if rule.clause is not None and rule.clause not in known:
            msg = (
                f"{rule.origin}: rule {rule.id}: clause = '{rule.clause}' names no clause;"
                f" use one of: {', '.join(sorted(known))}"
            )
            raise RulesError(msg)


def check_unique(rules: Iterable[Rule]) -> None:
    """Refuse an id used twice, or a pattern in two rules."""
    seen_ids: set[str] = set()
    seen_patterns: dict[tuple[RuleKind, str], str] = {}
    for rule in rules:
        if rule.id in seen_ids:
            msg = f"{rule.origin}: rule id '{rule.id}' is used twice; ids are never reused,"
            msg += " pick a new one"
            raise RulesError(msg)
        seen_ids.add(rule.id)
        for pattern in rule.patterns:
            key = (rule.kind, pattern.lower())
            other = seen_patterns.setdefault(key, rule.id)
            if other != rule.id:
                msg = (
                    f"{rule.origin}: pattern '{pattern}' is in both '{other}' and '{rule.id}';"
                    " keep it in one"
                )
                raise RulesError(msg)
