"""Export the audit trail (ids, clause, rules, time; never text) as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
import time
from typing import TextIO

from bot.ops.settings import Settings
from bot.store.redis_store import RedisStore

FIELDS = ("id", "ts", "platform", "chat", "user", "message", "clause", "label", "rules")


async def export_audit(fmt: str, days: int, out: TextIO, store: RedisStore | None = None) -> int:
    """Write the audit entries of the last `days` days to `out`; return how many."""
    own = store is None
    if store is None:
        url = Settings().redis_url
        store = RedisStore.from_url(url.get_secret_value() if url else None)
    try:
        since = int((time.time() - days * 86_400) * 1000)
        entries = await store.audit_entries(since)
    finally:
        if own:
            await store.close()
    if fmt == "json":
        for entry in entries:
            out.write(json.dumps({k: entry.get(k, "") for k in FIELDS}, ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(entries)
    return len(entries)
