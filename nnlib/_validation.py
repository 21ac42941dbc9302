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


_all = np.logical_and.reduce  # all(), without ndarray.all's Python-level wrapper


def all_finite(array):
    """True when a float64 array holds no NaN and no inf, without any floating-point warning.

    (A sum would be one pass too, but it overflows, and warns, for entries near 1e308.)
    """
    return bool(_all(np.isfinite(array), axis=None))


_total = np.add.reduce  # the sum, without ndarray.sum's Python-level wrapper


class quiet:
    """``quiet.on`` is True while ``nnlib.train_step`` runs inside its own
    ``np.errstate(over="ignore", invalid="ignore")``: the checks may then use the faster
    ``all_finite_quiet``, whose sum could otherwise warn."""

    on = False


def all_finite_quiet(array):
    """``all_finite`` for callers that run inside ``np.errstate(over="ignore", invalid="ignore")``
    (an optimiser's step): one sum, which is NaN or inf if any entry is, checked again entry by
    entry when it overflowed."""
    return math.isfinite(_total(array, axis=None)) or all_finite(array)


def _type_name(value):
    return type(value).__name__


def _refuse_array_subclasses(owner, name, array):
    if isinstance(array, np.ma.MaskedArray):
        raise TypeError(f"{owner}: {name} must be a plain numpy array, got a masked array "
                        "(its mask would be ignored: fill or drop the masked entries first)")
    if isinstance(array, np.matrix):
        return np.asarray(array)
    return array


def _as_numeric_array(owner, name, array):
    """An ndarray of real numbers (float, int, uint, bool kinds) from an array or a (nested) list."""
    if isinstance(array, np.ndarray):
        array = _refuse_array_subclasses(owner, name, array)
    elif isinstance(array, (list, tuple)):
        try:
            array = np.asarray(array)
        except ValueError:
            raise ValueError(f"{owner}: {name} must be a rectangular array, got a ragged list") from None
    else:
        raise TypeError(f"{owner}: {name} must be a numpy array, got {_type_name(array)}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{owner}: {name} must hold real numbers, got dtype {array.dtype}")
    return array


def real_array(owner, name, value):
    """``value`` (an array, a list or a number) as a finite float64 array of any shape."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        value = np.asarray(value, dtype=np.float64)
    array = _as_numeric_array(owner, name, value)
    array = np.asarray(array, dtype=np.float64)
    if not all_finite(array):
        raise NonFiniteError(owner, name)
    return array


def as_batch(owner, name, array, n_features=None):
    """Return ``array`` as a finite 2-D float64 array of shape (n, n_features).

    ``owner`` names the layer or loss doing the check; ``name`` names the array.
    A 1-D array is refused rather than guessed at: (d,) could mean one sample
    or d samples of one feature.
    """
    # fast path for the common case (a float64 matrix of the right width): one dot product
    # checks finiteness (see all_finite)
    if (type(array) is np.ndarray and array.dtype == np.float64 and array.ndim == 2 and array.size
            and (n_features is None or array.shape[1] == n_features)):
        if all_finite_quiet(array) if quiet.on else all_finite(array):
            return array
        raise NonFiniteError(owner, name)
    array = _as_numeric_array(owner, name, array)
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
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{owner}: {name} must hold at least one sample and one feature, got shape {array.shape}")
    if array.dtype != np.float64:
        array = array.astype(np.float64)  # ints, bools, float16/32: computed in float64
    if not all_finite(array):
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
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a finite number > 0, got {value}")
    return float(value)


def fraction(owner, name, value, *, inclusive_low=True):
    """Return ``value`` as a float after checking 0 <= value < 1 (or 0 < value < 1)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} ({type(value).__name__})")
    if isinstance(value, np.bool_):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r}")
    low_ok = value >= 0 if inclusive_low else value > 0
    if not (low_ok and value < 1):
        bound = "0 <=" if inclusive_low else "0 <"
        raise ValueError(f"{owner}: {name} must satisfy {bound} {name} < 1, got {value}")
    return float(value)


