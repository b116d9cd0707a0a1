"""A `kodeks run` process stopped as a service manager stops it."""

from __future__ import annotations

import asyncio
import signal

from tests.support.said import WRITTEN


async def sigterm(process: asyncio.subprocess.Process, within_s: float) -> tuple[int, str]:
    """Send SIGTERM, wait up to `within_s` for the exit (else kill it), and return the exit code
    and everything the process wrote (stdout, with stderr folded into it)."""
    try:
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), within_s)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stdout = process.stdout
    output = (await stdout.read()).decode() if stdout else ""
    WRITTEN.append(output)  # read for text and secrets after the test, like the logs
    return returncode, output
