"""Losses: values on the notes' examples, gradients against finite differences, errors."""

import warnings

import numpy as np
import pytest

import nnlib as nn

TOL = nn.gradcheck.TOLERANCE


def regression_pair(rng, n=5, k=3):
    return rng.normal(size=(n, k)), rng.normal(size=(n, k))


def probability_pair(rng, n=5, k=3):
    return rng.uniform(0.05, 0.95, size=(n, k)), rng.integers(0, 2, size=(n, k)).astype(float)


def logit_binary_pair(rng, n=5, k=2):
    return rng.normal(size=(n, k)), rng.integers(0, 2, size=(n, k)).astype(float)


def softmax_pair(rng, n=5, k=4):
    return nn.softmax(rng.normal(size=(n, k))), nn.datasets.one_hot(rng.integers(0, k, size=n), k)


def logits_pair(rng, n=5, k=4):
    return rng.normal(size=(n, k)), nn.datasets.one_hot(rng.integers(0, k, size=n), k)


def signed_pair(rng, n=5, k=1):
    f = rng.normal(size=(n, k))
    f = np.where(np.abs(np.abs(f) - 1) < 1e-3, f + 0.1, f)  # off the hinge's kink at y f = 1
    f = np.where(np.abs(f) < 1e-3, 0.5, f)  # off the perceptron loss's kink at y f = 0
    return f, rng.choice([-1.0, 1.0], size=(n, k))


CASES = [
    (nn.MSE(), regression_pair),
    (nn.MSE(reduction="sum"), regression_pair),
    (nn.MSE(reduction="sum", half=True), regression_pair),
    (nn.MAE(), regression_pair),
    (nn.Huber(0.7), regression_pair),
    (nn.BCE(), probability_pair),
    (nn.BCE(from_logits=True), logit_binary_pair),
    (nn.CCE(), softmax_pair),
    (nn.CCE(from_logits=True), logits_pair),
    (nn.Hinge(), signed_pair),
    (nn.PerceptronLoss(), signed_pair),
]


@pytest.mark.parametrize("loss,make", CASES, ids=[c[0].name for c in CASES])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_gradients(loss, make, seed):
    prediction, target = make(np.random.default_rng(seed))
    assert nn.check_loss(loss, prediction, target) < TOL


