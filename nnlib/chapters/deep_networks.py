"""Deep, narrow networks for studying how gradients flow through many layers.

Chapter 10 (``book/10_vanishing_gradients.ipynb``) builds them at several depths
with different activations, initialisations, batch normalisation and residual
connections, and compares the gradient norm of each layer.

``deep_mlp(n_in, width, depth, n_out)`` has ``depth`` hidden layers of ``width``
units::

    Dense(n_in -> width), act,  then (depth - 1) times [Dense(width -> width), (BatchNorm), act],
    then Dense(width -> n_out), output activation

With ``residual=True`` each of the (depth - 1) middle blocks becomes
x + act(BN(Dense(x))) (``nnlib.residual.Residual``).
"""

from ..layers import ACTIVATION_LAYERS, Dense
from ..network import Sequential
from ..normalization import BatchNorm
from ..residual import Residual


def deep_mlp(n_in, width, depth, n_out, *, hidden="sigmoid", output="sigmoid", init="xavier",
             rng=None, batch_norm=False, residual=False):
    """A Sequential with ``depth`` hidden layers (so depth + 1 Dense layers in all)."""
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"deep_mlp: depth must be a positive integer, got {depth!r}")
    for role, name in (("hidden", hidden), ("output", output)):
        if name not in ACTIVATION_LAYERS:
            raise ValueError(f"deep_mlp: {role} activation must be one of {sorted(ACTIVATION_LAYERS)}, got {name!r}")
    act = ACTIVATION_LAYERS[hidden]
    layers = [Dense(n_in, width, init=init, rng=rng)]
    if batch_norm:
        layers.append(BatchNorm(width))
    layers.append(act())
    for _ in range(depth - 1):
        block = [Dense(width, width, init=init, rng=rng)]
        if batch_norm:
            block.append(BatchNorm(width))
        block.append(act())
        layers.extend([Residual(block)] if residual else block)
    layers.append(Dense(width, n_out, init=init, rng=rng))
    layers.append(ACTIVATION_LAYERS[output]())
    return Sequential(layers)
