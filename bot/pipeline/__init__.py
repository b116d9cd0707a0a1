"""One message's way: cheap exits, resolver, check, policy, record, nudge; and the commands."""
