"""Errors of the checker: bad data stops start-up with a message that says what to fix."""


class RulesError(Exception):
    """A rules or registry file is broken; the message says where and how to fix it."""
