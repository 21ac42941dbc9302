"""L2 regularisation (weight decay): a penalty on large weights.

Note 004 writes the regularised objective as E(w, b) = (1/n) sum_i L(y_i, f(x_i)) + lambda R(w).
Here R is half the squared L2 norm of the weights,

    R(w) = 1/2 sum_W ||W||^2        dR/dW = W

so the penalty lambda R adds lambda W to each weight gradient, and a gradient step
becomes W <- W - eta (dL/dW + lambda W) = (1 - eta lambda) W - eta dL/dW: the weights
shrink a little every step ("weight decay"). Biases are not penalised by default
(they shift a unit, they do not make the function wiggly).
Chapter 11 (``book/11_training_in_practice.ipynb``).
"""

import numpy as np

from ._validation import boolean
from .parameter import Parameter


def _penalised(owner, parameters, include_bias):
    include_bias = boolean(owner, "include_bias", include_bias)  # the string 'False' is truthy
    parameters = list(parameters)
    for p in parameters:
        if not isinstance(p, Parameter):
            raise TypeError(f"{owner}: parameters must be nnlib Parameters, got {type(p).__name__}")
    return [p for p in parameters if include_bias or p.name != "b"]


def _strength(owner, lam):
    if isinstance(lam, bool) or not isinstance(lam, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: lam must be a number, got {type(lam).__name__}")
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"{owner}: lam must be a finite number >= 0, got {lam}")
    return float(lam)


def l2_penalty(parameters, lam, include_bias=False):
    """lambda R(w) = lambda / 2 * sum of squares of every weight (biases only if include_bias)."""
    lam = _strength("l2_penalty", lam)
    return lam * 0.5 * float(sum(np.sum(p.value * p.value) for p in _penalised("l2_penalty", parameters, include_bias)))


def add_l2_gradient(parameters, lam, include_bias=False):
    """Add d(lambda R)/dW = lambda W to each weight's stored gradient, in place.

    Call it after ``net.backward`` and before ``optimizer.step``.
    """
    lam = _strength("add_l2_gradient", lam)
    for p in _penalised("add_l2_gradient", parameters, include_bias):
        p.grad += lam * p.value


class L2Regularized:
    """Wrap an optimiser so that every step includes the L2 penalty's gradient.

    >>> opt = L2Regularized(nn.Adam(net.parameters(), lr=0.01), lam=1e-3)
    >>> nn.train(net, loss, opt, X, Y, epochs=100)

    ``step()`` adds lambda W to each weight gradient, then lets the wrapped
    optimiser update. The loss that ``nn.train`` records is the data loss only;
    add ``l2_penalty(net.parameters(), lam)`` to get the full objective.
    """

    def __init__(self, optimizer, lam, include_bias=False):
        if not hasattr(optimizer, "step") or not hasattr(optimizer, "parameters"):
            raise TypeError(f"L2Regularized: optimizer must be an nnlib Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.lam = _strength("L2Regularized", lam)
        self.include_bias = boolean("L2Regularized", "include_bias", include_bias)

    @property
    def parameters(self):
        return self.optimizer.parameters

    @property
    def lr(self):
        """The wrapped optimiser's learning rate (set through it, so it is checked the same way)."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = value

    def step(self):
        add_l2_gradient(self.optimizer.parameters, self.lam, self.include_bias)
        self.optimizer.step()

    def __repr__(self):
        return f"L2Regularized({type(self.optimizer).__name__}, lam={self.lam:g})"
