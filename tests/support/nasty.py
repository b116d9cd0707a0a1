"""What the fuzz tests share: the kept corpus, hostile values, and mutations of valid payloads.

The corpus is data (`tests/support/fuzz_corpus/*.json`, one list of `{"name", ...}` cases per
target); inputs too big to keep (megabyte messages, floods) are generated here at test time.
Every input a long run finds failing goes into the corpus, so the short run in CI replays it
forever.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CORPUS = Path(__file__).parent / "fuzz_corpus"
# A few hundred examples per test in the suite; `KODEKS_FUZZ_EXAMPLES=100000` for a long run.
EXAMPLES = int(os.environ.get("KODEKS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a shared CI machine: time per example is not what these tests are about
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None if os.environ.get("CI") else settings.default.database,
)
MEGABYTE = 1024 * 1024
LONG = EXAMPLES > 1000  # a long run also checks whole megabytes, which the suite only converts


def corpus(name: str) -> list[dict[str, Any]]:
    """The kept cases of one target (JSON keeps lone surrogates as `\\udXXX` escapes)."""
    cases: list[dict[str, Any]] = json.loads((CORPUS / f"{name}.json").read_text("utf-8"))
    return cases


def case_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [str(c["name"]) for c in cases]


def generated_texts() -> dict[str, str]:
    """Texts too big to keep in the repository: built at test time."""
    return {
        "megabyte-of-rudeness": ("ну это пиздец " * (MEGABYTE // 14 + 1))[:MEGABYTE],
        "megabyte-of-zero-width": "\u200b\u200c\u200d\u2060\ufeff" * (MEGABYTE // 5),
        "rtl-flood": ("\u202e\u200fты\u202c\u2067ху\u2069й " * 100_000),
        "combining-flood": "б" + "\u0301\u0306\u0308" * 200_000 + "лять",
        "lone-surrogates-flood": "\ud800\udfff\udbff" * 100_000 + " пиздец",
        "one-long-word": "х" * MEGABYTE,
        "nul-and-controls": "\x00\x01\x1b[31m\x7f" * 50_000 + "сука",
        "mask-flood": "*" * 500_000 + "п*здец" + "*" * 500_000,
    }


SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
SPECIALS = st.sampled_from(
    list("\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    + list("\u200e\u200f\u0301\u0306\u0308\x00\x1b\ufffd\U0001f600")
)
HOSTILE_TEXT = st.text(
    st.one_of(st.characters(), SURROGATES, SPECIALS, st.sampled_from(list("пиздецтыёЁ*.-_ "))),
    max_size=300,
)
HUGE_NUMBERS = st.sampled_from(
    [2**63, -(2**63) - 1, 2**64, 10**30, -1, 0, 1e308, -1e308, float("inf"), float("nan")]
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), HUGE_NUMBERS, st.floats(), HOSTILE_TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(HOSTILE_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into nested dicts and lists, the value itself first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def mutate(value: Any, path: tuple[Any, ...], replacement: Any, delete: bool) -> Any:
    """A copy of `value` with what `path` names replaced (or deleted from its dict)."""
    if not path:
        return replacement
    copy = json.loads(json.dumps(value))  # payloads are JSON: a deep copy keeps them so
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return copy


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], rounds: int = 3) -> Any:
    """`base` after a few deletions, hostile replacements and added keys."""
    value: Any = base
    for _ in range(draw(st.integers(1, rounds))):
        where = draw(st.sampled_from(paths(value)))
        operation = draw(st.sampled_from(["delete", "replace", "add"]))
        target = value
        for key in where:
            target = target[key]
        if operation == "add" and isinstance(target, dict):
            where = (*where, draw(st.sampled_from(["extra", "text", "type", "subtype", "user"])))
        value = mutate(value, where, draw(JSON_VALUES), operation == "delete")
    return value
