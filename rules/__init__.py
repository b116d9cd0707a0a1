"""The code of conduct as data, and the pure checker that applies it.

`build_checker(clients).check(text, CheckContext(...))` returns findings with exact spans.
"""

from rules.engine import Checker, build_checker
from rules.errors import RulesError
from rules.examples import verified
from rules.loader import RuleSet, load_ruleset
from rules.model import (
    ChatKind,
    CheckContext,
    Clause,
    Client,
    Finding,
    Label,
    Rule,
    RuleKind,
    Severity,
)
from rules.own import OwnRules

__all__ = [
    "ChatKind",
    "CheckContext",
    "Checker",
    "Clause",
    "Client",
    "Finding",
    "Label",
    "OwnRules",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RulesError",
    "Severity",
    "build_checker",
    "load_ruleset",
    "verified",
]
