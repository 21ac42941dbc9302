"""Optimisers: each updates its parameters in place from their stored gradients.

Chapter 8 (``book/08_optimizers.ipynb``) compares them. Write g for a
parameter's gradient, eta for the learning rate and t for the step count
(starting at 1).

    opt = Adam(net.parameters(), lr=0.01)
    net.backward(grad); opt.step()
"""

import numpy as np

from ._validation import fraction, positive_number
from .parameter import Parameter


class Optimizer:
    """Base class. Subclasses implement ``_update(index, parameter)``."""

    def __init__(self, parameters, lr):
        name = type(self).__name__
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{name}: needs at least one parameter, got none")
        for p in self.parameters:
            if not isinstance(p, Parameter):
                raise TypeError(f"{name}: parameters must be nnlib Parameters, got {type(p).__name__}")
        self.lr = positive_number(name, "learning rate lr", lr)
        self.t = 0  # steps taken

    def step(self):
        """Apply one update to every parameter."""
        self.t += 1
        for i, p in enumerate(self.parameters):
            self._update(i, p)

    def _state(self, count):
        """One zero buffer per parameter, ``count`` lists of them (velocities, squares, ...)."""
        return [[np.zeros_like(p.value) for p in self.parameters] for _ in range(count)]


class SGD(Optimizer):
    """Plain gradient descent: w <- w - eta g."""

    def _update(self, i, p):
        p.value -= self.lr * p.grad


class Momentum(Optimizer):
    """Gradient descent with momentum, in one of two forms.

    form='average' (the notes' form, Sheet 5): an exponentially weighted average
        m <- beta m + (1 - beta) g,    w <- w - eta m
    form='classic' (PyTorch's SGD(momentum=beta)): a velocity that sums gradients
        v <- beta v + g,               w <- w - eta v
    The two are the same method: the classic form with eta equals the average
    form with eta / (1 - beta).
    """

    def __init__(self, parameters, lr, beta=0.9, form="average"):
        super().__init__(parameters, lr)
        self.beta = fraction("Momentum", "beta", beta)
        if form not in ("average", "classic"):
            raise ValueError(f"Momentum: form must be 'average' or 'classic', got {form!r}")
        self.form = form
        (self.velocity,) = self._state(1)

    def _update(self, i, p):
        v = self.velocity[i]
        v *= self.beta
        v += (1.0 - self.beta) * p.grad if self.form == "average" else p.grad
        p.value -= self.lr * v


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of the gradient.

        s <- beta s + (1 - beta) g^2
        w <- w - eta g / (sqrt(s) + eps)        (eps_inside_sqrt=False, the usual form)
        w <- w - eta g / sqrt(s + eps)          (eps_inside_sqrt=True, as Sheet 5 writes it)
    """

    def __init__(self, parameters, lr, beta=0.9, eps=1e-8, eps_inside_sqrt=False):
        super().__init__(parameters, lr)
        self.beta = fraction("RMSProp", "beta", beta)
        self.eps = positive_number("RMSProp", "eps", eps)
        self.eps_inside_sqrt = bool(eps_inside_sqrt)
        (self.square_avg,) = self._state(1)

    def _update(self, i, p):
        s = self.square_avg[i]
        s *= self.beta
        s += (1.0 - self.beta) * p.grad * p.grad
        denom = np.sqrt(s + self.eps) if self.eps_inside_sqrt else np.sqrt(s) + self.eps
        p.value -= self.lr * p.grad / denom


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSProp scaling, with bias correction.

        m <- beta1 m + (1 - beta1) g
        v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)      (bias_correction=True)
        w <- w - eta m_hat / (sqrt(v_hat) + eps)

    With bias_correction=False it uses m and v directly, as Sheet 5 writes Adam.
    Since m and v start at zero, that step is (1 - beta1^t) / sqrt(1 - beta2^t) times
    the corrected one: with the defaults 3.2 times too large at t = 1, about 6.5 times
    near t = 10, and still 1.26 times at t = 1000 (chapter 8, ``book/08_optimizers.ipynb``).
    """

    def __init__(self, parameters, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        super().__init__(parameters, lr)
        self.beta1 = fraction("Adam", "beta1", beta1)
        self.beta2 = fraction("Adam", "beta2", beta2)
        self.eps = positive_number("Adam", "eps", eps)
        self.bias_correction = bool(bias_correction)
        self.m, self.v = self._state(2)

    def step(self):
        self.t += 1
        if self.bias_correction:
            self._m_scale = 1.0 / (1.0 - self.beta1**self.t)
            self._v_scale = 1.0 / (1.0 - self.beta2**self.t)
        else:
            self._m_scale = self._v_scale = 1.0
        for i, p in enumerate(self.parameters):
            self._update(i, p)

    def _update(self, i, p):
        m, v, g = self.m[i], self.v[i], p.grad
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        p.value -= self.lr * (m * self._m_scale) / (np.sqrt(v * self._v_scale) + self.eps)


def clip_gradient_norm(parameters, max_norm):
    """Scale all gradients together so that their joint L2 norm is at most ``max_norm``.

    norm = sqrt(sum over parameters of ||g||^2); if norm > max_norm every g is
    multiplied by max_norm / norm (the direction is kept). Returns the norm
    before clipping. Chapter 9 uses it against exploding gradients.
    """
    max_norm = positive_number("clip_gradient_norm", "max_norm", max_norm)
    parameters = list(parameters)
    norm = float(np.sqrt(sum(np.sum(p.grad * p.grad) for p in parameters)))
    if norm > max_norm:
        scale = max_norm / norm
        for p in parameters:
            p.grad *= scale
    return norm
