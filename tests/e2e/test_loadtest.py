"""The load-and-fault harness, bounded for CI: two replicas over Slack's HTTP mode on one Redis,
Redis restarted midway; nothing accepted is lost and nobody is nudged twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.loadtest import Plan, Run, run
from tests.support import in_ci
from tests.support.said import WRITTEN


@pytest.fixture
def redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        if in_ci():
            pytest.fail("CI needs redis-server on PATH")
        pytest.skip("redis-server is not installed")
    return binary


@pytest.mark.parametrize(
    ("cluster", "restart_bot"),
    [(False, False), (True, False), (False, True)],
    ids=["redis", "cluster", "redis+bot-restart"],
)
async def test_two_replicas_through_a_redis_restart_lose_nothing_and_double_nothing(
    redis_binary: str, tmp_path: Path, cluster: bool, restart_bot: bool
) -> None:
    plan = Plan(messages=2_000, outage_s=0.5, cluster=cluster, restart_bot=restart_bot)
    result = await run(plan, tmp_path)
    WRITTEN.append((tmp_path / "replicas.log").read_text(encoding="utf-8"))  # their stderr
    figures = result.figures()
    assert figures["warnings_lost"] == 0, figures
    assert figures["nudges_doubled"] == 0, figures
    assert figures["warnings_without_nudge"] == 0, figures
    assert figures["audit_lines_missing"] == 0, figures  # Redis gone between count and audit
    assert figures["audit_lines_doubled"] == 0, figures
    if restart_bot:  # replica 0 stopped mid-outage with findings in its journal, and came back
        assert figures["bot_restarts"] == 1, figures
        assert figures["journaled_at_stop"] > 0, figures
    # The run really exercised what it claims to: duplicates, an outage, warnings and nudges.
    assert figures["duplicate_deliveries"] > 100
    assert figures["handle_statuses"].get("buffered", 0) > 0, figures
    assert figures["warnings_accepted"] > 200
    assert figures["nudges"] > 200
    assert figures["http_errors"] == 0
    assert figures["left_buffered"] == 0


def test_the_figures_catch_a_lost_warning_and_a_doubled_nudge() -> None:
    report = {
        "accepted": [["CLOAD01:1.000001", 6], ["CLOAD01:1.000002", 6]],
        "statuses": {"recorded": 2},
        "latencies": [0.01, 0.02],
        "buffered_left": 0,
    }
    result = Run(messages=2, reports=[report, report])
    result.counted = {("CLOAD01:1.000001", 6)}
    result.warned = {"URUDE1": {"CLOAD01:1.000001"}, "URUDE3": {"CLOAD01:1.000003"}}
    # URUDE3's message broke two clauses: one nudge names both, a second one is doubled.
    result.counted |= {("CLOAD01:1.000003", 6), ("CLOAD01:1.000003", 8)}
    result.nudges.update({"URUDE1": 2, "URUDE2": 1, "URUDE3": 2})
    result.audited.update({("CLOAD01:1.000001", 6): 2, ("CLOAD01:1.000003", 6): 1})
    figures = result.figures()
    assert figures["warnings_lost"] == 1
    # a second for URUDE1's one message, one for nothing, a second for URUDE3's one message
    assert figures["nudges_doubled"] == 3
    assert figures["audit_lines_missing"] == 1  # URUDE3's clause 8
    assert figures["audit_lines_doubled"] == 1  # URUDE1's
