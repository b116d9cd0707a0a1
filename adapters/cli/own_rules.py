"""`kodeks rules test` and `kodeks rules list`: the rules the bot would run, the agency's included.

`test` runs every rule's own `match` and `ok` examples, one line per failure (where, which rule,
the text, what happened) and exit 1 on any; `list` prints each rule's id (what `[rules] off`
takes), label, kind and file, and each clause's number.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeAlias

from adapters.cli.configured import load_agency
from bot.domain.agency import AgencyConfig
from rules import Checker, RuleSet, build_checker, load_ruleset
from rules.examples import run
from rules.own import with_own

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
EXIT_PASSED, EXIT_FAILED = 0, 1


def add_rules(commands: Commands) -> None:
    """Add `rules test` and `rules list`."""
    about = "test and list the rules, the agency's own included"
    rules = commands.add_parser("rules", help=about, description=about.capitalize() + ".")
    actions = rules.add_subparsers(required=True, metavar="ACTION")
    about = "run every rule's own match and ok examples"
    test = actions.add_parser(
        "test",
        help=about,
        description=about.capitalize() + ", the agency's rules (agency.toml [rules]) included.",
        epilog="Exit status: 0 every example holds, 1 some failed, 2 a file is refused.",
    )
    about = "list the clauses and every rule's id, label, kind and file"
    listing = actions.add_parser("list", help=about, description=about.capitalize() + ".")
    for parser in (test, listing):
        parser.add_argument(
            "--config", type=Path, help="agency.toml (default: KODEKS_CONFIG or ./agency.toml)"
        )
    test.set_defaults(run=run_rules_test)
    listing.set_defaults(run=run_rules_list)


def _checker(config: AgencyConfig) -> Checker:
    # Not `rulebook.checker_for`: that refuses a failing example, and here each is reported.
    return build_checker(config.registry(), own=config.rules.to_own())


def run_rules_test(args: argparse.Namespace) -> int:
    """Run the examples; print each failure and a summary; exit 1 on any failure."""
    checker = _checker(load_agency(args.config))
    ran, failures = run(checker)
    for failure in failures:
        sys.stdout.write(failure.describe() + "\n")
    ruleset = checker.ruleset
    own = f", {len(ruleset.own)} of the agency's" if ruleset.own else ""
    sys.stdout.write(
        f"{ran} examples of {len(ruleset.rules)} rules{own}: "
        + (f"{len(failures)} failed\n" if failures else "all hold\n")
    )
    return EXIT_FAILED if failures else EXIT_PASSED


def run_rules_list(args: argparse.Namespace) -> int:
    """Print the clauses, then one line per rule."""
    # Only the files: the listing needs no dictionary and no compiled checker.
    own = load_agency(args.config).rules.to_own()
    shipped: RuleSet = load_ruleset()
    ruleset = shipped if own is None else with_own(shipped, own)
    lines = [f"{c.number}. {c.title} ({c.id})" for c in ruleset.clauses]
    lines += [f"{r.id}  {r.label.value}  {r.kind.value}  {r.origin}" for r in ruleset.rules]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_PASSED
