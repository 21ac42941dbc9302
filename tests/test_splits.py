"""Tests of nnlib.splits (chapter 11)."""

import numpy as np
import pytest

from nnlib.splits import split_sizes, train_val_test_split


@pytest.mark.parametrize("n", [1, 5, 10, 1797, 1_000_000])
@pytest.mark.parametrize("fractions", [(0.6, 0.2, 0.2), (0.98, 0.01, 0.01), (0.8, 0.1, 0.1)])
def test_sizes_add_up(n, fractions):
    sizes = split_sizes(n, fractions)
    assert sum(sizes) == n
    assert all(s >= 0 for s in sizes)
    assert sizes[1] == round(fractions[1] * n) and sizes[2] == round(fractions[2] * n)


def test_sizes_of_a_million():
    assert split_sizes(1_000_000, (0.98, 0.01, 0.01)) == (980_000, 10_000, 10_000)
    assert split_sizes(1_000_000) == (600_000, 200_000, 200_000)


@pytest.mark.parametrize("bad", [(0.5, 0.2, 0.2), (0.6, 0.4), (1.2, -0.1, -0.1)])
def test_bad_fractions(bad):
    with pytest.raises(ValueError, match="split_sizes"):
        split_sizes(100, bad)


def test_bad_n():
    with pytest.raises(ValueError, match="positive integer"):
        split_sizes(0)


def test_split_is_a_partition_and_keeps_pairs():
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.arange(100)
    parts = train_val_test_split(X, y, np.random.default_rng(0))
    assert [len(p[0]) for p in parts] == [60, 20, 20]
    seen = np.concatenate([p[1] for p in parts])
    assert sorted(seen.tolist()) == list(range(100))
    for Xp, yp in parts:
        np.testing.assert_array_equal(Xp[:, 0], 2 * yp)  # rows stay with their labels


def test_split_is_seeded_and_shuffled():
    X, y = np.arange(50.0).reshape(-1, 1), np.arange(50)
    a = train_val_test_split(X, y, np.random.default_rng(3))
    b = train_val_test_split(X, y, np.random.default_rng(3))
    c = train_val_test_split(X, y, np.random.default_rng(4))
    np.testing.assert_array_equal(a[0][1], b[0][1])
    assert not np.array_equal(a[0][1], c[0][1])
    assert not np.array_equal(a[0][1], np.arange(30))


def test_split_errors():
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(TypeError, match="Generator"):
        train_val_test_split(X, y, 0)
    with pytest.raises(ValueError, match="rows"):
        train_val_test_split(X, y[:5], np.random.default_rng(0))
    with pytest.raises(ValueError, match="2-D"):
        train_val_test_split(np.zeros(10), y, np.random.default_rng(0))
