"""Splitting a data set into training, validation and test parts.

The training set fits the parameters, the validation set chooses hyperparameters
(and the epoch to stop at), and the test set is looked at once, at the end, to
estimate how the chosen model does on new data. Sheet 5 recommends 60/20/20 for
ordinary data sets and 98/1/1 when the data set is huge: one percent of a
million examples is still 10,000 examples, plenty for an estimate.
Chapter 11 (``book/11_training_in_practice.ipynb``).
"""

import math

import numpy as np

from ._validation import check_rng


def split_sizes(n, fractions=(0.6, 0.2, 0.2)):
    """How many of ``n`` examples go to (train, validation, test).

    validation = round(f_val * n), test = round(f_test * n), and training gets the
    rest, so the three counts always add up to n. ``fractions`` must be three
    non-negative numbers that sum to 1 (within 1e-9).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"split_sizes: n must be a positive integer, got {n!r}")
    fractions = _fractions(fractions)
    n_val = int(round(fractions[1] * n))
    n_test = int(round(fractions[2] * n))
    return int(n) - n_val - n_test, n_val, n_test


def train_val_test_split(X, y, rng, fractions=(0.6, 0.2, 0.2)):
    """Shuffle the rows of (X, y) with ``rng`` and cut them into three parts.

    X: (n, n_features); y: (n,) labels or (n, n_outputs) targets.
    rng: np.random.default_rng(seed), so the split is reproducible.
    Returns ((X_train, y_train), (X_val, y_val), (X_test, y_test)); every row of
    the input lands in exactly one part.
    """
    check_rng("train_val_test_split", rng)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"train_val_test_split: X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"train_val_test_split: X has {X.shape[0]} rows but y has {y.shape[0]}")
    n_train, n_val, _ = split_sizes(X.shape[0], fractions)
    order = rng.permutation(X.shape[0])
    parts = np.split(order, [n_train, n_train + n_val])
    return tuple((X[idx], y[idx]) for idx in parts)


def _fractions(fractions):
    """Three finite non-negative numbers summing to 1 (within 1e-9), as floats."""
    numbers = (int, float, np.integer, np.floating)
    if (isinstance(fractions, (str, bytes)) or not hasattr(fractions, "__iter__")
            or not all(isinstance(f, numbers) and not isinstance(f, (bool, np.bool_)) for f in fractions)):
        raise TypeError(f"split_sizes: fractions must be three numbers such as (0.6, 0.2, 0.2), got {fractions!r}")
    fractions = tuple(float(f) for f in fractions)
    if (len(fractions) != 3 or not all(math.isfinite(f) for f in fractions) or min(fractions) < 0
            or abs(sum(fractions) - 1.0) > 1e-9):
        raise ValueError(
            f"split_sizes: fractions must be three non-negative numbers summing to 1, got {fractions}"
        )
    return fractions
