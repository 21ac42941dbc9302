"""Tests of nnlib.chapters.polynomial (chapter 11)."""

import numpy as np
import pytest

from nnlib.chapters.polynomial import evaluate_polynomial, fit_polynomial, mse, polynomial_features


def test_features():
    Phi = polynomial_features(np.array([2.0, -1.0]), 3)
    assert Phi.tolist() == [[1, 2, 4, 8], [1, -1, 1, -1]]
    with pytest.raises(ValueError):
        polynomial_features(np.zeros((2, 2)), 2)
    with pytest.raises(ValueError):
        polynomial_features(np.zeros(3), -1)


def test_recovers_an_exact_polynomial():
    x = np.linspace(-1, 1, 20)
    c_true = np.array([0.5, -1.0, 2.0, 0.25])
    c = fit_polynomial(x, evaluate_polynomial(c_true, x), 3)
    np.testing.assert_allclose(c, c_true, atol=1e-10)


def test_degree_n_interpolates_n_plus_1_points():
    rng = np.random.default_rng(0)
    x, y = np.linspace(-1, 1, 8), rng.normal(size=8)
    c = fit_polynomial(x, y, 7)
    assert mse(evaluate_polynomial(c, x), y) < 1e-20


def test_ridge_matches_the_normal_equations_and_shrinks():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, 15), rng.normal(size=15)
    lam = 0.1
    c = fit_polynomial(x, y, 5, lam)
    Phi = polynomial_features(x, 5)
    # gradient of ||Phi c - y||^2 + lam ||c[1:]||^2 vanishes at the solution
    grad = 2 * Phi.T @ (Phi @ c - y) + 2 * lam * np.r_[0.0, c[1:]]
    np.testing.assert_allclose(grad, 0.0, atol=1e-9)
    assert np.linalg.norm(c[1:]) < np.linalg.norm(fit_polynomial(x, y, 5)[1:])


def test_mse_and_errors():
    assert mse(np.array([1.0, 3.0]), np.array([0.0, 1.0])) == 2.5
    with pytest.raises(ValueError):
        mse(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError):
        fit_polynomial(np.zeros(3), np.zeros(2), 1)
    with pytest.raises(ValueError):
        fit_polynomial(np.zeros(3), np.zeros(3), 1, lam=-1.0)
