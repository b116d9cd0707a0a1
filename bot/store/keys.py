"""Every Redis key kodeks uses, built in one place.

Keys one atomic step touches share a hash tag (`{telegram:42}`), so the same scripts run on
Redis Cluster. Every key has a TTL except configuration, which lives under `kodeks:cfg:`.
"""

from __future__ import annotations

PREFIX = "kodeks"
CONFIG_PREFIX = f"{PREFIX}:cfg:"


def _tag(platform: str, owner: str) -> str:
    return f"{PREFIX}:{{{platform}:{owner}}}"


def event(platform: str, user_id: str, chat_id: str, event_id: str) -> str:
    """The claim on a delivery: a re-delivered event finds it taken.

    Tagged by the author, like the warnings it is recorded with in one script.
    """
    return f"{_tag(platform, user_id)}:event:{chat_id}:{event_id}"


def claim(platform: str, user_id: str, chat_id: str, message_id: str, rule_id: str) -> str:
    """The claim on one finding of one message: an edit that keeps it does not count again."""
    return f"{_tag(platform, user_id)}:claim:{chat_id}:{message_id}:{rule_id}"


def warnings(platform: str, user_id: str, clause: int) -> str:
    """A sorted set of the author's warnings under one clause, scored by time."""
    return f"{_tag(platform, user_id)}:warn:{clause}"


def nudge_window(platform: str, user_id: str, clause: int) -> str:
    """Set while the author may not be nudged again about the clause."""
    return f"{_tag(platform, user_id)}:nudged:{clause}"


def held(platform: str, user_id: str) -> str:
    """Nudges waiting until the platform lets the bot write to the author."""
    return f"{_tag(platform, user_id)}:held"


def check_rate(platform: str, user_id: str) -> str:
    """The author's `/check` calls in the current minute."""
    return f"{_tag(platform, user_id)}:checks"


def nudge_token(token: str) -> str:
    """What a feedback button refers to: the rule and the ids of one nudge."""
    return f"{PREFIX}:nudge:{token}"


def audit() -> str:
    """The stream of findings: ids, clause, rule and time, no text."""
    return f"{PREFIX}:audit"


def feedback() -> str:
    """Per rule, how often employees said «это не нарушение»."""
    return f"{PREFIX}:feedback"


def binding(platform: str, chat_id: str) -> str:
    """An admin's binding of a chat to a kind and a client (configuration: no TTL)."""
    return f"{CONFIG_PREFIX}bind:{platform}:{chat_id}"


def staff(platform: str) -> str:
    """Members of internal chats, learnt as they write (configuration: no TTL)."""
    return f"{CONFIG_PREFIX}staff:{platform}"


# Attentiveness: every key one of its scripts touches carries the same tag, `{attn}`, so they
# share one Cluster slot (one agency's waits fit one shard easily).
_ATTN = f"{PREFIX}:{{attn}}"


def wait_id(platform: str, chat_id: str, thread_id: str | None) -> str:
    """One wait per chat, or per thread in it: a client's question nobody answered yet."""
    return f"{platform}:{chat_id}:{thread_id or '-'}"


def waits_due() -> str:
    """A sorted set of wait ids, scored by when each is next due (ms since the epoch)."""
    return f"{_ATTN}:due"


def wait(wid: str) -> str:
    """One wait: who asked where and when, its SLA, and how far it has gone (a hash)."""
    return f"{_ATTN}:wait:{wid}"


def last_staff(platform: str, chat_id: str) -> str:
    """The staff member who last spoke in a client chat: answers when nobody is configured."""
    return f"{_ATTN}:last:{platform}:{chat_id}"


def answered() -> str:
    """A sorted set of answered questions (chat, working seconds, within SLA), scored by time."""
    return f"{_ATTN}:answered"
