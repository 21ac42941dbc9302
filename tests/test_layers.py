"""Layers and networks: backward passes against finite differences, shapes, errors."""

import numpy as np
import pytest

import nnlib as nn

TOL = nn.gradcheck.TOLERANCE


def away_from_zero(X, margin=1e-3):
    """Push entries off the kink at 0 (for ReLU-like layers)."""
    return np.where(np.abs(X) < margin, margin * 10, X)


LAYER_FACTORIES = {
    "dense": lambda d, k, rng: nn.Dense(d, k, rng=rng),
    "sigmoid": lambda d, k, rng: nn.Sigmoid(),
    "tanh": lambda d, k, rng: nn.Tanh(),
    "relu": lambda d, k, rng: nn.ReLU(),
    "leaky_relu": lambda d, k, rng: nn.LeakyReLU(0.1),
    "linear": lambda d, k, rng: nn.Linear(),
    "softmax": lambda d, k, rng: nn.Softmax(),
}


@pytest.mark.parametrize("kind", sorted(LAYER_FACTORIES))
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_layer_gradients(kind, seed):
    rng = np.random.default_rng(seed)
    n, d, k = rng.integers(1, 6, size=3)
    layer = LAYER_FACTORIES[kind](int(d), int(k), rng)
    X = away_from_zero(rng.normal(size=(n, d)))
    errors = nn.check_layer(layer, X, rng)
    assert errors and max(errors.values()) < TOL, errors


def test_dropout_gradient_with_a_fixed_mask():
    rng = np.random.default_rng(0)
    layer = nn.Dropout(0.3, rng=np.random.default_rng(1))
    X = rng.normal(size=(6, 5))
    out = layer.forward(X)
    mask = layer._mask
    grad = layer.backward(np.ones_like(out))
    assert np.array_equal(grad, mask)
    assert set(np.unique(mask)).issubset({0.0, 1 / 0.7})


def test_dropout_keeps_the_mean_and_is_identity_in_evaluation():
    layer = nn.Dropout(0.5, rng=np.random.default_rng(0))
    X = np.ones((2000, 50))
    assert layer.forward(X).mean() == pytest.approx(1.0, abs=0.01)
    layer.training = False
    assert np.array_equal(layer.forward(X), X)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output,loss", [
    ("sigmoid", nn.BCE()), ("linear", nn.MSE()), ("softmax", nn.CCE()), ("linear", nn.Huber(0.5)),
])
@pytest.mark.parametrize("seed", [0, 1])
def test_whole_network_gradients(hidden, output, loss, seed):
    rng = np.random.default_rng(seed)
    sizes = [3, 5, 4, 3 if output == "softmax" else 2]
    net = nn.mlp(sizes, hidden=hidden, output=output, rng=rng)
    for dense in net.dense_layers():
        # random biases: with zero biases a sample whose ReLUs are all off lands exactly on a kink
        dense.b.value[...] = rng.normal(size=dense.b.shape)
    X = rng.normal(size=(7, 3))
    if output == "softmax":
        Y = nn.datasets.one_hot(rng.integers(0, 3, size=7), 3)
    elif output == "sigmoid":
        Y = rng.integers(0, 2, size=(7, 2)).astype(float)
    else:
        Y = rng.normal(size=(7, 2))
    errors = nn.check_network(net, loss, X, Y)
    assert len(errors) == 6
    assert max(errors.values()) < TOL, errors


def test_a_wrong_gradient_is_caught():
    """The check can fail: a layer whose backward forgets a transpose is flagged."""

    class BrokenDense(nn.Dense):
        def backward(self, grad_output):
            super().backward(grad_output)
            self.W.grad *= 1.01  # a 1% error
            return grad_output @ self.W.value.T

    rng = np.random.default_rng(0)
    errors = nn.check_layer(BrokenDense(3, 2, rng=rng), rng.normal(size=(4, 3)), rng)
    assert errors["W"] > 1e-3


def test_parameter_counts_of_the_notes():
    rng = np.random.default_rng(0)
    assert nn.mlp([4, 5, 3], rng=rng).parameter_count == 43
    assert nn.mlp([4, 3, 2, 1], rng=rng).parameter_count == 26
    assert nn.mlp([2, 2, 1], rng=rng).parameter_count == 9
    assert nn.count_parameters([4, 5, 3]) == 43


