"""Fail when `kodeks eval --json` falls below the checker's quality floor.

Usage: kodeks eval CORPUS --json | python scripts/quality_gate.py --f1 0.90 --false-alarm 0.03
       kodeks eval CORPUS --json | python scripts/quality_gate.py --recall rudeness=0.85
       kodeks eval CORPUS --json | python scripts/quality_gate.py --label-f1 familiarity=0.9
"""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    """Read one eval result from stdin; print it and every floor it misses."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--f1", type=float, help="the floor for every label's F1")
    parser.add_argument("--recall", action="append", default=[], help="LABEL=FLOOR")
    parser.add_argument("--label-f1", action="append", default=[], help="LABEL=FLOOR of F1")
    parser.add_argument("--false-alarm", type=float, required=True, help="clean false-alarm cap")
    args = parser.parse_args()
    result = json.load(sys.stdin)
    misses = []
    for label, figures in result["labels"].items():
        sys.stdout.write(
            f"{label:16} P {figures['precision']:.3f} R {figures['recall']:.3f}"
            f" F1 {figures['f1']:.3f}\n"
        )
        if args.f1 is not None and figures["f1"] < args.f1:
            misses.append(f"{label} F1 {figures['f1']} < {args.f1}")
    for name, floors in (("recall", args.recall), ("f1", args.label_f1)):
        for floor in floors:
            label, value = floor.split("=")
            if result["labels"][label][name] < float(value):
                misses.append(f"{label} {name} {result['labels'][label][name]} < {value}")
    alarm = result["clean_false_alarm"]
    sys.stdout.write(f"clean false alarm {alarm:.4f}, {result['messages_per_second']:.0f} msg/s\n")
    if alarm > args.false_alarm:
        misses.append(f"clean false alarm {alarm} > {args.false_alarm}")
    for miss in misses:
        sys.stderr.write(f"BELOW THE FLOOR: {miss}\n")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
