"""Each diagnosis rule fires on a history made for it and stays quiet on a healthy one (en, vi)."""

from __future__ import annotations

import math
import string

import pytest

from visionlab import i18n
from visionlab.errors import ConfigError
from visionlab.evaluation import diagnosis
from visionlab.evaluation.diagnosis import diagnose
from visionlab.evaluation.findings import SEVERITY_ORDER, Finding


def make_history(accuracy, val_accuracy, loss, val_loss, lr=None):
    rows = []
    for index, values in enumerate(zip(accuracy, val_accuracy, loss, val_loss)):
        row = dict(zip(("accuracy", "val_accuracy", "loss", "val_loss"), values))
        row.update(epoch=index + 1, phase="", lr=lr if lr is not None else 0.001, seconds=1.0)
        rows.append(row)
    return rows


def healthy():
    """Ten epochs: accuracies climb together, both losses fall steadily."""
    accuracy = [0.80 + 0.014 * index for index in range(10)]          # 0.80 -> 0.926
    val_accuracy = [value - 0.008 for value in accuracy]               # gap 0.8 points
    loss = [0.60 - 0.035 * index for index in range(10)]
    val_loss = [value + 0.03 for value in loss]
    return make_history(accuracy, val_accuracy, loss, val_loss)


def overfitting():
    accuracy = [0.90, 0.95, 0.97, 0.985, 0.99, 0.995, 0.998, 0.999]
    val_accuracy = [0.93, 0.955, 0.962, 0.963, 0.962, 0.961, 0.960, 0.960]
    loss = [0.30, 0.15, 0.09, 0.05, 0.03, 0.02, 0.01, 0.005]
    val_loss = [0.20, 0.15, 0.13, 0.14, 0.16, 0.19, 0.22, 0.25]          # minimum at epoch 3
    return make_history(accuracy, val_accuracy, loss, val_loss)


def underfitting():
    accuracy = [0.40, 0.45, 0.48, 0.50, 0.52, 0.53]
    val_accuracy = [0.41, 0.45, 0.47, 0.50, 0.51, 0.525]
    loss = [1.8, 1.6, 1.5, 1.4, 1.3, 1.2]
    return make_history(accuracy, val_accuracy, loss, [value + 0.02 for value in loss])


def chance_level():
    """Constant initialization on MNIST: stuck at the majority class ('1', 11.35%)."""
    flat = [0.1124, 0.1124, 0.1124, 0.1124]
    return make_history(flat, [0.1135] * 4, [2.3012] * 4, [2.3010] * 4)


def mnist_chance_metrics():
    supports = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    names = [str(digit) for digit in range(10)]
    matrix = [[0] * 10 for _ in range(10)]
    for label, support in enumerate(supports):
        matrix[label][1] = support                                      # everything predicted '1'
    return {"test_accuracy": 0.1135, "class_names": names, "confusion_matrix": matrix,
            "per_class": {name: {"precision": 0.1135 if name == "1" else 0.0,
                                 "recall": 1.0 if name == "1" else 0.0,
                                 "f1": 0.2 if name == "1" else 0.0, "support": support}
                          for name, support in zip(names, supports)}}


def nan_loss():
    return make_history([0.7, 0.8, 0.1, 0.1], [0.7, 0.8, 0.1, 0.1], [1.0, 0.6, math.nan, math.nan],
                        [0.9, 0.6, math.nan, math.nan])


def exploding():
    return make_history([0.7, 0.6, 0.3, 0.1], [0.7, 0.5, 0.2, 0.1], [1.2, 3.0, 40.0, 900.0],
                        [1.1, 5.0, 60.0, 1000.0])


def zigzag():
    accuracy = [0.85, 0.88, 0.89, 0.90, 0.90, 0.91, 0.91, 0.91, 0.92]
    val_accuracy = [0.84, 0.86, 0.87, 0.89, 0.86, 0.90, 0.87, 0.89, 0.91]
    loss = [0.50, 0.40, 0.36, 0.33, 0.31, 0.30, 0.29, 0.28, 0.27]
    val_loss = [0.60, 0.42, 0.62, 0.40, 0.65, 0.41, 0.60, 0.45, 0.38]
    return make_history(accuracy, val_accuracy, loss, val_loss, lr=0.1)


def plateau():
    val_accuracy = [0.80, 0.85, 0.88, 0.90, 0.9005, 0.8995, 0.9008, 0.9002, 0.9009, 0.9001]
    accuracy = [value + 0.005 for value in val_accuracy]
    loss = [0.6, 0.45, 0.38, 0.33, 0.32, 0.31, 0.30, 0.295, 0.29, 0.285]
    val_loss = [0.62, 0.47, 0.40, 0.35, 0.345, 0.348, 0.344, 0.346, 0.343, 0.345]
    return make_history(accuracy, val_accuracy, loss, val_loss)


