"""What Redis keeps, one codec per record: a value in, its stored form out, and back again.

Each record's stored shape is written and read here only, and `tests/bot/store/test_records.py`
round-trips every one (no field is dropped on the way). Stored forms carry ids, clauses, rules,
times and matched words: never a message's text. Readers are lenient with what older versions
wrote: a field added since has its default.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from bot.domain.clock import from_ms, to_ms
from bot.domain.models import Nudge, Platform

_NUDGE: TypeAdapter[Nudge] = TypeAdapter(Nudge)


def text(value: object) -> str:
    """A Redis reply (bytes, or str with decode_responses) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


# --- nudges: what a feedback button refers to, and nudges held until the author starts the bot


def nudge_to_dict(nudge: Nudge) -> dict[str, Any]:
    """A nudge as a JSON-ready mapping: ids, clause, rule and matched words only."""
    return dict(_NUDGE.dump_python(nudge, mode="json"))


def nudge_from_dict(record: dict[str, Any]) -> Nudge:
    """Rebuild a nudge from its mapping (a field missing from an older record: its default)."""
    return _NUDGE.validate_python(record)


def encode_nudge(nudge: Nudge) -> str:
    """A nudge as stored under its feedback token."""
    return json.dumps(nudge_to_dict(nudge), ensure_ascii=False)


def decode_nudge(raw: str | bytes) -> Nudge:
    """The nudge stored under a feedback token."""
    return nudge_from_dict(json.loads(raw))


@dataclass(frozen=True, slots=True)
class HeldNudge:
    """A nudge the platform would not deliver yet, and the author's warning count it was about."""

    nudge: Nudge
    count: int


def encode_held(held: HeldNudge) -> str:
    """A held nudge as one list item: the nudge's fields and its count, flat."""
    return json.dumps(nudge_to_dict(held.nudge) | {"count": held.count}, ensure_ascii=False)


def decode_held(raw: str | bytes) -> HeldNudge:
    """A held nudge from its list item."""
    record: dict[str, Any] = json.loads(raw)
    count = int(record.pop("count", 1))
    return HeldNudge(nudge_from_dict(record), count)


# --- the audit trail: one stream entry per warning


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One warning in the audit trail: ids, clause, label, rules and time; never text."""

    at_ms: int
    platform: str
    chat: str
    user: str
    message: str
    clause: int
    label: str
    rules: tuple[str, ...]
    id: str = ""  # the stream entry's id, once Redis has given it one


AUDIT_FIELDS = ("id", "ts", "platform", "chat", "user", "message", "clause", "label", "rules")


def encode_audit(entry: AuditEntry) -> dict[str, str]:
    """An audit entry as stream fields (the id is Redis's to give)."""
    return {
        "ts": str(entry.at_ms), "platform": entry.platform, "chat": entry.chat,
        "user": entry.user, "message": entry.message, "clause": str(entry.clause),
        "label": entry.label, "rules": ",".join(entry.rules),
    }  # fmt: skip


def decode_audit(entry_id: str, fields: dict[str, str]) -> AuditEntry | None:
    """An audit entry from the stream; None for one without time, clause, platform or chat."""
    if not all(k in fields for k in ("ts", "clause", "platform", "chat")):
        return None
    return AuditEntry(
        at_ms=int(fields["ts"]), platform=fields["platform"], chat=fields["chat"],
        user=fields.get("user", ""), message=fields.get("message", ""),
        clause=int(fields["clause"]), label=fields.get("label", ""),
        rules=tuple(r for r in fields.get("rules", "").split(",") if r), id=entry_id,
    )  # fmt: skip


def audit_row(entry: AuditEntry) -> dict[str, str]:
    """The entry as the audit export writes it: every field of `AUDIT_FIELDS`, as text."""
    return {"id": entry.id} | encode_audit(entry)


# --- chat bindings an admin made (configuration: no TTL)


@dataclass(frozen=True, slots=True)
class Binding:
    """An admin's binding of a chat: its kind (client, internal, ignore) and client."""

    kind: str
    client: str | None = None


def encode_binding(binding: Binding) -> dict[str, str]:
    """A binding as hash fields."""
    return {"kind": binding.kind, "client": binding.client or ""}


def decode_binding(fields: dict[str, str]) -> Binding | None:
    """A binding from its hash; None when there is none."""
    if "kind" not in fields:
        return None
    return Binding(fields["kind"], fields.get("client") or None)


# --- attentiveness: a client's question waiting for an answer, and answered ones for /stats


@dataclass(frozen=True, slots=True)
class Wait:
    """A client's unanswered question, as Redis keeps it (ids and times, never the text)."""

    wid: str
    platform: Platform
    chat_id: str
    thread_id: str | None
    message_id: str
    client: str | None
    opened: datetime  # aware
    sla_minutes: int
    stage: int = 0  # 0: nothing sent; 1: the employee reminded; 2: compliance told
    language: str = "ru"
    # Opened in a chat agency.toml listed: taking the chat off the list cancels the wait at the
    # next start. Waits of default, bound and Business chats answer to their own rules.
    listed: bool = False


def encode_wait(wait: Wait) -> dict[str, str]:
    """A wait as hash fields (its id is the key's)."""
    return {
        "platform": wait.platform.value, "chat": wait.chat_id, "thread": wait.thread_id or "",
        "message": wait.message_id, "client": wait.client or "",
        "opened": str(to_ms(wait.opened)), "sla": str(wait.sla_minutes),
        "stage": str(wait.stage), "language": wait.language, "listed": "1" if wait.listed else "",
    }  # fmt: skip


def decode_wait(wid: str, fields: dict[str, str]) -> Wait:
    """A wait from its hash."""
    return Wait(
        wid=wid,
        platform=Platform(fields["platform"]),
        chat_id=fields["chat"],
        thread_id=fields.get("thread") or None,
        message_id=fields.get("message", ""),
        client=fields.get("client") or None,
        opened=from_ms(int(fields["opened"])),
        sla_minutes=int(fields["sla"]),
        stage=int(fields.get("stage", "0")),
        language=fields.get("language", "ru"),
        listed=fields.get("listed") == "1",  # absent in waits opened before the field existed
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """One answered question: where, how long it waited in working seconds, and within SLA."""

    at_ms: int
    platform: str
    chat_id: str
    seconds: int
    within: bool


def encode_answer(answer: Answer) -> str:
    """An answer as a sorted-set member (a JSON list, scored by `at_ms`)."""
    fields = asdict(answer)
    return json.dumps([fields[k] for k in ("at_ms", "platform", "chat_id", "seconds", "within")])


def decode_answer(raw: object) -> Answer:
    """An answer from its member."""
    at_ms, platform, chat_id, seconds, within = json.loads(text(raw))
    return Answer(int(at_ms), str(platform), str(chat_id), int(seconds), bool(within))
