"""Activation functions: values, derivatives against finite differences, stability."""

import warnings

import numpy as np
import pytest

import nnlib as nn
from nnlib import activations as act

SMOOTH = ["sigmoid", "tanh", "linear"]
KINKED = ["relu", "leaky_relu"]


@pytest.mark.parametrize("name", SMOOTH + KINKED)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_derivative_matches_finite_difference(name, seed):
    f, df = act.ACTIVATIONS[name]
    z = np.random.default_rng(seed).normal(size=(5, 4)) * 3
    z = z[np.abs(z) > 1e-3].reshape(-1)  # away from the kink at 0
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    assert nn.relative_error(df(z), numeric) < 1e-7


def test_sigmoid_derivative_peaks_at_a_quarter():
    z = np.linspace(-10, 10, 2001)
    d = act.sigmoid_derivative(z)
    assert d.max() == pytest.approx(0.25)
    assert z[np.argmax(d)] == pytest.approx(0.0)


def test_tanh_is_a_rescaled_sigmoid():
    z = np.linspace(-5, 5, 101)
    assert np.allclose(act.tanh(z), 2 * act.sigmoid(2 * z) - 1)


def test_relu_derivative_is_zero_at_zero_and_step_derivative_is_zero():
    assert act.relu_derivative(np.array([0.0]))[0] == 0.0
    assert act.leaky_relu_derivative(np.array([0.0]), 0.1)[0] == 0.1
    assert np.all(act.step_derivative(np.array([-1.0, 0.0, 2.0])) == 0)
    assert act.step(np.array([-0.5, 0.0, 0.5])).tolist() == [0.0, 1.0, 1.0]


def test_softmax_of_the_notes_examples():
    # Dog/Cat/Horse logits of note 000
    s = nn.softmax(np.array([10.0, 20.0, 30.0]))
    expected = np.exp([10, 20, 30]) / np.exp([10, 20, 30]).sum()
    assert np.allclose(s, expected)
    assert s[2] == pytest.approx(0.9999545608951235)
    assert np.allclose(nn.softmax(np.array([1.0, 2.0])), [1 / (1 + np.e), np.e / (1 + np.e)])
    s3 = nn.softmax(np.array([1.0, 2.0, 3.0]))
    assert np.allclose(s3, [0.09003057, 0.24472847, 0.66524096])
    assert s3.sum() == pytest.approx(1.0)


def test_nothing_overflows_or_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = act.sigmoid(np.array([-1000.0, 1000.0]))
            assert s.tolist() == [0.0, 1.0]
            p = nn.softmax(np.array([1000.0, 1001.0, 1002.0]))
            assert np.allclose(p, nn.softmax(np.array([0.0, 1.0, 2.0])))
            ls = nn.log_softmax(np.array([0.0, 1000.0]))
            assert np.isfinite(ls).all() and ls[0] == pytest.approx(-1000.0)


def test_sigmoid_layers_saturate_without_warnings_alone_and_inside_a_network():
    z = np.array([[-1000.0, 1000.0]])
    net = nn.Sequential([nn.Dense(2, 2, weights=np.eye(2), bias=np.zeros(2)), nn.Sigmoid()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            assert nn.Sigmoid().forward(z).tolist() == [[0.0, 1.0]]
            assert net.forward(z).tolist() == [[0.0, 1.0]]
            assert nn.Sequential([nn.Sigmoid()]).forward(z).tolist() == [[0.0, 1.0]]


def test_log_softmax_equals_log_of_softmax_where_both_are_finite():
    z = np.random.default_rng(3).normal(size=(4, 6))
    assert np.allclose(nn.log_softmax(z), np.log(nn.softmax(z)))


def test_softmax_jacobian_matches_finite_difference_and_refuses_a_batch():
    z = np.array([0.3, -1.2, 2.0, 0.5])
    J = nn.softmax_jacobian(z)
    h = 1e-6
    numeric = np.column_stack(
        [(nn.softmax(z + h * e) - nn.softmax(z - h * e)) / (2 * h) for e in np.eye(4)]
    )
    assert nn.relative_error(J, numeric) < 1e-8
    assert np.allclose(J.sum(axis=0), 0)  # softmax sums to 1, so its changes sum to 0
    with pytest.raises(ValueError, match="softmax_jacobian.*1-D"):
        nn.softmax_jacobian(np.ones((2, 3)))
