"""The worked examples of the notes, as ready-made networks.

Each function returns (net, X, Y) with the exact weights the note uses,
translated into nnlib's convention (Z = X @ W + b, W of shape (n_in, n_out)).
Chapters 3, 5 and 6 and the tests recompute every figure of the notes from these.
"""

import numpy as np

from ..layers import Dense, Linear, Sigmoid
from ..network import Sequential


def note004_network():
    """Note 004's 2-2-2 sigmoid network (inputs 0.05, 0.10; targets 0.01, 0.99).

    The note names the weights w1..w8: hidden unit h1 = sigma(w1 i1 + w2 i2 + b1),
    h2 = sigma(w3 i1 + w4 i2 + b1), o1 = sigma(w5 h1 + w6 h2 + b2),
    o2 = sigma(w7 h1 + w8 h2 + b2). Column j of W holds the weights *into* unit j,
    so W1 = [[w1, w3], [w2, w4]] and W2 = [[w5, w7], [w6, w8]].
    The loss is E_total = sum over outputs of 1/2 (target - out)^2:
    ``MSE(reduction="sum", half=True)``.
    """
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    net = Sequential([
        Dense(2, 2, weights=[[w1, w3], [w2, w4]], bias=[0.35, 0.35], name="hidden"),
        Sigmoid(),
        Dense(2, 2, weights=[[w5, w7], [w6, w8]], bias=[0.60, 0.60], name="output"),
        Sigmoid(),
    ])
    X = np.array([[0.05, 0.10]])
    Y = np.array([[0.01, 0.99]])
    return net, X, Y


def note004_weight_names():
    """Map the note's names w1..w8 to (layer index in net.dense_layers(), row, column) of W."""
    return {
        "w1": (0, 0, 0), "w2": (0, 1, 0), "w3": (0, 0, 1), "w4": (0, 1, 1),
        "w5": (1, 0, 0), "w6": (1, 1, 0), "w7": (1, 0, 1), "w8": (1, 1, 1),
    }


def sheet5_network(output="sigmoid"):
    """Sheet 5's 3-2-1 network with U = (3, 0.2, -0.1), zero biases, target y = 0.

    The sheet writes W1 = [[0.1, 0.2, 0.3], [-0.1, 0, -0.2]] (shape (2, 3), W U + b)
    and W2 = (0.2, -0.2); in nnlib's convention these are transposed: (3, 2) and (2, 1).
    The loss of parts (f)-(h) is BCE on one sample. ``output="linear"`` gives the
    regression variant of question 2 (linear output, loss 1/2 (y - Y)^2).
    """
    W1_sheet = np.array([[0.1, 0.2, 0.3], [-0.1, 0.0, -0.2]])
    W2_sheet = np.array([[0.2, -0.2]])
    net = Sequential([
        Dense(3, 2, weights=W1_sheet.T, name="hidden"),
        Sigmoid(),
        Dense(2, 1, weights=W2_sheet.T, name="output"),
        Sigmoid() if output == "sigmoid" else Linear(),
    ])
    X = np.array([[3.0, 0.2, -0.1]])
    Y = np.array([[0.0]])
    return net, X, Y
