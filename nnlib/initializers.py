"""Weight initialisers. Each takes a shape (n_in, n_out) and an explicit ``rng``.

Chapter 9 (``book/09_vanishing_gradients.ipynb``) shows why the scale matters:
Xavier/Glorot keeps the variance of activations roughly constant through
sigmoid/tanh layers, He does the same for ReLU layers (which zero half their inputs).
"""

import numpy as np


def _check_rng(name, rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name}: rng must be a numpy Generator such as np.random.default_rng(0), "
            f"got {type(rng).__name__}"
        )


def zeros(shape, rng=None):
    """All zeros. Fine for biases; for weights it leaves every hidden unit identical."""
    return np.zeros(shape)


def constant(value):
    """Return an initialiser that fills the array with ``value``."""

    def init(shape, rng=None):
        return np.full(shape, float(value))

    return init


def normal(std=0.01):
    """Return an initialiser drawing from N(0, std^2)."""

    def init(shape, rng):
        _check_rng("normal", rng)
        return rng.normal(0.0, std, size=shape)

    return init


def xavier_uniform(shape, rng):
    """Glorot/Xavier: U(-a, a) with a = sqrt(6 / (n_in + n_out)), so Var = 2 / (n_in + n_out)."""
    _check_rng("xavier_uniform", rng)
    n_in, n_out = shape
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=shape)


def xavier_normal(shape, rng):
    """Glorot/Xavier: N(0, 2 / (n_in + n_out))."""
    _check_rng("xavier_normal", rng)
    n_in, n_out = shape
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=shape)


def he_normal(shape, rng):
    """He/Kaiming: N(0, 2 / n_in), for ReLU layers."""
    _check_rng("he_normal", rng)
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
