"""Tiny data sets: truth tables, and 2-D point clouds generated from an explicit rng.

Nothing here downloads anything; the handwritten digits of chapter 11 come
from scikit-learn's package files (``load_digits``), loaded only when asked.
"""

import numpy as np

from ._validation import check_rng, finite_number, positive_integer

#: the four inputs of a two-input boolean function, in truth-table order
BOOLEAN_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def truth_table(name):
    """X (4, 2) and y (4, 1) for 'and', 'or', 'xor', 'xnor', 'nand' or 'nor'."""
    a, b = BOOLEAN_INPUTS[:, 0].astype(bool), BOOLEAN_INPUTS[:, 1].astype(bool)
    tables = {
        "and": a & b,
        "or": a | b,
        "xor": a ^ b,
        "xnor": ~(a ^ b),
        "nand": ~(a & b),
        "nor": ~(a | b),
    }
    key = str(name).lower()
    if key not in tables:
        raise ValueError(f"truth_table: name must be one of {sorted(tables)}, got {name!r}")
    return BOOLEAN_INPUTS.copy(), tables[key].astype(np.float64).reshape(-1, 1)


def boolean_function(index):
    """The boolean function of two inputs number ``index`` (0..15): its outputs on
    (0,0), (0,1), (1,0), (1,1) are the bits of ``index``, most significant first.
    Returns X (4, 2) and y (4, 1)."""
    index = positive_integer("boolean_function", "index", index, minimum=0)
    if index > 15:
        raise ValueError(f"boolean_function: index must be in 0..15, got {index!r}")
    bits = [(int(index) >> (3 - k)) & 1 for k in range(4)]
    return BOOLEAN_INPUTS.copy(), np.array(bits, dtype=np.float64).reshape(-1, 1)


def _check_args(name, n, rng, **amounts):
    """n a positive integer, rng a Generator, every amount (noise, factor, turns) a number in
    [0, 1e6] (beyond that the points' coordinates or angles lose all meaning)."""
    n = positive_integer(name, "n", n)
    check_rng(name, rng)
    for label, value in amounts.items():
        value = finite_number(name, label, value)
        if not 0 <= value <= 1e6:
            raise ValueError(f"{name}: {label} must be a number in [0, 1e6], got {value}")
    return n


def xor_blobs(n, rng, noise=0.15):
    """n points around the four corners (+-1, +-1); label 1 where the signs differ."""
    n = _check_args("xor_blobs", n, rng, noise=noise)
    corners = rng.integers(0, 2, size=(n, 2)) * 2 - 1
    X = corners + noise * rng.normal(size=(n, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.float64).reshape(-1, 1)
    return X, y


def circles(n, rng, noise=0.1, factor=0.5):
    """Two concentric rings: the outer one has radius 1, the inner one (class 1) radius ``factor``,
    a number in (0, 1)."""
    n = _check_args("circles", n, rng, noise=noise, factor=factor)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor (the inner ring's radius, the outer one's being 1) must be "
                         f"in (0, 1), got {factor}")
    labels = rng.integers(0, 2, size=n)
    angles = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(labels == 1, factor, 1.0)
    X = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])
    X += noise * rng.normal(size=X.shape)
    return X, labels.astype(np.float64).reshape(-1, 1)


def moons(n, rng, noise=0.1):
    """Two interleaving half circles; the lower, shifted one is class 1."""
    n = _check_args("moons", n, rng, noise=noise)
    labels = rng.integers(0, 2, size=n)
    t = rng.uniform(0, np.pi, size=n)
    X = np.where(
        labels[:, None] == 0,
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]),
    )
    X += noise * rng.normal(size=X.shape)
    return X, labels.astype(np.float64).reshape(-1, 1)


def spiral(n, rng, noise=0.1, turns=1.5):
    """Two interleaved spiral arms; the second arm (rotated by pi) is class 1."""
    n = _check_args("spiral", n, rng, noise=noise, turns=turns)
    labels = rng.integers(0, 2, size=n)
    r = rng.uniform(0.05, 1.0, size=n)
    theta = 2 * np.pi * turns * r + np.pi * labels
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    X += noise * rng.normal(size=X.shape)
    return X, labels.astype(np.float64).reshape(-1, 1)


def one_hot(labels, n_classes):
    """Integer labels (n,) -> one-hot rows (n, n_classes)."""
    n_classes = positive_integer("one_hot", "n_classes", n_classes)
    if isinstance(labels, np.ma.MaskedArray):
        raise TypeError("one_hot: labels must be a plain numpy array, got a masked array")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"one_hot: labels must be 1-D integers, got shape {labels.shape}, dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"one_hot: labels must lie in 0..{n_classes - 1}, got {labels.min()}..{labels.max()}")
    out = np.zeros((labels.size, n_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def load_digits():
    """scikit-learn's 8x8 handwritten digits (1797 images), read from its package files.

    Returns X (1797, 64) scaled to [0, 1] and integer labels y (1797,).
    """
    from sklearn.datasets import load_digits as _load  # imported here: only chapter 11 needs it

    data = _load()
    return data.data / 16.0, data.target.astype(np.int64)
