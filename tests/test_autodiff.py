"""The scalar autodiff engine of chapter 5 (nnlib/chapters/autodiff.py): every operation's gradient
against a centred finite difference, the gate patterns, repeated backward calls, shared nodes."""

import math

import numpy as np
import pytest

import nnlib as nn
from nnlib.chapters import examples
from nnlib.chapters.autodiff import Value

UNARY = {
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), math.log),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0)),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "neg": (lambda v: -v, lambda x: -x),
    "square": (lambda v: v ** 2, lambda x: x ** 2),
    "cube root": (lambda v: v ** (1 / 3), lambda x: x ** (1 / 3)),
    "reciprocal": (lambda v: 1 / v, lambda x: 1 / x),
    "2 - x": (lambda v: 2 - v, lambda x: 2 - x),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda x, y: x + y),
    "sub": (lambda a, b: a - b, lambda x, y: x - y),
    "mul": (lambda a, b: a * b, lambda x, y: x * y),
    "div": (lambda a, b: a / b, lambda x, y: x / y),
    "max": (lambda a, b: a.maximum(b), max),
}


def numeric(f, *xs, h=1e-6):
    grads = []
    for k in range(len(xs)):
        up = list(xs); up[k] += h
        down = list(xs); down[k] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return grads


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("x", [0.3, 1.7, -0.8])
def test_unary_operations_match_finite_differences(name, x):
    op, ref = UNARY[name]
    if name in ("log", "cube root") and x <= 0:
        pytest.skip("outside the domain")
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(ref(x), rel=1e-12)
    assert v.grad == pytest.approx(numeric(ref, x)[0], rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", BINARY)
def test_binary_operations_match_finite_differences(name):
    op, ref = BINARY[name]
    for x, y in [(1.5, -0.7), (-2.0, 3.0), (0.4, 0.9)]:
        a, b = Value(x), Value(y)
        out = op(a, b)
        out.backward()
        assert out.data == pytest.approx(ref(x, y), rel=1e-12)
        assert [a.grad, b.grad] == pytest.approx(numeric(ref, x, y), rel=1e-6, abs=1e-9)


def test_the_gate_patterns_of_the_circuit():
    x, y, z, w = Value(3.0), Value(-1.0), Value(2.0), Value(4.0)
    s, m = x + y, z.maximum(w)
    f = s * m
    f.backward()
    assert (f.data, s.grad, m.grad) == (8.0, 4.0, 2.0)        # multiply swaps
    assert (x.grad, y.grad) == (4.0, 4.0)                      # add distributes
    assert (z.grad, w.grad) == (0.0, 2.0)                      # max routes


def test_a_shared_node_sums_its_paths_and_backward_can_be_repeated():
    x = Value(3.0)
    f = x * x + x            # df/dx = 2x + 1 = 7
    assert f.backward() == 3        # x, x * x and the sum
    assert x.grad == 7.0
    f.backward()             # gradients are reset, not accumulated
    assert x.grad == 7.0


def test_plain_numbers_mix_in_on_either_side():
    x = Value(2.0)
    f = 3 * x - 1 + x / 4 - 2 / x
    f.backward()
    assert f.data == pytest.approx(6 - 1 + 0.5 - 1)
    assert x.grad == pytest.approx(3 + 0.25 + 2 / 4)


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="non-positive"):
        Value(0.0).log()
    with pytest.raises(TypeError, match="plain number"):
        Value(2.0) ** Value(2.0)


def test_a_deep_chain_needs_no_recursion():
    x = Value(0.5)
    f = x
    for _ in range(5000):
        f = f * 1.0
    f.backward()
    assert x.grad == 1.0


def test_the_engine_agrees_with_nnlib_on_the_2_2_2_network():
    net, X, Y = examples.note004_network()
    arrays = [p.value for p in net.parameters()]
    params = [[[Value(v) for v in row] for row in arr.tolist()] for arr in arrays]
    W1, b1, W2, b2 = params

    def layer(inputs, W, b):
        return [sum((x * W[i][j] for i, x in enumerate(inputs)), b[0][j]).sigmoid() for j in range(len(b[0]))]

    out = layer(layer([Value(v) for v in X[0]], W1, b1), W2, b2)
    L = sum((0.5 * (t - o) ** 2 for t, o in zip(Y[0], out)), Value(0.0))
    L.backward()
    loss = nn.MSE(reduction="sum", half=True)
    net.backward(loss.gradient(net.forward(X), Y))
    assert L.data == pytest.approx(0.298371109, abs=1e-9)
    for P, p in zip(params, net.parameters()):
        assert np.allclose([[v.grad for v in row] for row in P], p.grad, rtol=0, atol=1e-12)
