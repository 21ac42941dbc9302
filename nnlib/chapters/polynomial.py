"""Least-squares polynomial fits: the classic picture of underfitting and overfitting.

A polynomial of degree d, y = c_0 + c_1 x + ... + c_d x^d, is linear in its
coefficients c, so fitting it is linear least squares on the features
Phi = [1, x, x^2, ..., x^d] (n, d + 1):

    c = argmin ||Phi c - y||^2 + lam ||c_{1..d}||^2
      = (Phi^T Phi + lam D)^(-1) Phi^T y,     D = diag(0, 1, ..., 1)

(lam = 0 is ordinary least squares; lam > 0 is L2 regularisation, "ridge", which
leaves the constant term alone). Sheet 5's example of overfitting: a degree-n
polynomial through n + 1 points fits them exactly, noise and all.
Chapter 11 (``book/11_training_in_practice.ipynb``).
"""

import numpy as np


def polynomial_features(x, degree):
    """Phi (n, degree + 1) with columns x^0, x^1, ..., x^degree, for x of shape (n,)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"polynomial_features: x must be 1-D (n,), got shape {x.shape}")
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
        raise ValueError(f"polynomial_features: degree must be an integer >= 0, got {degree!r}")
    return x[:, None] ** np.arange(degree + 1)


def fit_polynomial(x, y, degree, lam=0.0):
    """Coefficients c (degree + 1,), lowest power first, minimising ||Phi c - y||^2 + lam ||c[1:]||^2."""
    y = np.asarray(y, dtype=np.float64)
    Phi = polynomial_features(x, degree)
    if y.shape != (Phi.shape[0],):
        raise ValueError(f"fit_polynomial: y must have shape ({Phi.shape[0]},), got {y.shape}")
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"fit_polynomial: lam must be a finite number >= 0, got {lam!r}")
    if lam == 0:
        c, *_ = np.linalg.lstsq(Phi, y, rcond=None)
        return c
    D = np.eye(degree + 1)
    D[0, 0] = 0.0
    return np.linalg.solve(Phi.T @ Phi + lam * D, Phi.T @ y)


def evaluate_polynomial(c, x):
    """y = sum_k c_k x^k for x of shape (n,)."""
    c = np.asarray(c, dtype=np.float64)
    return polynomial_features(x, c.size - 1) @ c


def mse(prediction, target):
    """Mean squared error (1/n) sum (p_i - y_i)^2 of two 1-D arrays, as a float."""
    prediction, target = np.asarray(prediction, dtype=np.float64), np.asarray(target, dtype=np.float64)
    if prediction.shape != target.shape:
        raise ValueError(f"mse: prediction has shape {prediction.shape} but target has {target.shape}")
    return float(np.mean((prediction - target) ** 2))