def test_summary_lists_shapes_and_counts():
    net = nn.mlp([4, 5, 3], output="softmax", rng=np.random.default_rng(0))
    text = net.summary()
    assert "W(4, 5)" in text and "W(5, 3)" in text and "b(1, 5)" in text
    assert text.splitlines()[-1].split() == ["total", "43"]
    assert "(n, 3)" in text


def test_dense_uses_the_given_weights_and_does_not_alias_them():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    layer = nn.Dense(2, 2, weights=W, bias=[0.5, -0.5])
    out = layer.forward(np.array([[1.0, 1.0]]))
    assert out.tolist() == [[4.5, 5.5]]
    layer.W.value += 1
    assert W[0, 0] == 1.0


def test_parameter_gradients_sit_beside_the_parameters():
    rng = np.random.default_rng(0)
    layer = nn.Dense(3, 2, rng=rng)
    X = rng.normal(size=(4, 3))
    G = rng.normal(size=(4, 2))
    layer.forward(X)
    dX = layer.backward(G)
    assert np.allclose(layer.W.grad, X.T @ G)
    assert np.allclose(layer.b.grad, G.sum(axis=0, keepdims=True))
    assert np.allclose(dX, G @ layer.W.value.T)


# --- bad input -------------------------------------------------------------------------

def test_wrong_number_of_features_names_the_layer_and_shapes():
    layer = nn.Dense(3, 2, rng=np.random.default_rng(0), name="hidden")
    with pytest.raises(ValueError, match=r"hidden.*3 features.*\(4, 5\)"):
        layer.forward(np.ones((4, 5)))


def test_one_dimensional_input_is_refused_with_a_hint():
    layer = nn.Dense(3, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"2-D.*\(3,\).*reshape"):
        layer.forward(np.ones(3))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused(bad):
    X = np.ones((2, 3))
    X[1, 2] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        nn.Dense(3, 2, rng=np.random.default_rng(0)).forward(X)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="numpy array"):
        nn.Dense(3, 2, rng=np.random.default_rng(0)).forward("abc")


@pytest.mark.parametrize("layer", [nn.Dense(2, 2, init="zeros"), nn.Sigmoid(), nn.ReLU(), nn.Softmax()])
def test_backward_before_forward(layer):
    with pytest.raises(RuntimeError, match="backward.*before forward"):
        layer.backward(np.ones((1, 2)))


def test_backward_with_a_wrongly_shaped_gradient():
    layer = nn.Dense(3, 2, rng=np.random.default_rng(0))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"grad_output.*\(4, 2\).*\(4, 1\)"):
        layer.backward(np.ones((4, 1)))


def test_bad_weight_shape_and_missing_rng():
    with pytest.raises(ValueError, match=r"weights.*\(2, 3\).*\(3, 2\)"):
        nn.Dense(2, 3, weights=np.ones((3, 2)))
    with pytest.raises(TypeError, match="rng"):
        nn.Dense(2, 3)
    with pytest.raises(ValueError, match="init must be one of"):
        nn.Dense(2, 3, init="gaussian", rng=np.random.default_rng(0))


def test_sequential_refuses_non_layers():
    with pytest.raises(TypeError, match="layer 1 must be an nnlib Layer"):
        nn.Sequential([nn.Sigmoid(), np.tanh])


def test_sequential_refuses_layers_whose_sizes_do_not_fit():
    with pytest.raises(ValueError, match=r"layer 2 \(Dense\(4->1\)\) expects 4 input features.*give 3"):
        nn.Sequential([nn.Dense(2, 3, init="zeros"), nn.Sigmoid(), nn.Dense(4, 1, init="zeros")])


def test_a_network_checks_its_input_and_its_output_gradient():
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Sequential: input X must have 2 features"):
        net.forward(np.ones((4, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        nn.mlp([2, 3, 1], rng=np.random.default_rng(0)).backward(np.ones((4, 1)))
    net.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"Sigmoid.*grad_output.*\(4, 1\).*\(4, 2\)"):
        net.backward(np.ones((4, 2)))


def test_backward_without_the_input_gradient_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(0)
    net = nn.mlp([3, 4, 2], rng=rng)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    net.forward(X)
    dX = net.backward(G)
    grads = [p.grad.copy() for p in net.parameters()]
    net.forward(X)
    assert net.backward(G, input_gradient=False) is None
    assert all(np.array_equal(p.grad, g) for p, g in zip(net.parameters(), grads))
    assert dX.shape == (5, 3)
