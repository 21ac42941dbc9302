"""Train many small sigmoid networks at once, one per random seed.

Chapter 8 (``book/08_xor_xnor.ipynb``) asks how often a 2-2-1 sigmoid network
trained on XOR gets stuck, over many seeds. Training the networks one by one with
``nnlib.train`` costs a Python loop per step and per network; here the S networks
are stacked along a first axis and every step updates all of them with one set of
numpy operations. The arithmetic is exactly that of ``nnlib``::

    network s:  A1 = sigma(X @ W1[s] + b1[s]),  P = sigma(A1 @ W2[s] + b2[s])
    loss:       BCE averaged over the N = n * n_out entries, as ``nnlib.BCE()``
    backward:   G2 = (P - Y) / N                    (dL/dZ2: BCE after sigmoid)
                dW2 = A1^T G2,   db2 = sum of rows of G2
                G1 = (G2 @ W2^T) * A1 * (1 - A1)
                dW1 = X^T G1,    db1 = sum of rows of G1
    update:     full-batch gradient descent, w <- w - eta dw (``nnlib.SGD``)

Seed s starts from the weights ``nnlib.mlp(sizes, rng=np.random.default_rng(s))``
draws, so any single run can be replayed with ``nnlib.train`` (the tests check
that both give the same numbers).
"""

from dataclasses import dataclass

import numpy as np

from ..activations import sigmoid
from ..network import mlp


@dataclass
class EnsembleResult:
    """Outcome of ``train_sigmoid_mlps`` for S seeds.

    seeds (S,); loss (epochs, S): the loss of each epoch before its update, as
    ``History.loss``; W1 (S, n_in, h), b1 (S, 1, h), W2 (S, h, n_out), b2 (S, 1, n_out):
    the final weights.
    """

    seeds: np.ndarray
    loss: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def predict(self, X):
        """Outputs of every network on X (n, n_in): shape (S, n, n_out)."""
        X = np.asarray(X, dtype=np.float64)
        A1 = sigmoid(X[None] @ self.W1 + self.b1)
        return sigmoid(A1 @ self.W2 + self.b2)


def _bce(P, Y):
    """BCE averaged over the entries of each network: (S, n, k) -> (S,)."""
    P = np.clip(P, 1e-12, 1.0 - 1e-12)  # the same clipping as nnlib.BCE
    return -np.mean(Y * np.log(P) + (1.0 - Y) * np.log(1.0 - P), axis=(1, 2))


def train_sigmoid_mlps(seeds, sizes, X, Y, *, lr, epochs, init="xavier"):
    """Train one ``mlp(sizes)`` sigmoid network per seed on (X, Y) by full-batch GD on BCE.

    sizes = [n_in, n_hidden, n_out] (one hidden layer); X (n, n_in); Y (n, n_out) in [0, 1].
    Returns an ``EnsembleResult``.
    """
    sizes = list(sizes)
    if len(sizes) != 3:
        raise ValueError(f"train_sigmoid_mlps: sizes must be [n_in, n_hidden, n_out], got {sizes}")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != sizes[0]:
        raise ValueError(f"train_sigmoid_mlps: X must have shape (n, {sizes[0]}), got {X.shape}")
    if Y.shape != (X.shape[0], sizes[2]):
        raise ValueError(f"train_sigmoid_mlps: Y must have shape {(X.shape[0], sizes[2])}, got {Y.shape}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"train_sigmoid_mlps: epochs must be a positive integer, got {epochs!r}")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"train_sigmoid_mlps: lr must be a finite number > 0, got {lr!r}")
    seeds = np.asarray(list(seeds), dtype=np.int64)
    if seeds.ndim != 1 or seeds.size == 0:
        raise ValueError(f"train_sigmoid_mlps: seeds must be a non-empty list of integers, got {seeds.tolist()}")

    starts = [[p.value for p in mlp(sizes, init=init, rng=np.random.default_rng(int(s))).parameters()]
              for s in seeds]
    W1, b1, W2, b2 = (np.stack([start[i] for start in starts]).astype(np.float64) for i in range(4))
    N = Y.size
    losses = np.empty((epochs, seeds.size))
    for epoch in range(epochs):
        A1 = sigmoid(X[None] @ W1 + b1)
        P = sigmoid(A1 @ W2 + b2)
        losses[epoch] = _bce(P, Y)
        G2 = (P - Y) / N
        G1 = (G2 @ np.swapaxes(W2, 1, 2)) * A1 * (1.0 - A1)
        W2 -= lr * (np.swapaxes(A1, 1, 2) @ G2)
        b2 -= lr * G2.sum(axis=1, keepdims=True)
        W1 -= lr * (X.T[None] @ G1)
        b1 -= lr * G1.sum(axis=1, keepdims=True)
    return EnsembleResult(seeds, losses, W1, b1, W2, b2)
