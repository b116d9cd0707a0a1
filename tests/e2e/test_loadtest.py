"""The load-and-fault harness, bounded for CI: two replicas over Slack's HTTP mode on one Redis,
Redis restarted midway; nothing accepted is lost and nobody is nudged twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.loadtest import Plan, Run, run
from tests.support import in_ci


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
    figures = result.figures()
    assert figures["warnings_lost"] == 0, figures
    assert figures["nudges_doubled"] == 0, figures
    assert figures["warnings_without_nudge"] == 0, figures
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
    result.clauses_by_user.update({"URUDE1": 1})
    result.nudges.update({"URUDE1": 2, "URUDE2": 1})
    figures = result.figures()
    assert figures["warnings_lost"] == 1
    assert figures["nudges_doubled"] == 2  # twice for URUDE1's one clause, once for nothing
