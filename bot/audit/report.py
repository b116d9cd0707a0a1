"""The scan's outputs: the report's data, the offline HTML page, a CSV of findings, a summary.

The page is one file with its data embedded as JSON and its own script drawing the charts as
inline SVG: no CDN, nothing fetched, so it opens from a mail attachment or a USB stick. It is a
Jinja2 template (`templates/report.html.j2`) with its style, script and words beside it
(`report.css`, `report.js`, and `words.ru.toml` or `words.en.toml` by `--lang`). People appear
under pseudonyms unless the scan was run with `--names`; examples show the matched words, marked.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.audit.scan import People, ScanResult
from bot.audit.tally import Breach, Example, ScanTally
from bot.domain.clock import monday_of
from rules import RuleSet

TOP_RULES = 15
TOP_CHATS = 15
TOP_PEOPLE = 10
CSV_FIELDS = ("date", "week", "chat", "author", "message_id", "clause", "label", "rules", "words")


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot.audit", "templates"),
        autoescape=select_autoescape(("html", "j2")),
        keep_trailing_newline=True,
    )


def _asset(name: str) -> str:
    return (resources.files("bot.audit") / "templates" / name).read_text(encoding="utf-8")


LANGUAGES = ("ru", "en")


@cache
def load_words(lang: str = "ru") -> dict[str, Any]:
    """The report's words in `lang` (headings, cards, notes, reasons not judged)."""
    if lang not in LANGUAGES:
        msg = f"--lang {lang}: the report is written in {' or '.join(LANGUAGES)}"
        raise ValueError(msg)
    words: dict[str, Any] = tomllib.loads(_asset(f"words.{lang}.toml"))["words"]
    return words


def report_data(
    result: ScanResult,
    ruleset: RuleSet,
    export_name: str,
    feedback: dict[str, int] | None,
    lang: str = "ru",
) -> dict[str, Any]:
    """Return everything the report shows, as JSON-ready values (also what `--json` writes).

    Reasons, notes and labels stay the code's own words (a stable JSON contract); the page
    translates them. Clause titles are given in `lang` where words.<lang>.toml has them.
    """
    tally = result.tally
    titles = load_words(lang)["clause_titles"]
    return {
        "lang": lang,
        "export": export_name,
        "platform": result.platform,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "names": result.people.names,
        "period": _period(tally),
        "totals": {
            "messages": tally.read,
            "judged": tally.judged,
            "with_findings": tally.with_findings,
            "findings": tally.findings,
            "people_with_findings": len(tally.authors),
        },
        "skipped": dict((tally.skipped + Counter(result.skipped_reading)).most_common()),
        "notes": dict(Counter(result.notes).most_common()),
        "damaged": dict(Counter(result.damaged).most_common()),
        "clauses": [
            {
                "number": c.number,
                "title": titles.get(str(c.number), c.title),
                "findings": tally.clauses.get(c.number, 0),
            }
            for c in ruleset.clauses
            if c.labels
        ],
        "weekly": _weekly(tally),
        "chats": _chats(tally),
        "rules": _rules(tally, ruleset, feedback),
        "feedback_known": feedback is not None,
        "people": [
            {"person": result.people(key), "findings": count}
            for key, count in tally.authors.most_common(TOP_PEOPLE)
        ],
        "examples": [
            _example(e, result.people, tally)
            for c in sorted(tally.examples)
            for e in tally.examples[c]
        ],
    }


def _period(tally: ScanTally) -> dict[str, str | None]:
    return {
        "from": tally.first.date().isoformat() if tally.first else None,
        "to": tally.last.date().isoformat() if tally.last else None,
    }


def _weekly(tally: ScanTally) -> dict[str, Any]:
    """Every week of the period (empty ones too, so gaps show), and one point per bar piece."""
    weeks: list[str] = []
    if tally.first and tally.last:
        day = monday_of(tally.first.date())
        while day <= tally.last.date():
            weeks.append(day.isoformat())
            day += timedelta(days=7)
    points = [
        {"week": week, "clause": clause, "count": count}
        for (week, clause), count in sorted(tally.weekly.items())
    ]
    return {"weeks": weeks, "points": points}


