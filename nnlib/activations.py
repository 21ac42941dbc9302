"""Activation functions and their derivatives, as plain numpy functions.

Chapter 2 (``book/02_activations.ipynb``) derives each of these. Every function
works element-wise on an array of any shape, except ``softmax`` and
``log_softmax``, which work along the last axis (one row = one sample).

The layer classes that use these in a network live in ``nnlib.layers``.
"""

import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), for any z without a warning.

    For z < -709, exp(-z) overflows to inf and 1 / (1 + inf) = 0, which is the
    right answer to double precision; we silence only that overflow warning.
    """
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore"):
        return sigmoid_unguarded(z)


def sigmoid_unguarded(z):
    """sigma(z) for a float64 array, with no error state of its own: the caller silences the
    overflow of exp(-z) for z < -709 (the Sigmoid layer inside a network does so once per pass)."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)); its largest value is 0.25, at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z):
    """tanh'(z) = 1 - tanh(z)^2 = sech(z)^2; its largest value is 1, at z = 0."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0)


def relu_derivative(z):
    """ReLU'(z) = 1 for z > 0 and 0 for z <= 0 (we choose 0 at the kink z = 0)."""
    z = np.asarray(z, dtype=np.float64)
    return (z > 0).astype(np.float64)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU(z) = z for z > 0 and alpha z otherwise."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=0.01):
    """Leaky ReLU'(z) = 1 for z > 0 and alpha otherwise (alpha at the kink)."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, alpha)


def linear(z):
    """The identity, f(z) = z: the output activation for regression."""
    return np.asarray(z, dtype=np.float64)


def linear_derivative(z):
    """f'(z) = 1."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


def step(z):
    """The step (Heaviside) unit of the perceptron: 1 for z >= 0, else 0."""
    z = np.asarray(z, dtype=np.float64)
    return (z >= 0).astype(np.float64)


def step_derivative(z):
    """0 everywhere it exists (undefined at 0): why a step unit cannot learn by backprop."""
    return np.zeros_like(np.asarray(z, dtype=np.float64))


def softmax(z):
    """softmax(z)_i = e^{z_i} / sum_j e^{z_j} along the last axis.

    Subtracting max(z) first changes nothing mathematically (the factor e^{-max}
    cancels) but keeps every exponent <= 0, so softmax(1000, 1001, 1002) works.
    """
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """log softmax(z)_i = z_i - log sum_j e^{z_j}, by the log-sum-exp trick.

    Taking log(softmax(z)) instead would give log(0) = -inf for a very
    unlikely class; this form stays finite.
    """
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_jacobian(z):
    """The Jacobian of softmax at one logit vector z of shape (K,).

    J[i, j] = d s_i / d z_j = s_i (delta_ij - s_j), that is diag(s) - s s^T.
    """
    z = np.asarray(z, dtype=np.float64)
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
