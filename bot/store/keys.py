"""Every Redis key kodeks uses, built in one place: `Keys(prefix)`, one method per key.

Keys one atomic step touches share a hash tag (`{telegram:42}`), so the same scripts run on
Redis Cluster. Every key has a TTL except configuration, which lives under `<prefix>:cfg:`. The
prefix is `kodeks` in production; tests sharing one Redis give each store a prefix of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREFIX = "kodeks"


def wait_id(platform: str, chat_id: str, thread_id: str | None) -> str:
    """One wait per chat, or per thread in it: a client's question nobody answered yet."""
    return f"{platform}:{chat_id}:{thread_id or '-'}"


def chat_of_wait(wid: str) -> tuple[str, str]:
    """The platform and chat of a wait id (chat ids may hold colons; thread ids do not)."""
    platform, _, rest = wid.partition(":")
    return platform, rest.rpartition(":")[0]


@dataclass(frozen=True, slots=True)
class Keys:
    """The key builder of one store: the keys of one owner are methods, the store's own fields."""

    prefix: str = PREFIX
    config_prefix: str = field(init=False)  # configuration: the only keys without a TTL
    audit: str = field(init=False)  # the stream of findings: ids, clause, rule and time, no text
    feedback: str = field(init=False)  # per rule, how often staff said «это не нарушение»
    # Attentiveness: every key one of its scripts touches carries the same tag, `{attn}`, so
    # they share one Cluster slot (one agency's waits fit one shard easily).
    waits_due: str = field(init=False)  # wait ids, scored by when each is next due (ms)
    answered: str = field(init=False)  # answered questions (chat, seconds, within SLA), by time

    def __post_init__(self) -> None:
        attn = f"{self.prefix}:{{attn}}"
        built = {
            "config_prefix": f"{self.prefix}:cfg:", "audit": f"{self.prefix}:audit",
            "feedback": f"{self.prefix}:feedback", "waits_due": f"{attn}:due",
            "answered": f"{attn}:answered",
        }  # fmt: skip
        for name, key in built.items():
            object.__setattr__(self, name, key)  # frozen: set once, here

    def _tag(self, platform: str, owner: str) -> str:
        return f"{self.prefix}:{{{platform}:{owner}}}"

    def event(self, platform: str, user_id: str, chat_id: str, event_id: str) -> str:
        """The claim on a delivery: a re-delivered event finds it taken.

        Tagged by the author, like the warnings it is recorded with in one script.
        """
        return f"{self._tag(platform, user_id)}:event:{chat_id}:{event_id}"

    def claim(
        self, platform: str, user_id: str, chat_id: str, message_id: str, rule_id: str
    ) -> str:
        """The claim on one finding of one message: an edit that keeps it does not count again."""
        return f"{self._tag(platform, user_id)}:claim:{chat_id}:{message_id}:{rule_id}"

    def warnings(self, platform: str, user_id: str, clause: int) -> str:
        """A sorted set of the author's warnings under one clause, scored by time."""
        return f"{self._tag(platform, user_id)}:warn:{clause}"

    def nudge_window(self, platform: str, user_id: str, clause: int) -> str:
        """Set while the author may not be nudged again about the clause."""
        return f"{self._tag(platform, user_id)}:nudged:{clause}"

    def held(self, platform: str, user_id: str) -> str:
        """Nudges waiting until the platform lets the bot write to the author."""
        return f"{self._tag(platform, user_id)}:held"

    def check_rate(self, platform: str, user_id: str) -> str:
        """The author's `/check` calls in the current minute."""
        return f"{self._tag(platform, user_id)}:checks"

    def nudge_token(self, token: str) -> str:
        """What a feedback button refers to: the rule and the ids of one nudge."""
        return f"{self.prefix}:nudge:{token}"

    def binding(self, platform: str, chat_id: str) -> str:
        """An admin's binding of a chat to a kind and a client (configuration: no TTL)."""
        return f"{self.config_prefix}bind:{platform}:{chat_id}"

    def staff(self, platform: str) -> str:
        """Members of internal chats, learnt as they write (configuration: no TTL)."""
        return f"{self.config_prefix}staff:{platform}"

    def wait(self, wid: str) -> str:
        """One wait: who asked where and when, its SLA, and how far it has gone (a hash)."""
        return f"{self.prefix}:{{attn}}:wait:{wid}"

    def last_staff(self, platform: str, chat_id: str) -> str:
        """The staff member who last spoke in a client chat: answers when nobody is configured."""
        return f"{self.prefix}:{{attn}}:last:{platform}:{chat_id}"
