"""The `kodeks` command line: the parser, and each command's run.

The subcommands' exit codes and JSON shapes are a contract that tests, benchmarks and reviewers
rely on. Heavy imports happen inside the commands that need them, so `kodeks check` starts fast
and never loads aiogram or Slack. Help texts are for the people who run kodeks: say what a
command does and what it reads, not how it is built.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.cli.configured import add_config, find_agency, load_agency
from adapters.cli.own_rules import add_rules
from adapters.cli.scaffold import add_init
from bot.domain.config import AgencyConfig, ConfigError
from bot.domain.rulebook import checker_for
from bot.ops.settings import SettingsError

if TYPE_CHECKING:
    from bot.ops.settings import Settings
from rules import ChatKind, CheckContext, Checker, Finding, RulesError, build_checker

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_FAILED = 1  # `kodeks run`: a platform failed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `kodeks` command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except (ConfigError, SettingsError, RulesError, ValueError) as error:
        # One line per problem, each marked as ours: several may be wrong at once.
        sys.stderr.writelines(f"kodeks: {line}\n" for line in str(error).splitlines())
        return EXIT_USAGE


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


ABOUT = """\
kodeks keeps an agency's chats with its clients within its code of conduct: it checks what staff
write in Telegram and Slack and nudges the author privately, with the clause and a better wording.
"""

START = """\
To start: kodeks init (writes agency.toml and .env), kodeks config check, then kodeks run.
Without a server or tokens: kodeks check "TEXT" and kodeks scan EXPORT. kodeks COMMAND --help
says more about each command.
"""

RUN_ENVIRONMENT = """\
environment (read from the process and from ./.env; an empty value means not set):
  KODEKS_CONFIG                 agency.toml: clients, chats, staff, policy (default ./agency.toml)
  KODEKS_REDIS_URL              Redis, e.g. redis://127.0.0.1:6379/0, rediss:// for TLS
                                (empty: the embedded in-process store, for trials only)
  KODEKS_REDIS_CLUSTER          true: KODEKS_REDIS_URL is one node of a Redis Cluster
  KODEKS_TELEGRAM__TOKEN        the bot token from @BotFather (empty: no Telegram)
  KODEKS_TELEGRAM__MODE         polling (default) | webhook, which also needs
                                KODEKS_TELEGRAM__WEBHOOK_URL and KODEKS_TELEGRAM__WEBHOOK_SECRET
  KODEKS_SLACK__BOT_TOKEN       xoxb-… (empty: no Slack)
  KODEKS_SLACK__MODE            socket (default; needs KODEKS_SLACK__APP_TOKEN, xapp-…) |
                                http (needs KODEKS_SLACK__SIGNING_SECRET)
  KODEKS_METRICS__PORT          /metrics, /healthz, /readyz on 127.0.0.1 (default 9108)
  KODEKS_LOG_LEVEL, KODEKS_LOG_FORMAT, KODEKS_JOURNAL, KODEKS_SHUTDOWN_TIMEOUT and the rest:
                                .env.example lists and explains every one

