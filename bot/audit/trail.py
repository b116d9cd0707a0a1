"""Export the audit trail (ids, clause, rules, time; never text) as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.domain.clock import DAY_MS, now_ms
from bot.store.records import AUDIT_FIELDS, audit_row
from bot.store.redis_store import RedisStore


async def export_audit(fmt: str, days: int, out: TextIO, store: RedisStore) -> int:
    """Write the audit entries of the last `days` days to `out`; return how many."""
    entries = await store.audit_entries(now_ms() - days * DAY_MS)
    rows = [audit_row(entry) for entry in entries]
    if fmt == "json":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=AUDIT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