@pytest.mark.parametrize("seed", [0, 1])
def test_sparse_cce_matches_cce_and_its_gradient(seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    for from_logits in (False, True):
        pred = logits if from_logits else nn.softmax(logits)
        sparse = nn.SparseCCE(from_logits=from_logits)
        dense = nn.CCE(from_logits=from_logits)
        one_hot = nn.datasets.one_hot(labels, 4)
        assert sparse(pred, labels) == pytest.approx(dense(pred, one_hot))
        assert np.allclose(sparse.gradient(pred, labels), dense.gradient(pred, one_hot))
        numeric = nn.numerical_gradient(lambda: sparse(pred, labels), pred)
        assert nn.relative_error(sparse.gradient(pred, labels), numeric) < TOL


def test_the_notes_cce_example():
    # [0.2, 0.3, 0.5] with the true class first gives -log 0.2
    p = np.array([[0.2, 0.3, 0.5]])
    assert nn.CCE()(p, np.array([[1.0, 0.0, 0.0]])) == pytest.approx(-np.log(0.2))
    assert nn.SparseCCE()(p, np.array([0])) == pytest.approx(-np.log(0.2))


def test_mse_scales():
    p = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.zeros((2, 2))
    assert nn.MSE()(p, y) == pytest.approx(30 / 4)
    assert nn.MSE(reduction="sum")(p, y) == pytest.approx(30)
    assert nn.MSE(reduction="sum", half=True)(p, y) == pytest.approx(15)
    # note 004's (3 - 18)^2 = 225
    assert nn.MSE()(np.array([[18.0]]), np.array([[3.0]])) == pytest.approx(225)


def test_huber_is_quadratic_inside_and_linear_outside():
    huber = nn.Huber(delta=1.0)
    assert huber(np.array([[0.5]]), np.array([[0.0]])) == pytest.approx(0.125)
    assert huber(np.array([[3.0]]), np.array([[0.0]])) == pytest.approx(2.5)


def test_hinge_and_perceptron_loss_values():
    f = np.array([[2.0], [0.5], [-1.0]])
    y = np.array([[1.0], [1.0], [1.0]])
    assert nn.Hinge()(f, y) == pytest.approx((0 + 0.5 + 2) / 3)
    assert nn.PerceptronLoss()(f, y) == pytest.approx((0 + 0 + 1) / 3)


def test_sigmoid_bce_gradient_is_a_minus_y_times_x():
    """A single sigmoid neuron with BCE: dJ/dw = (a - y) x, dJ/db = a - y (note 003)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 4))
    net = nn.Sequential([nn.Dense(4, 1, rng=rng), nn.Sigmoid()])
    y = np.array([[1.0]])
    a = net.forward(x)
    net.backward(nn.BCE().gradient(a, y))
    dense = net.layers[0]
    assert np.allclose(dense.W.grad, (a - y) * x.T)
    assert np.allclose(dense.b.grad, a - y)
    assert (a - y).item() == pytest.approx(a.item() - 1)
    # the note's example a = 0.7, y = 1: the factor dJ/dz is -0.3
    layer = nn.Sigmoid()
    z = np.log(0.7 / 0.3)  # sigma(z) = 0.7
    a = layer.forward(np.array([[z]]))
    dz = layer.backward(nn.BCE().gradient(a, np.array([[1.0]])))
    assert dz.item() == pytest.approx(-0.3)


def test_softmax_then_cce_gives_y_hat_minus_y():
    """CCE after softmax has gradient Y - y with respect to the logits (note 003)."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 3))
    y = nn.datasets.one_hot(rng.integers(0, 3, size=5), 3)
    softmax = nn.Softmax()
    s = softmax.forward(z)
    dz = softmax.backward(nn.CCE().gradient(s, y))
    assert np.allclose(dz, (s - y) / 5)
    assert np.allclose(nn.CCE(from_logits=True).gradient(z, y), (s - y) / 5)
    # the note's a = [0.7, 0.2, 0.1], y = [1, 0, 0]
    a = np.array([[0.7, 0.2, 0.1]])
    logits = np.log(a)
    grad = nn.CCE(from_logits=True).gradient(logits, np.array([[1.0, 0.0, 0.0]]))
    assert np.allclose(grad, [[-0.3, 0.2, 0.1]])


def test_bce_at_exact_zero_and_one_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            p = np.array([[0.0], [1.0]])
            y = np.array([[1.0], [0.0]])
            value, grad = nn.BCE().value_and_gradient(p, y)
            assert np.isfinite(value) and value > 20
            assert np.isfinite(grad).all()
            assert nn.BCE()(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])) < 1e-10
            big = np.array([[1000.0], [-1000.0]])
            assert nn.BCE(from_logits=True)(big, np.array([[1.0], [0.0]])) == pytest.approx(0.0)


# --- bad input -------------------------------------------------------------------------

def test_a_target_of_shape_n_is_refused_not_broadcast():
    p = np.zeros((4, 1))
    with pytest.raises(ValueError, match=r"MeanSquaredError.*target.*2-D.*\(4,\)"):
        nn.MSE()(p, np.zeros(4))
    with pytest.raises(ValueError, match=r"target must have the prediction's shape \(4, 1\), got \(1, 4\)"):
        nn.MSE()(p, np.zeros((1, 4)))


def test_labels_out_of_range_or_not_one_hot():
    p = nn.softmax(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"SparseCategoricalCrossEntropy.*0\.\.3.*4"):
        nn.SparseCCE()(p, np.array([0, 1, 4]))
    with pytest.raises(TypeError, match="integers"):
        nn.SparseCCE()(p, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="one-hot.*row 1"):
        nn.CCE()(p, np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]], dtype=float))


def test_bce_refuses_values_outside_zero_one_and_hinge_refuses_zero_one_labels():
    with pytest.raises(ValueError, match=r"BinaryCrossEntropy.*prediction.*\[0, 1\]"):
        nn.BCE()(np.array([[1.5]]), np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"target.*\[0, 1\]"):
        nn.BCE()(np.array([[0.5]]), np.array([[-1.0]]))
    with pytest.raises(ValueError, match=r"Hinge.*-1 or \+1"):
        nn.Hinge()(np.array([[0.5]]), np.array([[0.0]]))


def test_nan_prediction_is_refused():
    with pytest.raises(ValueError, match="prediction contains NaN"):
        nn.MSE()(np.array([[np.nan]]), np.array([[0.0]]))


@pytest.mark.parametrize("loss,make", CASES, ids=[c[0].name for c in CASES])
def test_value_and_gradient_agrees_with_the_separate_calls(loss, make):
    prediction, target = make(np.random.default_rng(5))
    value, grad = loss.value_and_gradient(prediction, target)
    assert value == pytest.approx(loss(prediction, target), rel=1e-12)
    assert np.allclose(grad, loss.gradient(prediction, target), rtol=1e-12, atol=1e-15)