def boolean(owner, name, value):
    """Return ``value`` after checking that it is a bool (a string such as 'False' is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r} ({_type_name(value)})")
    return bool(value)


def positive_integer(owner, name, value, *, minimum=1):
    """Return ``value`` as an int after checking that it is an integer >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be an integer, got {value!r} ({_type_name(value)})")
    if value < minimum:
        raise ValueError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def finite_number(owner, name, value):
    """Return ``value`` as a float after checking that it is a finite real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} ({_type_name(value)})")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be a finite number, got {value}")
    return float(value)


def check_rng(owner, rng):
    """Refuse anything but a numpy Generator (randomness is always explicit)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{owner}: rng must be a numpy Generator such as np.random.default_rng(0), "
                        f"got {_type_name(rng)}")


def layer_width(owner, name, value):
    """Return ``value`` as an int after checking that it is an integer >= 1 (a layer's width)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name} must be a positive integer, got {value!r} ({_type_name(value)})")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def non_negative_number(owner, name, value):
    """Return ``value`` as a float after checking that it is a finite number >= 0."""
    number = finite_number(owner, name, value)
    if number < 0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")
    return number


def one_of(owner, name, value, options):
    """Return ``value`` after checking that it is one of ``options`` (two or more strings)."""
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
        raise ValueError(f"{owner}: {name} must be {allowed}, got {value!r}")
    return value


def optional_name(owner, name):
    """Refuse a name that is neither None nor a string."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{owner}: name must be a string, got {_type_name(name)}")
    return name


def forward_done(owner, cached):
    """Refuse a backward pass before any forward pass (``cached`` is what forward keeps)."""
    if cached is None:
        raise RuntimeError(f"{owner}: backward() called before forward()")


def output_gradient(owner, grad_output, expected_shape):
    """dL/d(output) as a finite float64 array of exactly the output's shape."""
    if not isinstance(grad_output, np.ndarray):
        raise TypeError(f"{owner}: grad_output must be a numpy array, got {_type_name(grad_output)}")
    if grad_output.shape != expected_shape:
        raise ValueError(
            f"{owner}: grad_output must have the output's shape {expected_shape}, got {grad_output.shape}"
        )
    if grad_output.dtype != np.float64:
        if grad_output.dtype.kind not in "fiub":
            raise TypeError(f"{owner}: grad_output must hold real numbers, got dtype {grad_output.dtype}")
        grad_output = grad_output.astype(np.float64)
    if not all_finite(grad_output):
        raise ValueError(f"{owner}: grad_output contains NaN or inf values")
    return grad_output


def weight_matrix(owner, weights, shape):
    """``weights`` as a finite float64 array of exactly ``shape`` = (n_in, n_out)."""
    weights = real_array(owner, "weights", weights)
    if weights.shape != shape:
        raise ValueError(f"{owner}: weights must have shape (n_in, n_out) = {shape}, got {weights.shape}")
    return weights


def bias_row(owner, bias, n_out):
    """``bias`` as a finite float64 row (1, n_out); None gives zeros, and (n_out,) is taken as a row
    (a 1-D bias is unambiguous: one value per unit)."""
    if bias is None:
        return np.zeros((1, n_out))
    bias = real_array(owner, "bias", bias)
    if bias.shape == (n_out,):
        bias = bias.reshape(1, n_out)
    if bias.shape != (1, n_out):
        raise ValueError(f"{owner}: bias must have shape (1, {n_out}) or ({n_out},), got {bias.shape}")
    return bias


def instance_with(owner, name, obj, needs, kind=None):
    """Refuse a class where an instance is needed (``BCE`` for ``BCE()``), and an object that lacks
    the methods ``needs``; ``kind`` names what was expected (default: "an nnlib <name>")."""
    if isinstance(obj, type):
        raise TypeError(f"{owner}: {name} must be an instance, got the class {obj.__name__}; "
                        f"call it: {obj.__name__}(...)")
    if not all(hasattr(obj, attr) for attr in needs):
        raise TypeError(f"{owner}: {name} must be {kind or 'an nnlib ' + name} (with {', '.join(needs)}), "
                        f"got {_type_name(obj)}")
    return obj
