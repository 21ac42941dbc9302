"""The perceptron: a step unit trained by the classic update rule.

Chapter 1 (``book/01_neuron_perceptron.ipynb``). Labels are -1 or +1 and
f(x) = w . x + b. The rule is stochastic gradient descent on the perceptron
loss max(0, -y f(x))::

    if y f(x) <= 0 (misclassified, or on the line):  w <- w + eta y x,  b <- b + eta y
    otherwise:                                       nothing changes.

(At y f = 0 the loss has a kink; the classic rule counts a point on the line as
a mistake, so training starts even from w = 0.)
"""

import numpy as np

from ._validation import as_batch, finite_number, positive_integer, positive_number, real_array


class Perceptron:
    """A linear classifier sign(w . x + b) with the classic perceptron rule."""

    def __init__(self, n_features, lr=1.0, weights=None, bias=0.0):
        n_features = positive_integer("Perceptron", "n_features", n_features)
        self.lr = positive_number("Perceptron", "learning rate lr", lr)
        self.w = np.zeros(n_features) if weights is None else real_array("Perceptron", "weights", weights).copy()
        if self.w.shape != (n_features,):
            raise ValueError(f"Perceptron: weights must have shape ({n_features},), got {self.w.shape}")
        self.b = finite_number("Perceptron", "bias", bias)
        self.n_features = n_features

    def decision_function(self, X):
        """f(x) = w . x + b for each row of X (n, d) -> (n,)."""
        X = as_batch("Perceptron", "X", X, self.n_features)
        return X @ self.w + self.b

    def predict(self, X):
        """+1 where f(x) >= 0, else -1."""
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def update(self, x, y):
        """Apply the rule to one sample x (d,) with label y in {-1, +1}. Returns True if it changed."""
        if isinstance(y, (bool, np.bool_)) or y not in (-1, 1):
            raise ValueError(f"Perceptron: labels must be -1 or +1, got {y!r}")
        x = real_array("Perceptron", "x", x)
        if x.shape != self.w.shape:
            raise ValueError(f"Perceptron: x must have shape {self.w.shape}, got {x.shape}")
        f = float(np.dot(self.w, x) + self.b)
        if y * f <= 0:
            self.w = self.w + self.lr * y * np.asarray(x, dtype=np.float64)
            self.b = self.b + self.lr * y
            return True
        return False

    def fit(self, X, y, epochs=100):
        """Sweep the rows in order until an epoch makes no update (or ``epochs`` runs out).

        Returns the list of (epoch, row, w, b) after each update, for tables.
        """
        X = as_batch("Perceptron", "X", X, self.n_features)
        epochs = positive_integer("Perceptron.fit", "epochs", epochs)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"Perceptron: labels y must have shape ({X.shape[0]},), got {y.shape}")
        if y.dtype.kind not in "iuf" or not np.all((y == 1) | (y == -1)):
            raise ValueError(f"Perceptron: labels y must be -1 or +1, got {np.unique(y).tolist()[:6]}")
        log = []
        for epoch in range(epochs):
            changed = False
            for i, (x, label) in enumerate(zip(X, y)):
                if self.update(x, int(label)):
                    changed = True
                    log.append((epoch, i, self.w.copy(), self.b))
            if not changed:
                break
        self.epochs_run = epoch + 1
        return log