def validation_above_train():
    accuracy = [0.70, 0.78, 0.82, 0.84, 0.85]
    val_accuracy = [0.78, 0.84, 0.86, 0.875, 0.88]
    loss = [0.8, 0.6, 0.5, 0.45, 0.42]
    return make_history(accuracy, val_accuracy, loss, [value - 0.08 for value in loss])


def bn_lag():
    """The codelab CNN with batch norm on 2,700 real MNIST images, precise BN off (issue 13):
    training accuracy climbs to 99.96% while validation, read with Keras's lagging moving
    statistics, sits at 13-20% for four epochs."""
    return make_history([0.8467, 0.9756, 0.9956, 0.9985, 0.9981, 0.9996],
                        [0.2067, 0.1267, 0.1600, 0.1867, 0.5033, 0.7533],
                        [0.5031, 0.1030, 0.0437, 0.0211, 0.0243, 0.0108],
                        [1.9285, 2.0479, 1.8901, 1.7234, 1.1859, 0.7450])


# run.json's batch-norm facts of that run: 4 trainable layers, 43 steps per epoch.
BN_FACTS = {"trainable_layers": 4, "momentum": 0.99, "steps_per_epoch": 43}


def per_class(recalls, supports):
    return {"per_class": {name: {"precision": 0.9, "recall": recall, "f1": 0.9, "support": support}
                          for name, recall, support in zip(("shirt", "trouser", "bag"), recalls,
                                                           supports)}}


# rule -> (keyword arguments for diagnose, expected severity)
CASES = {
    "overfitting": ({"history": overfitting()}, "warning"),
    "underfitting": ({"history": underfitting()}, "warning"),
    "learned_nothing": ({"history": chance_level(), "metrics": mnist_chance_metrics()}, "problem"),
    "divergence": ({"history": nan_loss()}, "problem"),
    "high_learning_rate": ({"history": zigzag()}, "warning"),
    "plateau": ({"history": plateau()}, "info"),
    "validation_above_train": ({"history": validation_above_train()}, "info"),
    "recall_spread": ({"history": healthy(), "metrics": per_class([0.62, 0.99, 0.93],
                                                                [100, 100, 100])}, "warning"),
    "class_imbalance": ({"history": healthy(), "metrics": per_class([0.9, 0.92, 0.91],
                                                                  [1000, 900, 100])}, "warning"),
    "dead_units": ({"history": healthy(), "dead_units": {"dense_1": 0.37, "dense_2": 0.05}},
                   "warning"),
    "bn_lag": ({"history": bn_lag(), "batch_norm": BN_FACTS, "num_classes": 10}, "problem"),
}