Check both before starting: kodeks config check. SIGTERM or Ctrl-C stops the bot cleanly.
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("kodeks")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kodeks",
        description=ABOUT,
        epilog=START,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kodeks {_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    add_init(commands)
    add_config(commands)
    _add_check(commands)
    _add_quality(commands)
    _add_bench(commands)
    _add_scan(commands)
    _add_run(commands)
    _add_audit(commands)
    add_rules(commands)
    return parser


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    about: str,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    """Add a subcommand whose own --help starts with the line the command list shows."""
    return commands.add_parser(
        name,
        help=about,
        description=about[0].upper() + about[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = _command(
        commands,
        "check",
        "check one draft against the code",
        "Exit status: 0 clean, 1 findings, 2 bad usage. Reads --config, else KODEKS_CONFIG or"
        " ./agency.toml where it exists.",
    )
    check.add_argument("text", help="the draft, or - to read it from standard input")
    _add_chat(check)
    check.add_argument("--client", help="the client whose chat it is (name or alias)")
    check.add_argument("--config", type=Path, help="agency.toml with the client registry")
    check.add_argument("--json", action="store_true", help="print findings as JSON")
    check.set_defaults(run=_run_check, chat="client")


def _add_scan(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = _command(commands, "scan", "audit a Telegram or Slack export, with an HTML report")
    scan.add_argument("export", type=Path, help="Telegram result.json (or its folder), Slack zip")
    scan.add_argument("--config", type=Path, help="agency.toml: clients, chats and staff")
    scan.add_argument("--out", type=Path, default=Path("report.html"), help="the HTML report")
    scan.add_argument("--json", type=Path, dest="json_out", help="also write the data as JSON")
    scan.add_argument("--csv", type=Path, dest="csv_out", help="also write one row per finding")
    scan.add_argument("--names", action="store_true", help="show people's names, not P1, P2…")
    scan.add_argument(
        "--lang", choices=("ru", "en"), default="ru", help="the report's language (default ru)"
    )
    scan.set_defaults(run=_run_scan)


def _add_run(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    about = "run the bot on every platform whose token is set, with the policy of agency.toml"
    run = _command(commands, "run", about, RUN_ENVIRONMENT)
    run.set_defaults(run=_run_bot)


def _add_audit(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = _command(commands, "audit", "export the audit trail of findings (ids, never texts)")
    actions = audit.add_subparsers(required=True, metavar="ACTION")
    export = _command(
        actions,
        "export",
        "write the audit trail to standard output",
        "Reads the bot's Redis (KODEKS_REDIS_URL): ids, clause, rule and time, never a text.",
    )
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--days", type=int, default=90, help="how far back (default 90 days)")
    export.set_defaults(run=_run_audit_export)


def _add_bench(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `bench`: the checker's and the pipeline's speed, and the PyPI peer's."""
    bench = _command(
        commands,
        "bench",
        "measure the checker's speed, and the pipeline's on the configured store",
        "The pipeline runs on KODEKS_REDIS_URL (else the embedded store), under a key prefix of"
        " its own.",
    )
    bench.add_argument("--corpus", type=Path, help="corpus folder (default: the shipped one)")
    _add_chat(bench)
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--seconds", type=float, default=3.0, help="steady-state time to measure")
    bench.add_argument(
        "--no-pipeline", dest="pipeline", action="store_false", help="time the checker only"
    )
    bench.add_argument("--messages", type=int, default=20_000, help="messages for the pipeline")
    bench.add_argument("--in-flight", type=int, default=64, help="concurrent handle() calls")
    bench.add_argument(
        "--rate", type=float, default=3000.0, help="arrivals per second for the latency run"
    )
    bench.add_argument(
        "--allow-dirty", action="store_true",
        help="run on a Redis database that already holds kodeks data (the bench's keys have a"
        " prefix of their own and are removed at the end)",
    )  # fmt: skip
    bench.set_defaults(run=_run_bench, chat=None)


def _add_quality(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `eval` and `train`: scoring the checker on corpora, and training its learned layer."""
    evaluate = _command(commands, "eval", "score the checker on a labelled corpus")
    evaluate.add_argument("corpus", type=Path, help="folder with messages.jsonl and agency.toml")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--predictions", type=Path, help="write one JSON line per message")
    evaluate.set_defaults(run=_run_eval)

    train = _command(commands, "train", "train the learned layer from labelled corpora")
    train.add_argument(
        "corpora", type=Path, nargs="+", help="corpus folders (messages.jsonl, agency.toml)"
    )
    train.add_argument("--out", type=Path, help="weights file (default: the shipped model.json)")
    train.add_argument("--seed", type=int, default=0, help="seed of the cross-validation folds")
    train.set_defaults(run=_run_train)


def _add_chat(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--chat", choices=[k.value for k in ChatKind], help="the kind of chat (client|internal)"
    )


def _run_check(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    agency = load_agency(args.config)
    client = None
    if args.client:
        known = agency.client_named(args.client)
        if known is None:
            msg = f"client '{args.client}' is not in the registry; add it to agency.toml"
            raise ConfigError(msg)
        client = known.name
    checker = checker_for(agency)
    findings = checker.check(text, CheckContext(ChatKind(args.chat), client))
    if args.json:
        _say(json.dumps([_finding_json(f) for f in findings], ensure_ascii=False, indent=2))
    else:
        _say(_describe(text, findings, checker.ruleset))
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "clause": finding.clause,
        "label": finding.label.value,
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "start": finding.start,
        "end": finding.end,
        "excerpt": finding.excerpt,
        "suggestion": finding.suggestion,
        "note": finding.note,
    }


def _describe(text: str, findings: tuple[Finding, ...], ruleset: object) -> str:
    if not findings:
        return "✓ Нарушений кодекса не найдено."
    lines = [f"Найдено: {len(findings)}"]
    for f in findings:
        lines.append(
            f"• п. {f.clause} ({f.label.value}) «{f.excerpt}» [{f.start}:{f.end}]"
            f" → {f.suggestion}  ({f.rule_id})"
        )
    del text, ruleset
    return "\n".join(lines)


def _run_eval(args: argparse.Namespace) -> int:
    from bot.measure.evaluate import evaluate  # noqa: PLC0415

    score = evaluate(build_checker(), args.corpus, args.predictions)
    result = score.as_dict()
    if args.json:
        _say(json.dumps(result, ensure_ascii=False))
        return EXIT_CLEAN
    _say(f"{args.corpus}: {result['messages']} messages, {result['scored']} scored")
    for label, figures in result["labels"].items():
        _say(
            f"  {label:16} P {figures['precision']:.3f}  R {figures['recall']:.3f}"
            f"  F1 {figures['f1']:.3f}"
            f"  (tp {figures['tp']}, fp {figures['fp']}, fn {figures['fn']})"
        )
    _say(f"  clean false alarm {result['clean_false_alarm']:.3%}")
    return EXIT_CLEAN


def _run_train(args: argparse.Namespace) -> int:
    from bot.measure.evaluate import training_examples  # noqa: PLC0415
    from rules.loader import data_dir  # noqa: PLC0415
    from rules.training import train  # noqa: PLC0415

    checker = build_checker(learned=False)
    examples = [
        # sorted: the same folders give the same weights whatever order the shell lists them in
        example
        for folder in sorted(args.corpora)
        for example in training_examples(checker, folder)
    ]
    model = train(examples, seed=args.seed)
    out = args.out or data_dir() / "model.json"
    out.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, indent=0) + "\n", "utf-8")
    for label, entry in model["labels"].items():
        figures = entry["cross_validated"]
        _say(
            f"{label:16} sure ≥ {entry['sure']:.2f}: cross-validated P {figures['precision']:.3f}"
            f" R {figures['recall']:.3f}, {len(entry['weights'])} weights"
        )
    _say(f"{len(examples)} examples → {out}")
    return EXIT_CLEAN


def _run_bench(args: argparse.Namespace) -> int:
    from adapters.cli.loop import loop_factory, run_async  # noqa: PLC0415
    from bot.measure.bench import PEER, bench_checker, bench_peer, default_corpus  # noqa: PLC0415
    from bot.ops.settings import load_settings  # noqa: PLC0415

    chat = ChatKind(args.chat) if args.chat else None
    corpus = args.corpus or default_corpus()
    checker = build_checker()
    figures = bench_checker(checker, corpus, chat, args.seconds)
    result: dict[str, Mapping[str, float | int | str]] = {"checker": figures.as_dict()}
    peer = bench_peer(corpus, args.seconds)
    if peer is not None:
        ratio = figures.messages_per_second / peer
        result["peer"] = {
            "name": PEER,
            "messages_per_second": round(peer, 1),
            "ratio": round(ratio, 2),
        }
    if args.pipeline:
        loop = load_settings().event_loop
        pipeline: dict[str, float | int | str] = {}
        pipeline |= run_async(_bench_pipeline(checker, corpus, args), loop)
        pipeline["event_loop"] = "uvloop" if loop_factory(loop) else "asyncio"
        result["pipeline"] = pipeline
    if args.json:
        _say(json.dumps(result))
    else:
        c = result["checker"]
        _say(
            f"checker: {c['messages_per_second']:,.0f} msg/s steady, "
            f"{c['cold_messages_per_second']:,.0f} msg/s cold, "
            f"p50 {c['p50_ms']:.3f} ms, p99 {c['p99_ms']:.3f} ms over {c['messages']} messages"
        )
        if "peer" in result:
            peer_figures = result["peer"]
            _say(
                f"{PEER}: {peer_figures['messages_per_second']:,.0f} msg/s steady;"
                f" kodeks is {peer_figures['ratio']:.1f}× as fast"
            )
        if "pipeline" in result:
            p = result["pipeline"]
            _say(
                f"pipeline: {p['messages_per_second']:,.0f} msg/s with {p['in_flight']} in flight;"
                f" at {p['rate']:,.0f} msg/s p50 {p['p50_ms']:.2f} ms, p99 {p['p99_ms']:.2f} ms"
                f" (closed loop p99 {p['closed_p99_ms']:.1f} ms)"
            )
    return EXIT_CLEAN


async def _bench_pipeline(
    checker: Checker, corpus: Path, args: argparse.Namespace
) -> dict[str, float | int]:
    from bot.measure.bench import (  # noqa: PLC0415
        BENCH_PREFIX,
        bench_pipeline,
        holds_kodeks_data,
        pipeline_report,
        remove_bench_keys,
    )
    from bot.ops.settings import load_settings  # noqa: PLC0415
    from bot.store.keys import Keys  # noqa: PLC0415
    from bot.store.redis_store import RedisStore  # noqa: PLC0415

    # The bench's keys live under a prefix of their own and go when it ends: it never writes
    # findings into the audit trail or the counts of the bot that shares this Redis.
    store = RedisStore.from_settings(load_settings(), keys=Keys(BENCH_PREFIX))
    try:
        if not store.embedded and not args.allow_dirty and await holds_kodeks_data(store):
            msg = (
                "this Redis database already holds kodeks data (a running bot's?): point"
                " KODEKS_REDIS_URL at an empty database, or pass --allow-dirty"
            )
            raise ValueError(msg)
        capacity = await bench_pipeline(checker, store, corpus, args.messages, args.in_flight)
        await remove_bench_keys(store)
        paced = await bench_pipeline(
            checker, store, corpus, args.messages, args.in_flight, args.rate
        )
    finally:
        await remove_bench_keys(store)
        await store.close()
    return pipeline_report(capacity, paced, args.rate)


NO_REDIS = (
    "audit export reads the bot's Redis, and KODEKS_REDIS_URL is not set (the embedded store"
    " keeps nothing between runs): set it to the URL `kodeks run` uses"
)


def _run_audit_export(args: argparse.Namespace) -> int:
    from bot.ops.settings import load_settings  # noqa: PLC0415
    from bot.store.redis_store import RedisError  # noqa: PLC0415

    settings = load_settings()
    if settings.redis_url is None:
        sys.stderr.write(f"kodeks: {NO_REDIS}\n")
        return EXIT_USAGE
    try:
        import asyncio  # noqa: PLC0415 - only this command runs a loop; `check` starts faster

        asyncio.run(_export_audit(args.format, args.days, settings))
    except (RedisError, OSError) as error:
        # The URL may hold a password: name the error, never the URL.
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        sys.stderr.write(
            f"kodeks: Redis at KODEKS_REDIS_URL cannot be read ({type(error).__name__}:"
            f" {reason}); check that it runs and that the URL and password are right\n"
        )
        return EXIT_USAGE
    return EXIT_CLEAN


async def _export_audit(fmt: str, days: int, settings: Settings) -> None:
    from bot.audit.trail import export_audit  # noqa: PLC0415
    from bot.store.redis_store import RedisStore  # noqa: PLC0415

    store = RedisStore.from_settings(settings)
    try:
        await export_audit(fmt, days, sys.stdout, store)
    finally:
        await store.close()


def _run_scan(args: argparse.Namespace) -> int:
    import logging  # noqa: PLC0415

    from adapters.exports.reader import open_export  # noqa: PLC0415
    from bot.audit.run import ScanRequest, run_scan  # noqa: PLC0415
    from bot.ops.settings import load_settings  # noqa: PLC0415

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # its dictionary banner
    settings = load_settings()
    agency = find_agency(args.config)
    request = ScanRequest(
        args.export, args.out, args.json_out, args.csv_out, args.names, args.lang,
        configured=agency is not None,
    )  # fmt: skip
    store = None  # the report reads feedback from the bot's Redis, when there is one
    if settings.redis_url is not None:
        from bot.store.redis_store import RedisStore  # noqa: PLC0415 - only with a Redis

        store = partial(RedisStore.from_settings, settings)
    return run_scan(request, agency or AgencyConfig(), store, open_export)


def _run_bot(args: argparse.Namespace) -> int:
    from adapters.cli.compose import run  # noqa: PLC0415
    from adapters.cli.loop import run_async  # noqa: PLC0415
    from bot.ops.logs import setup_logging  # noqa: PLC0415
    from bot.ops.settings import load_settings  # noqa: PLC0415

    del args
    settings = load_settings()
    setup_logging(settings.log_level, settings.log_format)
    try:
        run_async(run(settings), settings.event_loop)
    except KeyboardInterrupt:
        return EXIT_CLEAN
    except RuntimeError as error:
        sys.stderr.write(f"kodeks: {error}\n")
        return EXIT_USAGE
    except ExceptionGroup as failures:  # a platform failed: the others were stopped cleanly
        for failure in failures.exceptions:
            sys.stderr.write(f"kodeks: {type(failure).__name__}: {failure}\n")
        return EXIT_FAILED
    return EXIT_CLEAN
