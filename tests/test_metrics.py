"""Tests of nnlib.metrics (chapter 11)."""

import numpy as np
import pytest

from nnlib.metrics import accuracy, confusion_matrix, predicted_labels


def test_predicted_labels():
    scores = np.array([[0.1, 0.7, 0.2], [2.0, -1.0, 0.5], [0.0, 0.0, 3.0]])
    assert predicted_labels(scores).tolist() == [1, 0, 2]
    assert predicted_labels(np.array([[0.2], [0.5], [0.9]])).tolist() == [0, 1, 1]
    assert predicted_labels(np.array([[0.2], [0.5]]), threshold=0.6).tolist() == [0, 0]
    with pytest.raises(ValueError, match="2-D"):
        predicted_labels(np.zeros(3))


def test_accuracy():
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    assert accuracy(np.array([3]), np.array([3])) == 1.0
    with pytest.raises(ValueError, match="shape"):
        accuracy(np.array([0, 1]), np.array([0]))
    with pytest.raises(ValueError, match="integer"):
        accuracy(np.array([0.0, 1.0]), np.array([0, 1]))


def test_confusion_matrix_by_hand():
    y = np.array([0, 0, 1, 2, 2, 2])
    p = np.array([0, 1, 1, 2, 0, 2])
    C = confusion_matrix(y, p, 3)
    assert C.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_confusion_matrix_properties():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    C = confusion_matrix(y, p, 5)
    assert C.sum() == 300
    assert C.sum(axis=1).tolist() == np.bincount(y, minlength=5).tolist()
    assert C.sum(axis=0).tolist() == np.bincount(p, minlength=5).tolist()
    assert np.trace(C) / C.sum() == pytest.approx(accuracy(y, p))


def test_confusion_matrix_range():
    with pytest.raises(ValueError, match="0..2"):
        confusion_matrix(np.array([0, 3]), np.array([0, 1]), 3)
