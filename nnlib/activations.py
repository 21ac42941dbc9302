"""Activation functions and their derivatives, as plain numpy functions.

Chapter 2 (``book/02_activations.ipynb``) derives each of these. Every function
works element-wise on an array of any shape, except ``softmax`` and
``log_softmax``, which work along the last axis (one row = one sample).

The layer classes that use these in a network live in ``nnlib.layers``.
"""

import numpy as np

from ._validation import all_finite


def _real(owner, z):
    """z as a float64 array, refusing what is not a real number (None, strings, complex) and NaN.

    Infinities are allowed: sigma(inf) = 1 and ReLU(-inf) = 0 are well defined.
    """
    if isinstance(z, np.ma.MaskedArray):
        raise TypeError(f"{owner}: z must be a plain numpy array, got a masked array")
    if isinstance(z, (bool, np.bool_, int, float, np.integer, np.floating)):
        z = np.asarray(z)
    elif isinstance(z, (list, tuple)):
        try:
            z = np.asarray(z)
        except ValueError:
            raise ValueError(f"{owner}: z must be a rectangular array, got a ragged list") from None
    elif not isinstance(z, np.ndarray):
        raise TypeError(f"{owner}: z must be a number or a numpy array, got {type(z).__name__}")
    if z.dtype.kind not in "fiub":
        raise TypeError(f"{owner}: z must hold real numbers, got dtype {z.dtype}")
    z = np.asarray(z, dtype=np.float64)
    if np.isnan(z).any():
        raise ValueError(f"{owner}: z contains NaN values")
    return z


def _nonempty_rows(owner, z):
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"{owner}: z must have at least one entry along its last axis, got shape {z.shape}")
    return z


def _finite_row_max(owner, z):
    """The largest entry of each row (last axis), which must be finite: a row holding +inf has
    no softmax (inf / inf), and a row of -inf only has none either (0 / 0)."""
    top = z.max(axis=-1, keepdims=True)
    if not all_finite(top):
        first = tuple(np.argwhere(~np.isfinite(top))[0])
        row = f" (row {first[0] if len(first) == 2 else first[:-1]})" if len(first) > 1 else ""
        what = "holds +inf" if top[first] > 0 else "has only -inf entries"
        raise ValueError(f"{owner}: each row of z must hold a finite entry and no +inf (else softmax is "
                         f"undefined), got z{row} that {what}; clip the logits, or find where they overflowed")
    return top


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), for any z without a warning.

    For z < -709, exp(-z) overflows to inf and 1 / (1 + inf) = 0, which is the
    right answer to double precision; we silence only that overflow warning.
    """
    z = _real("sigmoid", z)
    with np.errstate(over="ignore"):
        return sigmoid_unguarded(z)


def sigmoid_unguarded(z):
    """sigma(z) for a float64 array, with no error state of its own: the caller silences the
    overflow of exp(-z) for z < -709 (the Sigmoid layer inside a network does so once per pass)."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)); its largest value is 0.25, at z = 0."""
    s = sigmoid(_real("sigmoid_derivative", z))
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1."""
    return np.tanh(_real("tanh", z))


def tanh_derivative(z):
    """tanh'(z) = 1 - tanh(z)^2 = sech(z)^2; its largest value is 1, at z = 0.

    Computed as sech^2(z) = 4 / (e^z + e^-z)^2 = 4 e^{-2|z|} / (1 + e^{-2|z|})^2: no overflow,
    and full relative precision for every z. (1 - tanh^2 cancels: at z = 15 it keeps only
    four correct digits, and beyond z = 19.1 it gives exactly 0.)
    """
    return sech_squared(_real("tanh_derivative", z))


def sech_squared(z):
    """4 e^{-2|z|} / (1 + e^{-2|z|})^2 for a float64 array, unchecked (the Tanh layer's backward)."""
    # |z| capped at 400 so that -2|z| cannot overflow; sech^2(400) = 4e-348 is 0 in float64 anyway
    e = np.exp(-2.0 * np.minimum(np.abs(z), 400.0))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = _real("relu", z)
    return np.maximum(z, 0.0)


def relu_derivative(z):
    """ReLU'(z) = 1 for z > 0 and 0 for z <= 0 (we choose 0 at the kink z = 0)."""
    z = _real("relu_derivative", z)
    return (z > 0).astype(np.float64)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU(z) = z for z > 0 and alpha z otherwise."""
    z = _real("leaky_relu", z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=0.01):
    """Leaky ReLU'(z) = 1 for z > 0 and alpha otherwise (alpha at the kink)."""
    z = _real("leaky_relu_derivative", z)
    return np.where(z > 0, 1.0, alpha)


def linear(z):
    """The identity, f(z) = z: the output activation for regression."""
    return _real("linear", z)


def linear_derivative(z):
    """f'(z) = 1."""
    return np.ones_like(_real("linear_derivative", z))


def step(z):
    """The step (Heaviside) unit of the perceptron: 1 for z >= 0, else 0."""
    z = _real("step", z)
    return (z >= 0).astype(np.float64)


def step_derivative(z):
    """0 everywhere it exists (undefined at 0): why a step unit cannot learn by backprop."""
    return np.zeros_like(_real("step_derivative", z))


def softmax(z):
    """softmax(z)_i = e^{z_i} / sum_j e^{z_j} along the last axis.

    Subtracting max(z) first changes nothing mathematically (the factor e^{-max}
    cancels) but keeps every exponent <= 0, so softmax(1000, 1001, 1002) works.
    -inf entries get probability 0; a row holding +inf, or only -inf, raises a ValueError
    (its softmax is undefined, and would otherwise come out as NaN).
    """
    z = _nonempty_rows("softmax", _real("softmax", z))
    _finite_row_max("softmax", z)
    return softmax_unguarded(z)


def softmax_unguarded(z):
    """softmax along the last axis of a float64 array, unchecked (the Softmax layer's inner loop)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """log softmax(z)_i = z_i - log sum_j e^{z_j}, by the log-sum-exp trick.

    Taking log(softmax(z)) instead would give log(0) = -inf for a very
    unlikely class; this form stays finite. A -inf entry gives -inf; a row holding +inf,
    or only -inf, raises a ValueError, as in ``softmax``.
    """
    z = _nonempty_rows("log_softmax", _real("log_softmax", z))
    shifted = z - _finite_row_max("log_softmax", z)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_jacobian(z):
    """The Jacobian of softmax at one logit vector z of shape (K,).

    J[i, j] = d s_i / d z_j = s_i (delta_ij - s_j), that is diag(s) - s s^T.
    """
    z = _real("softmax_jacobian", z)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian: z must be 1-D of shape (K,), got shape {z.shape}")
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


#: name -> (function, derivative), for explorers and for building networks by name
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "linear": (linear, linear_derivative),
    "step": (step, step_derivative),
}
