"""Tests of nnlib.regularization (chapter 11), with gradient checks."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.regularization import L2Regularized, add_l2_gradient, l2_penalty


def _net(seed=0):
    return nn.mlp([3, 4, 2], hidden="tanh", output="linear", rng=np.random.default_rng(seed))


def test_penalty_value_counts_weights_only():
    net = _net()
    weights = [layer.W.value for layer in net.dense_layers()]
    expected = 0.7 * 0.5 * sum(float(np.sum(W**2)) for W in weights)
    assert l2_penalty(net.parameters(), 0.7) == pytest.approx(expected, rel=1e-14)
    for layer in net.dense_layers():
        layer.b.value[...] = 5.0
    assert l2_penalty(net.parameters(), 0.7) == pytest.approx(expected, rel=1e-14)
    assert l2_penalty(net.parameters(), 0.7, include_bias=True) > expected


def test_gradient_check_of_the_penalty():
    net = _net(1)
    params = net.parameters()
    lam = 0.37
    for p in params:
        p.grad[...] = 0.0
    add_l2_gradient(params, lam)
    for p in params:
        numeric = nn.numerical_gradient(lambda: l2_penalty(params, lam), p.value)
        if p.name == "b":
            assert np.all(p.grad == 0) and np.allclose(numeric, 0)
        else:
            assert nn.relative_error(p.grad, numeric) < 1e-7


def test_gradient_check_of_loss_plus_penalty():
    rng = np.random.default_rng(2)
    net = _net(2)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    loss, lam = nn.MSE(), 0.2

    def objective():
        return loss(net.forward(X), Y) + l2_penalty(net.parameters(), lam)

    net.backward(loss.gradient(net.forward(X), Y))
    add_l2_gradient(net.parameters(), lam)
    for p in net.parameters():
        assert nn.relative_error(p.grad, nn.numerical_gradient(objective, p.value)) < 1e-7


def test_wrapper_is_weight_decay_for_sgd():
    net = _net(3)
    W = net.dense_layers()[0].W
    before = W.value.copy()
    for p in net.parameters():
        p.grad[...] = 0.0
    lr, lam = 0.1, 0.5
    opt = L2Regularized(nn.SGD(net.parameters(), lr=lr), lam)
    opt.step()
    np.testing.assert_allclose(W.value, (1 - lr * lam) * before, rtol=1e-14)
    assert opt.lr == lr


def test_wrapper_trains_and_shrinks_weights():
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    norms = []
    for lam in (0.0, 0.1):
        net = _net(5)
        opt = nn.Adam(net.parameters(), lr=0.01)
        nn.train(net, nn.MSE(), L2Regularized(opt, lam) if lam else opt, X, Y, epochs=200)
        norms.append(sum(float(np.sum(l.W.value**2)) for l in net.dense_layers()))
    assert norms[1] < norms[0]


def test_errors():
    net = _net()
    with pytest.raises(ValueError, match=">= 0"):
        l2_penalty(net.parameters(), -1.0)
    with pytest.raises(TypeError, match="number"):
        add_l2_gradient(net.parameters(), "big")
    with pytest.raises(TypeError, match="Parameters"):
        l2_penalty([np.zeros(3)], 0.1)
    with pytest.raises(TypeError, match="Optimizer"):
        L2Regularized(object(), 0.1)
