"""Two-dimensional loss surfaces, for watching optimisers move.

Chapter 9 (``book/09_optimizers.ipynb``) draws each optimiser's path on the
contour lines of one of these functions. A surface is a function
f(w) of a point w = (w1, w2) with its exact gradient; ``trajectory`` wraps the
point as an nnlib ``Parameter`` so that the library's own optimisers
(``nnlib.SGD``, ``Momentum``, ``RMSProp``, ``Adam``) drive it, exactly as they
drive a network's weights.

- ``NarrowValley(a, b)``: f = (a w1^2 + b w2^2) / 2, an elongated bowl;
  gradient (a w1, b w2). With b >> a, plain gradient descent zig-zags across
  the valley (w2) while it crawls along it (w1).
- ``Rosenbrock(a, b)``: f = (a - w1)^2 + b (w2 - w1^2)^2, a curved banana-shaped
  valley with its minimum at (a, a^2); gradient
  (-2 (a - w1) - 4 b w1 (w2 - w1^2),  2 b (w2 - w1^2)).
"""

import numpy as np

from .._validation import positive_number
from ..parameter import Parameter


def _as_points(owner, w):
    """Return w as a float64 array whose last axis has length 2 (one point or a grid)."""
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"{owner}: a point must have 2 coordinates (w1, w2) in its last axis, got shape {w.shape}")
    return w


class Surface:
    """Base class: subclasses implement ``_value(w1, w2)`` and ``_gradient(w1, w2)``."""

    #: where the minimum is, and a good window (w1_min, w1_max, w2_min, w2_max) to draw
    minimum = (0.0, 0.0)
    window = (-1.0, 1.0, -1.0, 1.0)

    def value(self, w):
        """f(w) for a point w of shape (2,), or an array of points of shape (..., 2)."""
        w = _as_points(type(self).__name__, w)
        return self._value(w[..., 0], w[..., 1])

    def gradient(self, w):
        """The gradient (df/dw1, df/dw2), with the same shape as w."""
        w = _as_points(type(self).__name__, w)
        return np.stack(self._gradient(w[..., 0], w[..., 1]), axis=-1)

    def grid(self, n=200, window=None):
        """W1, W2, F on an n x n grid over ``window`` (for a contour plot)."""
        x0, x1, y0, y1 = self.window if window is None else window
        W1, W2 = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return W1, W2, self._value(W1, W2)


class NarrowValley(Surface):
    """f(w) = (a w1^2 + b w2^2) / 2, minimum at (0, 0); curvature a along w1, b across."""

    def __init__(self, a=1.0, b=20.0):
        self.a = positive_number("NarrowValley", "a", a)
        self.b = positive_number("NarrowValley", "b", b)
        self.minimum = (0.0, 0.0)
        self.window = (-5.5, 2.0, -2.0, 2.0)

    def _value(self, w1, w2):
        return 0.5 * (self.a * w1**2 + self.b * w2**2)

    def _gradient(self, w1, w2):
        return self.a * w1, self.b * w2

    def __repr__(self):
        return f"NarrowValley(a={self.a:g}, b={self.b:g})"


class Rosenbrock(Surface):
    """f(w) = (a - w1)^2 + b (w2 - w1^2)^2, minimum f = 0 at (a, a^2)."""

    def __init__(self, a=1.0, b=100.0):
        self.a = positive_number("Rosenbrock", "a", a)
        self.b = positive_number("Rosenbrock", "b", b)
        self.minimum = (self.a, self.a**2)
        self.window = (-2.0, 2.0, -1.0, 3.0)

    def _value(self, w1, w2):
        return (self.a - w1) ** 2 + self.b * (w2 - w1**2) ** 2

    def _gradient(self, w1, w2):
        d1 = -2.0 * (self.a - w1) - 4.0 * self.b * w1 * (w2 - w1**2)
        d2 = 2.0 * self.b * (w2 - w1**2)
        return d1, d2

    def __repr__(self):
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


def trajectory(surface, make_optimizer, start, steps):
    """Run an nnlib optimiser on ``surface`` from ``start`` and return its path.

    ``make_optimizer(parameters)`` builds the optimiser, for example
    ``lambda ps: nnlib.Adam(ps, lr=0.1)``. Returns an array of shape
    (steps + 1, 2): the start and the point after each step. A path that
    leaves the finite numbers stops early (the rest is NaN), so a diverging
    learning rate can be drawn too.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"trajectory: surface must be an nnlib.chapters.surfaces Surface, got {type(surface).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"trajectory: steps must be a positive integer, got {steps!r}")
    w = Parameter("w", _as_points("trajectory", start))
    if w.shape != (2,):
        raise ValueError(f"trajectory: start must be one point of shape (2,), got shape {w.shape}")
    optimizer = make_optimizer([w])
    path = np.full((steps + 1, 2), np.nan)
    path[0] = w.value
    for k in range(1, steps + 1):
        w.grad[...] = surface.gradient(w.value)
        optimizer.step()
        if not np.all(np.isfinite(w.value)) or np.max(np.abs(w.value)) > 1e6:
            break
        path[k] = w.value
    return path
