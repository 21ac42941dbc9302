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
    """Base class. Subclasses implement ``_update(w, g)`` on whole arrays.

    The optimiser gathers its parameters into one contiguous vector ``w`` (and their
    gradients into ``g``): each Parameter's ``value`` and ``grad`` become views into them,
    so one update is a handful of whole-vector operations however many layers there are.
    Write parameters in place (``p.value[...] = ...``); if a parameter's array is replaced
    (``p.value = ...``), the next ``step`` notices and gathers them again.
    """

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
        self._gather()

    def _gather(self):
        """Copy every value and gradient into one vector each and make the parameters views of them."""
        sizes = [p.size for p in self.parameters]
        self._w = np.concatenate([p.value.ravel() for p in self.parameters])
        self._g = np.concatenate([p.grad.ravel() for p in self.parameters])
        self._views = []
        start = 0
        for p, size in zip(self.parameters, sizes):
            p.value = self._w[start:start + size].reshape(p.value.shape)
            p.grad = self._g[start:start + size].reshape(p.grad.shape)
            self._views.append((p.value, p.grad))
            start += size

    def step(self):
        """Apply one update to every parameter."""
        for p, (value, grad) in zip(self.parameters, self._views):
            if p.value is not value or p.grad is not grad:
                self._gather()  # someone replaced an array: take the new values in
                break
        self.t += 1
        self._update(self._w, self._g)

    def _zeros(self):
        """A state vector (velocity, running square, ...) the size of all parameters together."""
        return np.zeros_like(self._w)


class SGD(Optimizer):
    """Plain gradient descent: w <- w - eta g."""

    def _update(self, w, g):
        w -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum, in one of two forms.

    form='average' (the notes' form, Sheet 5): an exponentially weighted average ::

        m <- beta m + (1 - beta) g,    w <- w - eta m

    form='classic' (PyTorch's SGD(momentum=beta)): a velocity that sums gradients ::

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
        self.velocity = self._zeros()

    def _update(self, w, g):
        v = self.velocity
        v *= self.beta
        v += (1.0 - self.beta) * g if self.form == "average" else g
        w -= self.lr * v


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
        self.square_avg = self._zeros()

    def _update(self, w, g):
        s = self.square_avg
        s *= self.beta
        s += (1.0 - self.beta) * g * g
        denom = np.sqrt(s + self.eps) if self.eps_inside_sqrt else np.sqrt(s) + self.eps
        w -= self.lr * g / denom


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
        self.m, self.v = self._zeros(), self._zeros()

    def _update(self, w, g):
        m, v = self.m, self.v
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        if self.bias_correction:
            m_scale = 1.0 / (1.0 - self.beta1**self.t)
            v_scale = 1.0 / (1.0 - self.beta2**self.t)
            w -= (self.lr * m_scale) * m / (np.sqrt(v_scale * v) + self.eps)
        else:
            w -= self.lr * m / (np.sqrt(v) + self.eps)


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