def _chats(tally: ScanTally) -> dict[str, Any]:
    rows = sorted(tally.chats.values(), key=lambda r: (-r.findings, -r.messages, r.name))
    table = [
        {
            "name": r.name, "kind": r.kind, "client": r.client, "messages": r.messages,
            "judged": r.judged, "findings": r.findings,
            "rate": round(r.findings / r.judged, 4) if r.judged else 0.0,
        }
        for r in rows
    ]  # fmt: skip
    points = [{"chat": r["name"], "findings": r["findings"]} for r in table if r["findings"]]
    return {"table": table, "points": points[:TOP_CHATS]}


def _rules(tally: ScanTally, ruleset: RuleSet, feedback: dict[str, int] | None) -> list[Any]:
    by_id = {r.id: r for r in ruleset.rules}
    rows = []
    for rule_id, count in tally.rules.most_common(TOP_RULES):
        rule = by_id.get(rule_id)
        rows.append(
            {
                "rule": rule_id,
                "label": rule.label.value if rule else "",
                "note": rule.note if rule else "",
                "findings": count,
                "false_alarms": None if feedback is None else feedback.get(rule_id, 0),
            }
        )
    return rows


def _example(example: Example, people: People, tally: ScanTally) -> dict[str, Any]:
    breach = example.breach
    return {
        "clause": breach.clause,
        "label": breach.label,
        "rules": list(breach.rules),
        "date": breach.when.date().isoformat(),
        "chat": tally.chats[breach.chat].name,
        "person": people(breach.author),
        "segments": [[text, marked] for text, marked in example.segments],
    }


def render_html(data: dict[str, Any]) -> str:
    """Return the self-contained report page."""
    words = load_words(data.get("lang", "ru"))
    # Inside <script>, "<" escaped keeps "</script>" or "<!--" in a message from ending it.
    embedded = json.dumps({"data": data, "words": words}, ensure_ascii=False)
    payload = Markup(embedded.replace("<", "\\u003c"))
    template = _environment().get_template("report.html.j2")
    style, script = Markup(_asset("report.css")), Markup(_asset("report.js"))
    return template.render(words=words, style=style, script=script, payload=payload)


class CsvSink:
    """Write one CSV row per finding as the scan finds it (only matched words, no text)."""

    def __init__(self, stream: TextIO) -> None:
        self.writer = csv.writer(stream)
        self.writer.writerow(CSV_FIELDS)

    def __call__(self, breach: Breach, people: People) -> None:
        """Write a finding's row."""
        b = breach
        self.writer.writerow(
            (
                b.when.isoformat(timespec="seconds"), b.week, b.chat, people(b.author),
                b.message_id, b.clause, b.label, " ".join(b.rules), " | ".join(b.words),
            )
        )  # fmt: skip


def summary(data: dict[str, Any]) -> str:
    """Return the terminal summary."""
    totals, period = data["totals"], data["period"]
    lines = [
        f"{data['export']}: {totals['messages']:,} messages"
        f" ({period['from'] or '?'} … {period['to'] or '?'}),"
        f" {totals['judged']:,} judged, {totals['findings']:,} findings"
        f" in {totals['with_findings']:,} messages by {totals['people_with_findings']} people",
    ]
    for clause in data["clauses"]:
        if clause["findings"]:
            lines.append(f"  п. {clause['number']:<2} {clause['findings']:>7,}  {clause['title']}")
    if data["rules"]:
        top = ", ".join(f"{r['rule']} {r['findings']:,}" for r in data["rules"][:5])
        lines.append(f"  top rules: {top}")
    if data["skipped"]:
        skipped = ", ".join(f"{reason} {count:,}" for reason, count in data["skipped"].items())
        lines.append(f"  not judged: {skipped}")
    for note, count in data["notes"].items():
        lines.append(f"  note: {note} {count:,}")
    for name, count in data["damaged"].items():
        lines.append(f"  unreadable text: {count:,} messages skipped in {name}")
    return "\n".join(lines)
