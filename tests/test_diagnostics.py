"""nnlib.diagnostics and nnlib.chapters.deep_networks: per-layer gradient norms, weight recording."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.chapters.deep_networks import deep_mlp
from nnlib.diagnostics import WeightRecorder, dense_layers, gradient_norms, layer_gradient_norms
from nnlib.residual import Residual

from _gradcheck_helpers import assert_gradients_ok, network_gradient_errors

TOL = nn.gradcheck.TOLERANCE


@pytest.mark.parametrize("options", [{}, {"batch_norm": True}, {"residual": True},
                                     {"hidden": "tanh", "batch_norm": True, "residual": True}])
def test_deep_mlp_gradients_pass_the_check(options):
    rng = np.random.default_rng(1)
    net = deep_mlp(2, 3, 3, 1, output="linear", rng=rng, **options)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    errors = network_gradient_errors(net, nn.MSE(), X, Y)
    assert len(errors) == len(net.parameters())
    assert_gradients_ok(errors)


def test_gradient_norms_are_the_norms_of_checked_gradients():
    rng = np.random.default_rng(2)
    net = deep_mlp(2, 4, 3, 1, rng=rng, residual=True)
    X, Y = rng.normal(size=(6, 2)), rng.integers(0, 2, size=(6, 1)).astype(float)
    norms = gradient_norms(net, nn.BCE(), X, Y)
    assert len(norms) == 4 == len(dense_layers(net))
    for layer, norm in zip(dense_layers(net), norms):
        numeric = nn.numerical_gradient(lambda: nn.BCE()(net.forward(X), Y), layer.W.value)
        assert abs(norm - np.linalg.norm(numeric)) <= TOL * norm
    assert norms == layer_gradient_norms(net)


def test_deep_sigmoid_gradients_shrink_towards_the_input():
    rng = np.random.default_rng(0)
    X, Y = nn.datasets.circles(50, rng)
    norms = gradient_norms(deep_mlp(2, 8, 10, 1, rng=rng), nn.BCE(), X, Y)
    assert norms[0] < 1e-3 * norms[-1]


def test_weight_recorder_with_train():
    rng = np.random.default_rng(0)
    X, Y = nn.datasets.circles(20, rng)
    net = deep_mlp(2, 3, 2, 1, rng=rng)
    start = [layer.W.value.copy() for layer in dense_layers(net)]
    rec = WeightRecorder(net)
    nn.train(net, nn.BCE(), nn.SGD(net.parameters(), 0.5), X, Y, epochs=4, callback=rec)
    weights = rec.weights
    assert [w.shape for w in weights] == [(5, 6), (5, 9), (5, 3)]
    assert np.allclose(weights[0][0], start[0].ravel())
    assert np.allclose(weights[2][-1], dense_layers(net)[2].W.value.ravel())
    change = rec.relative_change()
    expected = np.linalg.norm(weights[1][-1] - weights[1][0]) / np.linalg.norm(weights[1][0])
    assert np.isclose(change[1], expected) and change[1] > 0


def test_errors():
    with pytest.raises(TypeError, match="dense_layers: expected a Sequential"):
        dense_layers(nn.Dense(2, 2, rng=np.random.default_rng(0)))
    with pytest.raises(ValueError, match="no Dense layers"):
        WeightRecorder(nn.Sequential([nn.Sigmoid()]))
    with pytest.raises(ValueError, match="deep_mlp: depth must be a positive integer"):
        deep_mlp(2, 3, 0, 1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="hidden activation must be one of"):
        deep_mlp(2, 3, 2, 1, hidden="swish", rng=np.random.default_rng(0))
    assert isinstance(deep_mlp(2, 3, 3, 1, residual=True, rng=np.random.default_rng(0)).layers[2], Residual)
