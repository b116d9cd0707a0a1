"""The scan report in a real browser: Debian's headless Chromium, driven over WebDriver.

No Selenium: chromedriver speaks plain JSON over HTTP (the W3C WebDriver protocol), so a small
client on urllib drives it. The charts must draw one mark per point of the data embedded in the
page (read here from the HTML, not from the page's script), and the console must stay free of
errors. Without Chromium this fails under CI=true and skips on a developer's machine.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.exports.reader import open_export
from bot.audit.report import render_html, report_data
from bot.audit.scan import ExportScan
from bot.domain.config import load_config
from rules import build_checker
from scripts.make_telegram_export import write_export
from tests.support import EXAMPLES, in_ci

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# e2e-testing.md §4: without the networking flags Chromium keeps trying to reach hosts.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions", "--window-size=1280,2000",
]  # fmt: skip
TIMEOUT_S = 20.0


class WebDriver:
    """The few WebDriver commands the test needs, over urllib."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = ""

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            pytest.fail(f"WebDriver {method} {path}: {error.code} {detail}")

    def start(self, profile: Path) -> None:
        options = {"binary": str(CHROMIUM), "args": [*FLAGS, f"--user-data-dir={profile}"]}
        capabilities = {"browserName": "chrome", "goog:chromeOptions": options,
                        "goog:loggingPrefs": {"browser": "ALL"}}  # fmt: skip
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.session = value["sessionId"]

    def open(self, page: Path) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": page.as_uri()})

    def run(self, script: str) -> Any:
        return self.call(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def console(self) -> list[dict[str, Any]]:
        """Return the browser console entries since the last call (chromedriver's log)."""
        entries: list[dict[str, Any]] = self.call(
            "POST", f"/session/{self.session}/se/log", {"type": "browser"}
        )
        return entries

    def quit(self) -> None:
        if self.session:
            self.call("DELETE", f"/session/{self.session}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/status", timeout=1) as response:
                if json.loads(response.read())["value"].get("ready"):
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    pytest.fail(f"chromedriver not ready at {url} after {TIMEOUT_S:.0f} s")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A headless Chromium session; fails in CI, skips elsewhere, when Chromium is missing."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = f"needs {CHROMIUM} and {CHROMEDRIVER} (Debian's chromium, chromium-driver)"
        if in_ci():
            pytest.fail(f"CI {reason}; .ci/run installs them")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("chromium")
    port = _free_port()
    with (folder / "chromedriver.log").open("wb") as log:
        process = subprocess.Popen(
            [str(CHROMEDRIVER), f"--port={port}"], stdout=log, stderr=subprocess.STDOUT
        )
        driver = WebDriver(f"http://127.0.0.1:{port}")
        try:
            _wait_ready(driver.url)
            driver.start(folder / "profile")
            yield driver
        finally:
            try:
                driver.quit()
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def _report(tmp_path: Path, export: Path) -> tuple[Path, dict[str, Any]]:
    config = load_config(EXAMPLES / "agency.toml")
    checker = build_checker(config.registry())
    result = ExportScan(open_export(export), config, checker).run()
    data = report_data(result, checker.ruleset, export.name, {"fam-you-pronoun": 1})
    page = tmp_path / "report.html"
    page.write_text(render_html(data), encoding="utf-8")
    return page, data


def _embedded(page: Path) -> dict[str, Any]:
    """Read the data the page carries, straight from its HTML."""
    found = re.search(
        r'<script id="kodeks-data" type="application/json">(.*?)</script>',
        page.read_text(encoding="utf-8"),
        re.S,
    )
    assert found, "the report embeds its data"
    embedded: dict[str, Any] = json.loads(found.group(1))["data"]
    return embedded


MARKS = """
const count = (sel) => document.querySelectorAll(sel).length;
const drawn = (sel) => Array.from(document.querySelectorAll(sel)).filter((r) => {
  const box = r.getBBox(); return box.width > 0 && box.height > 0; }).length;
return {rendered: document.documentElement.getAttribute("data-rendered"),
        weekly: count("#chart-weekly [data-point]"),
        weekly_drawn: drawn("#chart-weekly rect[data-point]"),
        chats: count("#chart-chats [data-point]"),
        chats_drawn: drawn("#chart-chats rect[data-point]"),
        marks: count("mark"), rows: count("table tr")};
"""


@pytest.fixture(params=["example", "generated"])
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "example":
        return EXAMPLES / "telegram"
    path = tmp_path / "result.json"
    with path.open("w", encoding="utf-8") as out:
        write_export(out, 3000, seed=5)
    return path


def test_the_charts_draw_one_mark_per_point_and_the_console_stays_clean(
    browser: WebDriver, tmp_path: Path, export: Path
) -> None:
    page, data = _report(tmp_path, export)
    embedded = _embedded(page)
    assert embedded["weekly"]["points"] == data["weekly"]["points"]
    browser.console()  # drop what an earlier page left
    browser.open(page)
    seen = browser.run(MARKS)
    assert seen["rendered"] == "true"
    assert seen["weekly"] == seen["weekly_drawn"] == len(embedded["weekly"]["points"]) > 0
    assert seen["chats"] == seen["chats_drawn"] == len(embedded["chats"]["points"]) > 0
    highlighted = sum(1 for e in embedded["examples"] for _, marked in e["segments"] if marked)
    assert seen["marks"] == highlighted > 0
    errors = [e for e in browser.console() if e.get("level") == "SEVERE"]
    assert errors == []


def test_a_console_error_would_be_seen(browser: WebDriver, tmp_path: Path) -> None:
    # The check above is only worth something if a broken page fails it.
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><script>undefinedFunction();</script>", encoding="utf-8")
    browser.console()
    browser.open(page)
    assert any(e.get("level") == "SEVERE" for e in browser.console())


SECTIONS = """
return Array.from(document.querySelectorAll("section")).map((s) => ({
  title: s.querySelector("h2").textContent,
  cells: Array.from(s.querySelectorAll("td")).map((td) => td.textContent)}));
"""


def test_an_english_report_says_why_messages_were_not_judged_in_english(
    browser: WebDriver, tmp_path: Path
) -> None:
    config = load_config(EXAMPLES / "agency.toml")
    checker = build_checker(config.registry())
    result = ExportScan(open_export(EXAMPLES / "telegram"), config, checker).run()
    page = tmp_path / "report-en.html"
    data = report_data(result, checker.ruleset, "telegram", None, "en")
    page.write_text(render_html(data), encoding="utf-8")
    browser.open(page)
    sections = {s["title"]: s["cells"] for s in browser.run(SECTIONS)}
    assert "client's message (or someone not known as staff)" in sections["Not judged"]
    assert "service message" in sections["Not judged"]
    assert "Без грубости" not in str(sections)  # the clause titles are English too
    assert browser.run("return document.documentElement.lang") == "en"
