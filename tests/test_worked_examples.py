"""Every figure of the notes' worked examples, recomputed through nnlib's public API.

The expected values are the right ones (the notes have slips: see the errata appendix).
"""

import numpy as np
import pytest

import nnlib as nn


@pytest.fixture
def note004():
    net, X, Y = nn.chapters.examples.note004_network()
    loss = nn.MSE(reduction="sum", half=True)
    E, grad = loss.value_and_gradient(net.forward(X), Y)
    net.backward(grad)
    return net, X, Y, E


def weight(net, name, attr="grad"):
    layer, row, col = nn.chapters.examples.note004_weight_names()[name]
    return getattr(net.dense_layers()[layer].W, attr)[row, col]


def test_note004_forward(note004):
    net, X, Y, E = note004
    hidden = net.layers[1].forward(net.layers[0].forward(X))
    assert hidden.ravel() == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert net.forward(X).ravel() == pytest.approx([0.751365070, 0.772928465], abs=1e-9)
    assert E == pytest.approx(0.298371109, abs=1e-9)


# the gradients and the updated weights (eta = 0.5) of all eight weights
EXPECTED = {
    "w1": (0.000438568, 0.149780716),
    "w2": (0.000877135, 0.199561432),
    "w3": (0.000497713, 0.249751144),
    "w4": (0.000995425, 0.299502287),
    "w5": (0.082167041, 0.358916480),
    "w6": (0.082667628, 0.408666186),
    "w7": (-0.022602540, 0.511301270),
    "w8": (-0.022740242, 0.561370121),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_note004_gradients_and_updates(note004, name):
    net, X, Y, E = note004
    gradient, updated = EXPECTED[name]
    assert weight(net, name) == pytest.approx(gradient, abs=1e-9)
    nn.SGD(net.parameters(), lr=0.5).step()
    assert weight(net, name, "value") == pytest.approx(updated, abs=1e-8)


def test_note004_dE_dw5_is_the_product_of_three_factors(note004):
    net, X, Y, E = note004
    out_o1 = net.forward(X)[0, 0]
    out_h1 = net.layers[1].forward(net.layers[0].forward(X))[0, 0]
    factors = (out_o1 - 0.01) * out_o1 * (1 - out_o1) * out_h1
    assert factors == pytest.approx(0.082167041, abs=1e-9)


def test_note004_gradient_check(note004):
    net, X, Y, E = note004
    errors = nn.check_network(net, nn.MSE(reduction="sum", half=True), X, Y)
    assert max(errors.values()) < nn.gradcheck.TOLERANCE


@pytest.fixture
def sheet5():
    net, X, Y = nn.chapters.examples.sheet5_network()
    out = net.forward(X)
    J, grad = nn.BCE().value_and_gradient(out, Y)
    net.backward(grad)
    return net, X, Y, J


def test_sheet5_forward(sheet5):
    net, X, Y, J = sheet5
    X1 = net.layers[0].forward(X)
    Y1 = net.layers[1].forward(X1)
    X2 = net.layers[2].forward(Y1)
    Y2 = net.layers[3].forward(X2)
    assert X1.ravel() == pytest.approx([0.31, -0.28])
    assert Y1.ravel() == pytest.approx([0.5769, 0.43045], abs=5e-5)
    assert X2.item() == pytest.approx(0.02929, abs=5e-6)
    assert Y2.item() == pytest.approx(0.50732, abs=5e-6)
    assert int(Y2.item() >= 0.6) == 0  # part (e): class 0 at threshold 0.6


def test_sheet5_loss(sheet5):
    *_, J = sheet5
    assert J == pytest.approx(0.7079, abs=5e-5)
    assert J == pytest.approx(-np.log(1 - 0.507321), abs=1e-6)  # the sheet prints 0.7078954: a slip


def test_sheet5_gradients(sheet5):
    net, X, Y, J = sheet5
    hidden, output = net.dense_layers()
    Y2 = 0.507321
    # dJ/dW2 = Y2 * Y1 (target 0), in the sheet's layout (1, 2); nnlib stores the transpose
    assert output.W.grad.T.ravel() == pytest.approx([0.29267, 0.218376], abs=5e-6)
    assert output.b.grad.item() == pytest.approx(Y2, abs=1e-6)
    # the sheet's formula: delta1 = Y2 * (W2^T (.) Y1 (.) (1 - Y1)); it prints 0.02476736 (a rounding slip)
    Y1 = 1 / (1 + np.exp(-np.array([0.31, -0.28])))
    delta1 = Y2 * np.array([0.2, -0.2]) * Y1 * (1 - Y1)
    assert delta1 == pytest.approx([0.0247663, -0.0248753], abs=1e-7)
    assert hidden.b.grad.ravel() == pytest.approx(delta1, abs=1e-6)
    expected_W1_sheet = np.outer(delta1, [3.0, 0.2, -0.1])
    assert hidden.W.grad.T == pytest.approx(expected_W1_sheet, abs=1e-6)
    assert hidden.W.grad.T[0, 0] == pytest.approx(0.0743, abs=5e-5)


def test_sheet5_updates(sheet5):
    net, X, Y, J = sheet5
    nn.SGD(net.parameters(), lr=0.05).step()
    hidden, output = net.dense_layers()
    assert output.W.value.T.ravel() == pytest.approx([0.1853665, -0.2109188], abs=1e-6)
    assert output.b.value.item() == pytest.approx(-0.025366, abs=1e-6)
    W1 = hidden.W.value.T  # the sheet's (2, 3) layout
    assert W1 == pytest.approx(
        np.array([[0.0962849, 0.1997523, 0.3001238], [-0.0962688, 0.0002487, -0.2001244]]), abs=1e-6)
    # the sheet prints 0.30124 and -0.8 for two of these: slips
    assert hidden.b.value.ravel() == pytest.approx([-0.00123837, 0.00124375], abs=1e-7)


def test_sheet5_gradient_check(sheet5):
    net, X, Y, J = sheet5
    assert max(nn.check_network(net, nn.BCE(), X, Y).values()) < nn.gradcheck.TOLERANCE
