"""Input checks shared by nnlib's layers, losses and optimisers.

Every check raises an error that names the object that complained, what it
expected and what it got, so that a student can act on it. Nothing is ever
silently reshaped or broadcast.
"""

import math

import numpy as np


class NonFiniteError(ValueError):
    """An array holds NaN or inf. ``array_name`` says which (training uses it to tell a
    diverged prediction from bad data)."""

    def __init__(self, owner, array_name):
        super().__init__(f"{owner}: {array_name} contains NaN or inf values")
        self.array_name = array_name


_total = np.add.reduce  # the sum, without ndarray.sum's Python-level wrapper


def as_batch(owner, name, array, n_features=None):
    """Return ``array`` as a finite 2-D float64 array of shape (n, n_features).

    ``owner`` names the layer or loss doing the check; ``name`` names the array.
    A 1-D array is refused rather than guessed at: (d,) could mean one sample
    or d samples of one feature.
    """
    # fast path for the common case (a float64 matrix of the right width): one reduction
    # checks finiteness, since a NaN or inf anywhere makes the sum NaN or inf
    if (type(array) is np.ndarray and array.dtype == np.float64 and array.ndim == 2
            and (n_features is None or array.shape[1] == n_features)):
        if math.isfinite(_total(array, axis=None)) or np.isfinite(array).all():  # the sum may overflow
            return array
        raise NonFiniteError(owner, name)
    if not isinstance(array, np.ndarray):
        if isinstance(array, (list, tuple)):
            array = np.asarray(array, dtype=np.float64)
        else:
            raise TypeError(f"{owner}: {name} must be a numpy array, got {type(array).__name__}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{owner}: {name} must hold numbers, got dtype {array.dtype}")
    if array.ndim != 2:
        hint = ""
        if array.ndim == 1:
            hint = " (use x.reshape(1, -1) for one sample or x.reshape(-1, 1) for one feature)"
        raise ValueError(
            f"{owner}: {name} must be 2-D with shape (n_samples, n_features), "
            f"got shape {array.shape}{hint}"
        )
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{owner}: {name} must have {n_features} features (columns), got shape {array.shape}"
        )
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise NonFiniteError(owner, name)
    return array


def same_shape(owner, prediction, target):
    """Refuse a target whose shape differs from the prediction's (no broadcasting)."""
    if prediction.shape != target.shape:
        raise ValueError(
            f"{owner}: target must have the prediction's shape {prediction.shape}, "
            f"got {target.shape}; reshape it yourself (for example y.reshape(-1, 1))"
        )


def positive_number(owner, name, value):
    """Return ``value`` as a float after checking that it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a finite number > 0, got {value}")
    return float(value)


def fraction(owner, name, value, *, inclusive_low=True):
    """Return ``value`` as a float after checking 0 <= value < 1 (or 0 < value < 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {type(value).__name__}")
    low_ok = value >= 0 if inclusive_low else value > 0
    if not (low_ok and value < 1):
        bound = "0 <=" if inclusive_low else "0 <"
        raise ValueError(f"{owner}: {name} must satisfy {bound} {name} < 1, got {value}")
    return float(value)
