"""Optimisers: the first steps against values worked by hand, and their errors."""

import numpy as np
import pytest

import nnlib as nn


def param(value, grad):
    p = nn.Parameter("w", np.array([value], dtype=float))
    p.grad[...] = grad
    return p


def run(optimizer_cls, grads, **kwargs):
    p = param(1.0, 0.0)
    opt = optimizer_cls([p], **kwargs)
    values = []
    for g in grads:
        p.grad[...] = g
        opt.step()
        values.append(p.value[0])
    return values


def test_sgd():
    assert run(nn.SGD, [2.0, -1.0], lr=0.1) == pytest.approx([0.8, 0.9])


def test_momentum_average_form_as_the_notes_write_it():
    # m1 = 0.1 * 2 = 0.2, w = 1 - 0.5*0.2 = 0.9; m2 = 0.9*0.2 + 0.1*2 = 0.38, w = 0.9 - 0.19 = 0.71
    assert run(nn.Momentum, [2.0, 2.0], lr=0.5, beta=0.9) == pytest.approx([0.9, 0.71])


def test_momentum_classic_form():
    # v1 = 2, w = 1 - 0.1*2 = 0.8; v2 = 0.9*2 + 2 = 3.8, w = 0.8 - 0.38 = 0.42
    assert run(nn.Momentum, [2.0, 2.0], lr=0.1, beta=0.9, form="classic") == pytest.approx([0.8, 0.42])


def test_the_two_momentum_forms_agree_with_rescaled_learning_rates():
    grads = np.random.default_rng(0).normal(size=20)
    classic = run(nn.Momentum, grads, lr=0.01, beta=0.8, form="classic")
    average = run(nn.Momentum, grads, lr=0.01 / (1 - 0.8), beta=0.8, form="average")
    assert np.allclose(classic, average)


def test_rmsprop_both_epsilon_placements():
    # s1 = 0.1 * 4 = 0.4; step = 0.01 * 2 / (sqrt(0.4) + eps)
    usual = run(nn.RMSProp, [2.0], lr=0.01, beta=0.9, eps=1e-8)
    assert usual == pytest.approx([1 - 0.02 / (np.sqrt(0.4) + 1e-8)])
    sheet5 = run(nn.RMSProp, [2.0], lr=0.01, beta=0.9, eps=0.01, eps_inside_sqrt=True)
    assert sheet5 == pytest.approx([1 - 0.02 / np.sqrt(0.41)])


def test_adam_first_steps_with_bias_correction():
    # t=1: m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2: the first step is lr * sign(g)
    values = run(nn.Adam, [2.0, 0.5], lr=0.1, eps=1e-8)
    assert values[0] == pytest.approx(1 - 0.1 * 2 / (2 + 1e-8))
    # t=2 worked by hand: m = 0.9*0.2 + 0.1*0.5 = 0.23; v = 0.999*0.004 + 0.001*0.25 = 0.004246
    m_hat = 0.23 / (1 - 0.9**2)
    v_hat = 0.004246 / (1 - 0.999**2)
    assert values[1] == pytest.approx(values[0] - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8))


def test_adam_without_bias_correction_overshoots_at_first():
    # t=1: m = 0.2, v = 0.004: step = 0.1 * 0.2 / sqrt(0.004) = 0.316, not the corrected 0.1
    values = run(nn.Adam, [2.0], lr=0.1, bias_correction=False, eps=1e-8)
    assert values[0] == pytest.approx(1 - 0.1 * 0.2 / (np.sqrt(0.004) + 1e-8))
    assert 1 - values[0] == pytest.approx(0.1 * (1 - 0.9) / np.sqrt(1 - 0.999), rel=1e-6)


def test_clip_gradient_norm_keeps_direction():
    a, b = param(0.0, 3.0), param(0.0, 4.0)
    norm = nn.clip_gradient_norm([a, b], max_norm=1.0)
    assert norm == pytest.approx(5.0)
    assert a.grad[0] == pytest.approx(0.6) and b.grad[0] == pytest.approx(0.8)
    assert nn.clip_gradient_norm([a, b], max_norm=10.0) == pytest.approx(1.0)
    assert a.grad[0] == pytest.approx(0.6)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ValueError, match=r"SGD: learning rate lr must be a finite number > 0"):
        nn.SGD([param(1.0, 0.0)], lr=lr)


def test_bad_hyperparameters_and_parameters():
    with pytest.raises(ValueError, match=r"Adam: beta1 must satisfy 0 <= beta1 < 1, got 1.0"):
        nn.Adam([param(1.0, 0.0)], lr=0.1, beta1=1.0)
    with pytest.raises(TypeError, match="nnlib Parameters"):
        nn.SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match="form must be"):
        nn.Momentum([param(1.0, 0.0)], lr=0.1, form="nesterov")


def test_parameters_become_views_of_one_vector_and_a_replaced_array_is_taken_in():
    rng = np.random.default_rng(0)
    net = nn.mlp([3, 4, 2], rng=rng)
    before = [p.value.copy() for p in net.parameters()]
    opt = nn.SGD(net.parameters(), lr=0.1)
    assert all(np.array_equal(p.value, b) for p, b in zip(net.parameters(), before))
    assert all(np.shares_memory(p.value, opt._w) for p in net.parameters())
    # a layer writes its gradient in place: the optimiser sees it
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    net.backward(nn.MSE().gradient(net.forward(X), Y))
    expected = [p.value - 0.1 * p.grad for p in net.parameters()]
    opt.step()
    assert all(np.allclose(p.value, e) for p, e in zip(net.parameters(), expected))
    # replacing an array (instead of writing into it) is noticed at the next step
    dense = net.dense_layers()[0]
    dense.W.value = np.full((3, 4), 2.0)
    dense.W.grad[...] = 1.0
    opt.step()
    assert np.allclose(dense.W.value, 2.0 - 0.1)
    assert np.shares_memory(dense.W.value, opt._w)


def test_adam_state_and_steps_match_a_per_parameter_computation():
    rng = np.random.default_rng(1)
    a, b = param(0.5, 0.0), nn.Parameter("W", rng.normal(size=(2, 3)))
    opt = nn.Adam([a, b], lr=0.01)
    ref = [a.value.copy(), b.value.copy()]
    m = [np.zeros_like(r) for r in ref]
    v = [np.zeros_like(r) for r in ref]
    for t in range(1, 6):
        grads = [rng.normal(size=r.shape) for r in ref]
        a.grad[...], b.grad[...] = grads
        opt.step()
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            ref[i] = ref[i] - 0.01 * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    assert np.allclose(a.value, ref[0], rtol=1e-12) and np.allclose(b.value, ref[1], rtol=1e-12)
