"""Weight initialisers. Each takes a shape (n_in, n_out) and an explicit ``rng``.

Chapter 10 (``book/10_vanishing_gradients.ipynb``) shows why the scale matters:
Xavier/Glorot keeps the variance of activations roughly constant through
sigmoid/tanh layers, He does the same for ReLU layers (which zero half their inputs).
"""

import inspect

import numpy as np

from ._validation import check_rng as _check_rng
from ._validation import finite_number, positive_number, real_array


def _check_shape(name, shape):
    """A weight shape (n_in, n_out) of two positive integers."""
    if (not isinstance(shape, tuple) or len(shape) != 2
            or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape)):
        raise TypeError(f"{name}: shape must be a pair of integers (n_in, n_out), got {shape!r}")
    if min(shape) < 1:
        raise ValueError(f"{name}: shape must be (n_in, n_out) with both >= 1, got {shape}")


def _factory(function):
    """Mark a function that makes initialisers (so Dense can say 'call it first')."""
    function.is_factory = True
    return function


def needs_rng(init):
    """True unless ``init`` is known to draw nothing (zeros, constant(...))."""
    return not getattr(init, "deterministic", False)


def zeros(shape, rng=None):
    """All zeros. Fine for biases; for weights it leaves every hidden unit identical."""
    return np.zeros(shape)


zeros.deterministic = True


@_factory
def constant(value):
    """Return an initialiser that fills the array with ``value``."""
    value = finite_number("constant", "value", value)

    def init(shape, rng=None):
        return np.full(shape, value)

    init.deterministic = True
    init.__name__ = f"constant({value:g})"
    return init


@_factory
def normal(std=0.01):
    """Return an initialiser drawing from N(0, std^2)."""
    std = positive_number("normal", "std", std)

    def init(shape, rng):
        _check_rng("normal", rng)
        return rng.normal(0.0, std, size=shape)

    return init


def xavier_uniform(shape, rng):
    """Glorot/Xavier: U(-a, a) with a = sqrt(6 / (n_in + n_out)), so Var = 2 / (n_in + n_out)."""
    _check_rng("xavier_uniform", rng)
    _check_shape("xavier_uniform", shape)
    n_in, n_out = shape
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=shape)


def xavier_normal(shape, rng):
    """Glorot/Xavier: N(0, 2 / (n_in + n_out))."""
    _check_rng("xavier_normal", rng)
    _check_shape("xavier_normal", shape)
    n_in, n_out = shape
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=shape)


def he_normal(shape, rng):
    """He/Kaiming: N(0, 2 / n_in), for ReLU layers."""
    _check_rng("he_normal", rng)
    _check_shape("he_normal", shape)
    n_in, _ = shape
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=shape)


#: initialisers by name, as accepted by ``Dense(..., init="he")``
INITIALIZERS = {
    "zeros": zeros,
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he": he_normal,
    "he_normal": he_normal,
}


def initial_weights(owner, init, shape, rng):
    """The weights ``init`` draws for a layer ``owner`` of this ``shape``, checked: ``init`` is a
    name in ``INITIALIZERS`` or a function ``init(shape, rng)``, and what it returns is finite."""
    function = INITIALIZERS.get(init, init) if isinstance(init, str) else init
    if not callable(function) or isinstance(function, type):
        raise ValueError(f"{owner}: init must be one of {sorted(INITIALIZERS)} or a function "
                         f"init(shape, rng), got {init!r}")
    name = getattr(function, "__name__", function)
    if getattr(function, "is_factory", False):
        raise TypeError(f"{owner}: init={name} makes initialisers; call it first, for example init={name}(...)")
    if needs_rng(function) and rng is None:
        raise TypeError(f"{owner}: random init {init!r} needs rng=np.random.default_rng(seed)")
    _takes_shape_and_rng(owner, function, name)
    return real_array(owner, f"the weights init {name} made", function(shape, rng))


def _takes_shape_and_rng(owner, function, name):
    """Refuse a function that cannot be called as function(shape, rng) before calling it, so that a
    TypeError raised inside it is not mistaken for a wrong signature."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # some builtins have no signature: let the call decide
        return
    try:
        signature.bind((1, 1), None)
    except TypeError:
        raise TypeError(f"{owner}: init must be a function init(shape, rng) of two arguments, "
                        f"got {name}{signature}") from None
