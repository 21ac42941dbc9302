"""A small neural-network playground, after playground.tensorflow.org.

Chapter 8 (``book/08_xor_xnor.ipynb``). Pick a 2-D data set (xor, circles, moons,
spiral from ``nnlib.datasets``), a hidden layer size, an activation and a learning
rate; ``Playground.train(epochs)`` trains a fresh nnlib network on it step by step,
and ``Playground.probability_grid`` gives the network's P(class 1) over a grid of
the plane, from which ``nnlib.plots.boundaries`` draws the decision boundary.

The network is ``mlp([2, *hidden, 1], hidden=activation, output="sigmoid")`` with
BCE loss, trained full batch by Adam (or plain gradient descent with
``optimizer="sgd"``). Everything random comes from ``np.random.default_rng(seed)``.
"""

import numpy as np

from .. import datasets
from ..losses import BCE
from ..network import mlp
from ..optimizers import SGD, Adam
from ..training import train

#: The data sets by name; each is a function f(n, rng) returning X (n, 2) and y (n, 1).
DATASETS = {
    "xor": datasets.xor_blobs,
    "circles": datasets.circles,
    "moons": datasets.moons,
    "spiral": datasets.spiral,
}

#: hidden activations the playground offers
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu")


class Playground:
    """One data set and one network, trained a few epochs at a time.

    >>> pg = Playground("circles", hidden=(6,), activation="tanh", lr=0.03, seed=0)
    >>> pg.train(200)            # returns the losses of those epochs
    >>> pg.accuracy()            # fraction of points on the right side
    """

    def __init__(self, dataset="xor", hidden=(4,), activation="tanh", lr=0.03, *,
                 n_points=200, seed=0, optimizer="adam"):
        if dataset not in DATASETS:
            raise ValueError(f"Playground: dataset must be one of {sorted(DATASETS)}, got {dataset!r}")
        if activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"Playground: activation must be one of {list(HIDDEN_ACTIVATIONS)}, got {activation!r}"
            )
        if optimizer not in ("adam", "sgd"):
            raise ValueError(f"Playground: optimizer must be 'adam' or 'sgd', got {optimizer!r}")
        hidden = (hidden,) if isinstance(hidden, (int, np.integer)) else tuple(hidden)
        if not hidden or any(isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1
                             for h in hidden):
            raise ValueError(f"Playground: hidden must be positive layer sizes, e.g. (4,) or (8, 8), got {hidden!r}")
        self.dataset, self.hidden, self.activation = dataset, hidden, activation
        self.lr, self.seed, self.optimizer_name = float(lr), int(seed), optimizer
        rng = np.random.default_rng(self.seed)
        self.X, self.Y = DATASETS[dataset](n_points, rng)
        self.net = mlp([2, *hidden, 1], hidden=activation, output="sigmoid", rng=rng)
        self.loss = BCE()
        opt = Adam if optimizer == "adam" else SGD
        self.optimizer = opt(self.net.parameters(), lr=self.lr)
        self.losses = []  # the loss of every epoch so far
        self.epochs = 0

    def train(self, epochs):
        """Train ``epochs`` more full-batch epochs; returns the list of their losses."""
        history = train(self.net, self.loss, self.optimizer, self.X, self.Y, epochs=epochs)
        self.losses.extend(history.loss)
        self.epochs += epochs
        return history.loss

    def predict(self, X):
        """P(class 1) for each row of X (m, 2): shape (m, 1)."""
        return self.net.predict(X)

    def accuracy(self):
        """Fraction of the training points classified correctly at threshold 0.5."""
        return float(np.mean((self.predict(self.X) >= 0.5) == (self.Y == 1)))

    def probability_grid(self, resolution=100, margin=0.3):
        """xx, yy (resolution, resolution) spanning the data plus ``margin``, and P(class 1) there."""
        return probability_grid(self.predict, self.X, resolution, margin)

    def __repr__(self):
        return (f"Playground({self.dataset!r}, hidden={self.hidden}, activation={self.activation!r}, "
                f"lr={self.lr:g}, epochs={self.epochs})")


def probability_grid(predict, X, resolution=100, margin=0.3):
    """Evaluate ``predict`` (m, 2) -> (m, 1) on a grid covering the points X (n, 2).

    Returns xx, yy and P, each of shape (resolution, resolution).
    """
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(lo[0], hi[0], resolution)
    ys = np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    P = np.asarray(predict(np.column_stack([xx.ravel(), yy.ravel()])), dtype=np.float64)
    return xx, yy, P.reshape(xx.shape)
