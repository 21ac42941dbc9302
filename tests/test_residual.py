"""nnlib.residual.Residual: gradients, the identity path, modes, errors."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.normalization import BatchNorm
from nnlib.residual import Residual

from _gradcheck_helpers import assert_gradients_ok, network_gradient_errors

TOL = nn.gradcheck.TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_block_gradients(seed):
    rng = np.random.default_rng(seed)
    block = Residual([nn.Dense(4, 4, rng=rng), nn.Tanh(), nn.Dense(4, 4, rng=rng)])
    X = rng.normal(size=(5, 4))
    R = rng.normal(size=(5, 4))
    block.forward(X)
    grad_input = block.backward(R)
    analytic = [p.grad.copy() for p in block.parameters()]

    def objective():
        return float(np.sum(R * block.forward(X)))

    assert nn.relative_error(grad_input, nn.numerical_gradient(objective, X)) <= TOL
    assert len(analytic) == 4
    for p, a in zip(block.parameters(), analytic):
        assert nn.relative_error(a, nn.numerical_gradient(objective, p.value)) <= TOL, p


def test_network_with_residual_blocks_passes_check_network():
    rng = np.random.default_rng(3)
    net = nn.Sequential([
        nn.Dense(2, 3, rng=rng), nn.Sigmoid(),
        Residual([nn.Dense(3, 3, rng=rng), BatchNorm(3), nn.Sigmoid()]),
        Residual(nn.Sequential([nn.Dense(3, 3, rng=rng), nn.Sigmoid()])),
        nn.Dense(3, 1, rng=rng),
    ])
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    errors = network_gradient_errors(net, nn.MSE(), X, Y)
    assert len(errors) == 10
    assert_gradients_ok(errors)


def test_identity_path_keeps_the_gradient():
    rng = np.random.default_rng(0)
    block = Residual([nn.Dense(3, 3, weights=np.zeros((3, 3))), nn.Sigmoid()])
    X = rng.normal(size=(2, 3))
    assert np.allclose(block.forward(X), X + 0.5)
    G = rng.normal(size=(2, 3))
    assert np.allclose(block.backward(G), G)  # F has zero weights: only the skip path


def test_training_mode_reaches_inner_layers():
    rng = np.random.default_rng(0)
    bn = BatchNorm(2)
    net = nn.Sequential([Residual([nn.Dense(2, 2, rng=rng), bn])])
    net.set_training(False)
    assert bn.training is False
    net.set_training(True)
    assert bn.training is True


def test_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="needs at least one layer"):
        Residual([])
    with pytest.raises(TypeError, match="layer 1 must be an nnlib Layer"):
        Residual([nn.Dense(2, 2, rng=rng), "relu"])
    with pytest.raises(ValueError, match="must keep the input's shape"):
        Residual([nn.Dense(2, 3, rng=rng)]).forward(np.zeros((4, 2)))
