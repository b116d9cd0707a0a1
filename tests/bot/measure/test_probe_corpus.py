"""A regression guard: the checker on the project's own probe corpus (`tests/data/probe`).

The probe holds lines written for the tests, not taken from any shared corpus: careless and
over-familiar replies, talking down to clients, other clients' secrets and the agency's internal
affairs, and clean lines that look like them (ordinary words that are client names, slogans in
quotes, polite imperatives, firm disagreement, our own figures, colleagues among themselves).
"""

from __future__ import annotations

import pytest

from bot.measure.evaluate import CorpusLine, Score, corpus_checker, evaluate, read_corpus
from rules import CheckContext, build_checker
from tests.support import DATA

PROBE = DATA / "probe"
MIN_F1 = 0.85
MAX_CLEAN_FALSE_ALARM = 0.03


@pytest.fixture(scope="module")
def score() -> Score:
    return evaluate(build_checker(), PROBE)


@pytest.mark.parametrize("label", ["familiarity", "condescension", "confidentiality"])
def test_each_label_keeps_its_f1(score: Score, label: str) -> None:
    figures = score.tallies[label].as_dict()
    assert figures["f1"] >= MIN_F1, figures


def test_clean_lines_rarely_raise_an_alarm(score: Score) -> None:
    assert score.clean > 100
    assert score.clean_alarms / score.clean <= MAX_CLEAN_FALSE_ALARM


DISGUISE_PREFIX = "tp-"  # the train split's disguise probe: мат in every disguise, and its traps
TRAIN = DATA.parent.parent / "rules" / "corpus" / "train"


def test_disguised_mat_is_found_and_its_traps_left_alone() -> None:
    checker = corpus_checker(build_checker(), TRAIN)
    found = missed = clean = alarms = 0
    for line in read_corpus(TRAIN):
        if line.ambiguous or not line.id.startswith(DISGUISE_PREFIX):
            continue
        labels = {f.label.value for f in checker.check(line.text, _context(line))}
        if "rudeness" in line.expect:
            found += "rudeness" in labels
            missed += "rudeness" not in labels
        elif not line.expect:
            clean += 1
            alarms += bool(labels)
    assert found + missed > 300 and clean > 300
    assert found / (found + missed) >= 0.95, (found, missed)
    assert alarms / clean <= 0.02, (alarms, clean)


def _context(line: CorpusLine) -> CheckContext:
    return CheckContext(line.chat, line.client)
