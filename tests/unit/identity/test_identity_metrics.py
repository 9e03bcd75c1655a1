import pytest

from parity.identity.metrics import linkage_metrics, metrics_by_group


def test_pairwise_metrics_and_false_merges_on_a_hand_made_case() -> None:
    # People: A has a1, a2, a3; B has b1, b2; C has c1.
    truth = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}
    # Predicted: {a1, a2}, {a3}, {b1, b2, c1}: 1 + 1 correct pairs of 1 + 3 predicted and 3 + 1 true pairs.
    predicted = {"a1": "x", "a2": "x", "a3": "y", "b1": "z", "b2": "z", "c1": "z"}
    metrics = linkage_metrics(predicted, truth)
    assert (metrics.true_pairs, metrics.predicted_pairs, metrics.correct_pairs) == (4, 4, 2)
    assert metrics.precision == pytest.approx(0.5)
    assert metrics.recall == pytest.approx(0.5)
    assert metrics.f1 == pytest.approx(0.5)
    # One of the three predicted clusters joins two people.
    assert metrics.false_merge_rate == pytest.approx(1 / 3)
    assert metrics.summary_line() == "precision=0.5000 recall=0.5000 f1=0.5000 false_merge_rate=0.3333"


def test_no_predicted_pairs_is_perfect_precision_and_zero_recall() -> None:
    metrics = linkage_metrics({"a1": "1", "a2": "2"}, {"a1": "A", "a2": "A"})
    assert (metrics.precision, metrics.recall, metrics.false_merge_rate) == (1.0, 0.0, 0.0)


def test_metrics_per_group_leave_out_pairs_across_groups() -> None:
    truth = {"e1": "P", "e2": "P", "s1": "Q", "s2": "R"}
    predicted = {"e1": "c", "e2": "c", "s1": "d", "s2": "d"}
    groups = {"e1": "ERI", "e2": "ERI", "s1": "SDN", "s2": "SDN"}
    by_group = metrics_by_group(predicted, truth, groups)
    assert by_group["ERI"].f1 == 1.0
    assert by_group["SDN"].precision == 0.0
    assert by_group["SDN"].false_merge_rate == 1.0
