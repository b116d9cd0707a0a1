"""The learned layer: its features, its scores and a reproducible `kodeks train`."""

from __future__ import annotations

import json
from pathlib import Path

from bot.measure.evaluate import training_examples
from rules import ChatKind, CheckContext, Checker, Client, build_checker
from rules.learned import FEATURE_VERSION, LabelModel, features, load_model
from rules.model import Label
from rules.training import train
from tests.support import DATA

PROBE = DATA / "probe"


def test_names_of_clients_never_become_features(checker: Checker) -> None:
    scan, _ = checker.scan_with_rules(
        "Ромашка урезала бюджет, а Лисичкин нет", CheckContext(ChatKind.CLIENT, "Ласточка")
    )
    names = set(features(scan))
    assert "w:<client>" in names
    assert not any("ромашк" in name or "лисичкин" in name for name in names)


def test_classes_of_the_vocabulary_are_features(checker: Checker) -> None:
    scan, _ = checker.scan_with_rules("у нас сокращения", CheckContext(ChatKind.CLIENT))
    names = set(features(scan))
    assert {"k:agency_self", "k:trouble", "kk:agency_self+trouble"} <= names


def test_signs_of_mockery_are_cues_with_their_kind_of_chat(checker: Checker) -> None:
    scan, _ = checker.scan_with_rules(
        "Ромашка опять «хочу как у Apple» 😂", CheckContext(ChatKind.INTERNAL)
    )
    names = set(features(scan))
    assert {"c:laugh", "c:laugh+internal", "c:quote", "c:quote+internal"} <= names
    assert "c:roll" not in names
    plain, _ = checker.scan_with_rules("Ромашка прислала правки", CheckContext(ChatKind.INTERNAL))
    assert not {"c:laugh", "c:quote"} & set(features(plain))


def test_a_score_never_overflows() -> None:
    model = LabelModel(bias=0.0, weights={"w:x": -50.0, "w:y": 50.0}, sure=0.9, maybe=0.5)
    assert model.probability({"w:x": None}) < 0.001
    assert model.probability({"w:y": 3}) > 0.999
    huge = LabelModel(bias=-1e6, weights={}, sure=0.9, maybe=0.5)
    assert huge.probability({}) < 1e-300


def test_the_strongest_cue_is_the_token_whose_features_weigh_most() -> None:
    weights = {"w:a": 1.0, "b:a+b": 1.5, "w:c": 2.0}
    model = LabelModel(bias=0.0, weights=weights, sure=0.9, maybe=0.5)
    assert model.strongest({"w:a": 0, "b:a+b": 1, "w:c": 2, "c:question": None}) == 2
    assert model.strongest({"w:a": 0, "b:a+b": 0, "w:c": 2}) == 0  # 2.5 at token 0
    assert model.strongest({"c:question": None}) is None


def test_a_model_for_other_features_is_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"feature_version": FEATURE_VERSION + 1, "labels": {}}))
    assert load_model(path) is None
    assert load_model(tmp_path / "missing.json") is None


def test_training_is_reproducible() -> None:
    checker = build_checker(learned=False)
    first = train(list(training_examples(checker, PROBE)), seed=3)
    second = train(list(training_examples(checker, PROBE)), seed=3)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert set(first["labels"]) == {"condescension", "confidentiality"}
    for entry in first["labels"].values():
        assert entry["weights"]
        assert 0.0 < entry["maybe"] <= entry["sure"] <= 1.0


def test_likely_findings_come_only_when_asked_for() -> None:
    checker = build_checker([Client("Ромашка")])
    text = "Денис на больничном, у него что-то с сердцем."
    context = CheckContext(ChatKind.CLIENT, "Ромашка")
    asked = checker.check(text, context, tentative=True)
    learned = [f for f in asked if f.rule_id == "conf-learned"]
    assert learned and learned[0].label is Label.CONFIDENTIALITY
    sure = [f for f in checker.check(text, context) if f.rule_id == "conf-learned"]
    assert all(not f.tentative for f in sure)
    model = checker.learned
    assert model is not None
    assert all(f.tentative == (f.confidence < model.labels[f.label].sure) for f in asked)
