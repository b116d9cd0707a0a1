"""The checker an agency's config asks for: the shipped rules, the agency's own, its registry.

Every way in builds it here (`kodeks run`'s composition root, `kodeks check`, `kodeks scan`,
`kodeks eval` on a corpus whose agency.toml has `[rules]`), so `/check`, passive monitoring and
the command line judge alike. The agency's examples run before it is handed out: a rule that
does not find its own `match` text stops start-up with the file and line, not the first message.
"""

from __future__ import annotations

from bot.domain.agency import AgencyConfig
from rules import Checker, build_checker, verified


def checker_for(config: AgencyConfig, *, learned: bool = True) -> Checker:
    """Build the checker for `config`, its agency's examples verified; raise `RulesError`."""
    own = config.rules.to_own()
    return verified(build_checker(config.registry(), learned=learned, own=own))