def rules(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def test_healthy_run_gives_one_info_finding_with_numbers():
    findings = diagnose(healthy(), metrics={"test_accuracy": 0.915}, num_classes=10)
    assert rules(findings) == ["healthy"]
    assert findings[0].severity == "info"
    message = findings[0].message
    assert "91.8%" in message and "92.6%" in message and "0.8 points" in message
    assert "91.5%" in message  # test accuracy quoted too
    assert findings[0].numbers["best_epoch"] == 10


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_history(rule):
    arguments, severity = CASES[rule]
    findings = diagnose(**arguments)
    fired = {finding.rule: finding for finding in findings}
    assert rule in fired, rules(findings)
    assert fired[rule].severity == severity
    assert fired[rule].message and fired[rule].knob and fired[rule].numbers


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_stays_quiet_on_healthy_history(rule):
    assert rule not in rules(diagnose(healthy(), metrics=per_class([0.9, 0.92, 0.91],
                                                                   [100, 110, 95]),
                                      dead_units={"dense": 0.02}))


def test_overfitting_quotes_gap_and_epoch_where_validation_loss_turns():
    finding = next(f for f in diagnose(overfitting()) if f.rule == "overfitting")
    assert "train accuracy 99.9% vs validation 96.0%" in finding.message.lower()
    assert "gap of 3.9 points" in finding.message
    assert "from epoch 3" in finding.message
    assert finding.numbers["loss_rise_from_epoch"] == 3
    assert finding.numbers["gap"] == pytest.approx(0.039)
    assert "dropout" in finding.knob


def test_batch_norm_lag_is_named_instead_of_overfitting():
    metrics = {"test_accuracy": 0.194}
    # From the curves alone it looks like overfitting (the old, wrong diagnosis) ...
    assert "overfitting" in rules(diagnose(bn_lag(), metrics=metrics, num_classes=10))
    # ... but with the run's batch-norm facts the cause is named, and overfitting is not.
    findings = diagnose(bn_lag(), metrics=metrics, num_classes=10, batch_norm=BN_FACTS)
    assert rules(findings)[0] == "bn_lag"
    assert not {"overfitting", "learned_nothing", "plateau"} & set(rules(findings))
    finding = findings[0]
    assert finding.numbers["steps"] == 258 and finding.numbers["trainable_layers"] == 4
    assert finding.numbers["start_share"] == pytest.approx(0.99 ** 258)
    message = finding.message
    assert "This is not overfitting" in message and "258 steps" in message
    assert "100.0%" in message and "20.7%" in message and "75.3%" in message
    assert "momentum 0.99" in message and "moving averages" in message
    for knob in ("train.precise_bn = true", "visionlab recalibrate-bn", "model.bn_momentum",
                 "train.batch_size", "more epochs"):
        assert knob in finding.knob
    vietnamese = diagnose(bn_lag(), metrics=metrics, num_classes=10, batch_norm=BN_FACTS,
                          lang="vi")[0]
    assert vietnamese.rule == "bn_lag"
    assert "không phải là quá khớp" in vietnamese.message and "20,7%" in vietnamese.message
    assert "train.precise_bn" in vietnamese.knob and "model.bn_momentum" in vietnamese.knob


def test_batch_norm_lag_stays_quiet_on_true_overfitting_with_batch_norm():
    # Validation tracked training in the first epochs and fell behind later: real overfitting,
    # even in a small batch-norm model.
    findings = diagnose(overfitting(), num_classes=10,
                        batch_norm={"trainable_layers": 3, "momentum": 0.99,
                                    "steps_per_epoch": 20})
    assert "bn_lag" not in rules(findings) and "overfitting" in rules(findings)
    findings = diagnose(overfitting(), num_classes=10, lang="vi",
                        batch_norm={"trainable_layers": 3, "momentum": 0.99,
                                    "steps_per_epoch": 20})
    assert "bn_lag" not in rules(findings) and "overfitting" in rules(findings)


@pytest.mark.parametrize("facts", [
    {**BN_FACTS, "precise_bn": {"mode": "auto", "active": True}},   # validation was precise
    {**BN_FACTS, "steps_per_epoch": 938},                            # 5,628 steps: not few
    {**BN_FACTS, "trainable_layers": 0},                             # no trainable batch norm
    {},                                                              # facts unknown
], ids=["precise-bn-active", "many-steps", "no-batch-norm", "no-facts"])
def test_batch_norm_lag_needs_every_part_of_its_signature(facts):
    assert "bn_lag" not in rules(diagnose(bn_lag(), num_classes=10, batch_norm=facts))


def test_batch_norm_lag_quotes_a_recalibration():
    facts = {**BN_FACTS, "recalibrated": {"test_accuracy_before": 0.194, "test_accuracy": 0.958}}
    finding = diagnose(bn_lag(), num_classes=10, batch_norm=facts)[0]
    assert "test accuracy 19.4% → 95.8%" in finding.message
    assert finding.numbers["recalibrated_test_accuracy"] == pytest.approx(0.958)
    assert "95,8%" in finding.message_in("vi")


def test_large_gap_is_a_problem():
    history = make_history([0.99, 1.0], [0.80, 0.85], [0.1, 0.01], [0.5, 0.5])
    finding = next(f for f in diagnose(history) if f.rule == "overfitting")
    assert finding.severity == "problem"


def test_learned_nothing_explains_symmetric_weights_and_majority_class():
    findings = diagnose(chance_level(), metrics=mnist_chance_metrics())
    assert rules(findings)[0] == "learned_nothing"
    message = findings[0].message
    assert "11.35%" in message and "10.00%" in message
    assert "same gradient" in message and "identical" in message
    assert "only 1 of the 10 classes" in message
    assert findings[0].numbers["majority_share"] == pytest.approx(0.1135)
    # The redundant rules are not piled on top.
    assert "underfitting" not in rules(findings) and "plateau" not in rules(findings)


def test_learned_nothing_uses_class_names_for_chance_without_metrics():
    history = make_history([0.5, 0.51], [0.5, 0.52], [0.69, 0.69], [0.69, 0.69])
    assert "learned_nothing" in rules(diagnose(history, class_names=["cat", "dog"]))
    assert "learned_nothing" not in rules(diagnose(history))  # chance unknown


def test_divergence_names_the_epoch_and_exploding_loss():
    finding = next(f for f in diagnose(nan_loss()) if f.rule == "divergence")
    assert finding.numbers == {"column": "loss", "epoch": 3}
    exploded = next(f for f in diagnose(exploding()) if f.rule == "divergence")
    assert exploded.numbers["epoch"] == 4 and exploded.numbers["factor"] == pytest.approx(750)


def test_underfitting_says_whether_more_epochs_help():
    finding = next(f for f in diagnose(underfitting()) if f.rule == "underfitting")
    assert "still falling" in finding.message
    flat = make_history([0.5] * 6, [0.5] * 6, [1.2] * 6, [1.2] * 6)
    finding = next(f for f in diagnose(flat) if f.rule == "underfitting")
    assert "flattened" in finding.message


def test_high_learning_rate_counts_reversals_and_quotes_learning_rate():
    finding = next(f for f in diagnose(zigzag()) if f.rule == "high_learning_rate")
    assert finding.numbers["reversals"] >= diagnosis.NOISY_MIN_REVERSALS
    assert finding.numbers["learning_rate"] == pytest.approx(0.1)


def test_plateau_counts_epochs_since_last_improvement():
    finding = next(f for f in diagnose(plateau()) if f.rule == "plateau")
    assert finding.numbers["epochs_without_improvement"] == 6
    assert finding.numbers["since_epoch"] == 4 and finding.numbers["best_epoch"] == 9
    assert "since epoch 4" in finding.message and "best 90.1% at epoch 9" in finding.message
    assert "EarlyStopping" in finding.knob


def test_class_rules_name_the_classes():
    spread = next(f for f in diagnose(**CASES["recall_spread"][0]) if f.rule == "recall_spread")
    assert "shirt" in spread.message and "trouser" in spread.message and "37.0" in spread.message
    imbalance = next(f for f in diagnose(**CASES["class_imbalance"][0])
                     if f.rule == "class_imbalance")
    assert imbalance.numbers["ratio"] == pytest.approx(10.0)


def test_dead_units_quote_the_layer_share():
    finding = next(f for f in diagnose(**CASES["dead_units"][0]) if f.rule == "dead_units")
    assert "layer dense_1: 37% of units never activate" in finding.message
    assert "dense_2" not in finding.message
    severe = diagnose(healthy(), dead_units={"conv2d": 0.8})
    assert severe[0].rule == "dead_units" and severe[0].severity == "problem"


def test_findings_are_ordered_by_severity():
    findings = diagnose(overfitting(), metrics=mnist_chance_metrics() | {"test_accuracy": 0.95})
    order = [SEVERITY_ORDER[finding.severity] for finding in findings]
    assert order == sorted(order)


def test_empty_history_is_reported_not_crashed():
    assert rules(diagnose([])) == ["no_history"]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_vietnamese_text_for_every_rule(rule):
    english = next(f for f in diagnose(**CASES[rule][0]) if f.rule == rule)
    vietnamese = next(f for f in diagnose(**CASES[rule][0], lang="vi") if f.rule == rule)
    assert vietnamese.message and vietnamese.knob
    assert vietnamese.message != english.message and vietnamese.knob != english.knob
    assert vietnamese.numbers == english.numbers


def test_vietnamese_overfitting_uses_teacher_terms_and_decimal_comma():
    finding = next(f for f in diagnose(overfitting(), lang="vi") if f.rule == "overfitting")
    assert "quá khớp (overfitting)" in finding.message
    assert "99,9%" in finding.message and "tập kiểm định" in finding.message


@pytest.mark.parametrize("rule", sorted(CASES))
def test_findings_carry_keys_and_render_in_any_language_later(rule):
    english = next(f for f in diagnose(**CASES[rule][0]) if f.rule == rule)
    vietnamese = next(f for f in diagnose(**CASES[rule][0], lang="vi") if f.rule == rule)
    assert all(sentence.key.startswith("diagnosis.") for sentence in english.sentences)
    assert english.message_in("vi") == vietnamese.message
    assert english.in_language("vi").knob == vietnamese.knob
    assert vietnamese.in_language("en").message == english.message


def test_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError, match="'fr'.*en, vi"):
        diagnose(healthy(), lang="fr")
    with pytest.raises(ConfigError):
        i18n.t("section.diagnosis", "de")


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_message_key_exists_in_both_languages_with_same_placeholders():
    english, vietnamese = i18n.MESSAGES["en"], i18n.MESSAGES["vi"]
    assert set(english) == set(vietnamese)
    for key in english:
        assert _placeholders(english[key]) == _placeholders(vietnamese[key]), key
        for lang in i18n.LANGUAGES:
            values = {name: "1" for name in _placeholders(english[key])}
            assert i18n.t(key, lang, **values).strip(), (key, lang)


def test_every_rule_has_title_knob_and_message_keys():
    rule_names = set(CASES) | {"healthy", "no_history"}
    for rule in rule_names:
        for lang in i18n.LANGUAGES:
            assert i18n.t(f"rule.{rule}", lang)
            assert i18n.t(f"diagnosis.{rule}.knob", lang, patience=3, epochs=2)


def test_number_formats_follow_the_language():
    assert i18n.format_percent(0.1135, "en", 2) == "11.35%"
    assert i18n.format_percent(0.1135, "vi", 2) == "11,35%"
    assert i18n.format_count(60000, "vi") == "60.000"
    assert i18n.format_seconds(3725) == "1 h 02 min"
    assert i18n.format_percent(math.nan) == "–"
