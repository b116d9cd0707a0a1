"""The store's Lua scripts, one `.lua` file each beside this module (`bot/store/lua/`).

Each script is atomic and its keys share one hash tag (see `keys.py`), so it runs on Redis
Cluster too; `SCRIPTS` names each for `RedisStore`, and for the test that checks every script's
keys share a slot. The files ship as package data and are read once, at import.
"""

from __future__ import annotations

from importlib import resources

NAMES = (
    "record", "take_held", "hold", "rate", "open_wait", "close_wait", "claim_due", "advance_wait",
    "cancel_waits",
)  # fmt: skip


def _read(name: str) -> str:
    return (resources.files("bot.store") / "lua" / f"{name}.lua").read_text(encoding="utf-8")


SCRIPTS = {name: _read(name) for name in NAMES}
