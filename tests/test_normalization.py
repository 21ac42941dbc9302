"""nnlib.normalization.BatchNorm: gradients in both modes, statistics, errors."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.normalization import BatchNorm

from _gradcheck_helpers import assert_gradients_ok, network_gradient_errors

TOL = nn.gradcheck.TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_training_mode_gradients(seed):
    rng = np.random.default_rng(seed)
    layer = BatchNorm(3)
    layer.gamma.value[...] = rng.uniform(0.5, 2.0, size=(1, 3))
    layer.beta.value[...] = rng.normal(size=(1, 3))
    X = rng.normal(2.0, 3.0, size=(6, 3))
    errors = nn.check_layer(layer, X, rng)
    assert set(errors) == {"input", "gamma", "beta"}
    assert max(errors.values()) <= TOL, errors


def test_evaluation_mode_gradients():
    rng = np.random.default_rng(5)
    layer = BatchNorm(4)
    layer.forward(rng.normal(1.0, 2.0, size=(10, 4)))  # gives running statistics
    layer.training = False
    errors = nn.check_layer(layer, rng.normal(size=(3, 4)), rng)
    assert max(errors.values()) <= TOL, errors


def test_network_with_batchnorm_passes_check_network():
    rng = np.random.default_rng(7)
    net = nn.Sequential([nn.Dense(2, 5, rng=rng), BatchNorm(5), nn.Tanh(), nn.Dense(5, 1, rng=rng), nn.Sigmoid()])
    X, Y = rng.normal(size=(8, 2)), rng.integers(0, 2, size=(8, 1)).astype(float)
    errors = network_gradient_errors(net, nn.BCE(), X, Y)
    assert len(errors) == 6
    assert_gradients_ok(errors)
    assert np.abs(net.layers[0].b.grad).max() < 1e-12  # BatchNorm removes any shift before it


def test_output_is_standardised_and_running_stats_update():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(500, 2))
    layer = BatchNorm(2, momentum=0.5)
    Y = layer.forward(X)
    assert np.allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(Y.std(axis=0), 1.0, atol=1e-4)
    assert np.allclose(layer.running_mean, 0.5 * X.mean(axis=0))
    assert np.allclose(layer.running_var, 0.5 + 0.5 * X.var(axis=0))


def test_evaluation_mode_uses_running_statistics():
    layer = BatchNorm(1, momentum=0.0)
    layer.forward(np.array([[1.0], [3.0]]))  # mean 2, var 1
    layer.training = False
    out = layer.forward(np.array([[4.0]]))
    assert np.isclose(out[0, 0], 2.0 / np.sqrt(1.0 + layer.eps))


def test_errors():
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        BatchNorm(0)
    with pytest.raises(ValueError, match="momentum must satisfy"):
        BatchNorm(2, momentum=1.5)
    layer = BatchNorm(3)
    with pytest.raises(ValueError, match="must have 3 features"):
        layer.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        layer.forward(np.zeros((1, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        BatchNorm(2).backward(np.zeros((2, 2)))
