"""The training loop: forward, loss, backward, optimiser step, over epochs.

batch_size=1 is stochastic gradient descent, batch_size=k mini-batch, and
batch_size=None (or n) full-batch gradient descent. Chapter 6 writes the loop
out by hand; chapter 9 (``book/09_optimizers.ipynb``) compares the three.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ._validation import NonFiniteError, as_batch, boolean, instance_with, quiet
from .layers import Layer
from .network import Sequential


class TrainingDivergedError(FloatingPointError):
    """Raised when training diverged: the loss became NaN or infinite, or after a step the
    parameters did, or their norm ||w|| passed ``nnlib.optimizers.MAX_NORM`` (about 1.3e154)."""


@dataclass
class History:
    """What happened during training.

    ``loss``: the mean training loss of each epoch (weighted by batch size);
    ``step_loss``: the loss of every batch; ``val_loss``: the validation loss
    after each epoch, when validation data was given.
    """

    loss: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)


def _check_targets(X, Y):
    if Y is None or not isinstance(Y, (np.ndarray, list, tuple)):
        raise TypeError(f"train: targets Y must be a numpy array, got {type(Y).__name__}")
    if isinstance(Y, np.ma.MaskedArray):
        raise TypeError("train: targets Y must be a plain numpy array, got a masked array")
    try:
        Y = np.asarray(Y)
    except ValueError:
        raise ValueError("train: targets Y must be a rectangular array, got a ragged list") from None
    if Y.ndim == 0:
        raise ValueError(f"train: targets Y must be 2-D (n_samples, n_outputs), got a 0-D array {Y!r}")
    if Y.ndim == 1 and Y.dtype.kind not in "iu":
        raise ValueError(
            f"train: targets Y must be 2-D (n_samples, n_outputs), got shape {Y.shape}; "
            "use Y.reshape(-1, 1) for a single output"
        )
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"train: Y must have as many samples as X ({X.shape[0]}), got {Y.shape[0]}")
    return Y


def _check_parts(net, loss, optimizer):
    """Clear errors for a class instead of an instance, a string, a missing call, a lone layer."""
    instance_with("train", "net", net, ("forward", "backward", "parameters"))
    if isinstance(net, Layer):  # its backward has no input_gradient: one layer is not a network
        raise TypeError(f"train: net must be a network, got one layer {net.name}; "
                        "wrap it: Sequential([layer])")
    instance_with("train", "loss", loss, ("value_and_gradient",))
    instance_with("train", "optimizer", optimizer, ("step", "parameters"))


def _check_optimizer_owns(net, optimizer):
    """Every parameter of the network must be one the optimiser updates."""
    owned = {id(p) for p in optimizer.parameters}
    for p in net.parameters():
        if id(p) not in owned:
            raise ValueError(
                f"train: the optimizer does not update the network's parameter {p!r}; it was built on "
                "other parameters (another network, or before a layer's Parameter was replaced). "
                "Build it on net.parameters() after the network is complete"
            )


def train_step(net, loss, optimizer, X, Y):
    """One step on one batch: forward, loss, backward, update. Returns the loss value.

    Raises TrainingDivergedError when the step diverged, checked on every step:

    - the loss is NaN or inf (before the update), or
    - after the update a parameter is NaN or inf, or the norm of all parameters together
      exceeds ``nnlib.optimizers.MAX_NORM`` = sqrt(largest float64), about 1.3e154: beyond it
      ||w||^2 overflows. That catches a run that diverged without overflowing, such as SGD at
      lr=1e308 on a sigmoid output: the weights jump to about 1e306, the sigmoid saturates, the
      clipped BCE stays at 13.8 and the gradient vanishes, so nothing would ever become inf.

    (``Optimizer.step()`` called by hand checks only for NaN and inf.)
    Overflows on the way are expected and reported only by this error, never as RuntimeWarnings.
    """
    # a diverging run overflows on its way to inf: we report that below instead of warning
    with np.errstate(over="ignore", invalid="ignore"):
        was_quiet, quiet.on = quiet.on, True
        try:
            return _step(net, loss, optimizer, X, Y)
        finally:
            quiet.on = was_quiet


def _step(net, loss, optimizer, X, Y):
    """train_step's work, inside its error state."""
    sequential = type(net) is Sequential
    # X is checked at the network's entry; a Sequential skips the copy of X and the check of
    # the loss's gradient (any NaN in it would show in the parameters, checked after the step)
    prediction = net._forward(X) if sequential else net.forward(X)
    try:
        value, grad = loss.value_and_gradient(prediction, Y)
    except NonFiniteError as error:
        if error.array_name != "prediction":
            raise
        value = np.nan
    if not math.isfinite(value):
        raise TrainingDivergedError(
            f"train: the loss became {value} (training diverged); "
            f"try a smaller learning rate than lr={optimizer.lr:g}"
        )
    if sequential:
        net._backward(grad, input_gradient=False)
    else:
        net.backward(grad, input_gradient=False)
    step = getattr(optimizer, "_step", None)  # an nnlib Optimizer (optimizers imports this module)
    if step is not None:
        step(bounded=True)  # raises TrainingDivergedError: NaN, inf or ||w|| > MAX_NORM
    else:
        optimizer.step()
    return value


def train(net, loss, optimizer, X, Y, *, epochs, batch_size=None, rng=None, shuffle=True,
          validation=None, callback=None):
    """Train ``net`` on (X, Y) and return a ``History``.

    X: (n, n_features); Y: (n, n_outputs), or integer labels (n,) for sparse CCE.
    batch_size: 1, k or None (full batch). Shuffling each epoch needs an explicit
    ``rng`` (np.random.default_rng(seed)) so that runs are reproducible.
    validation: optional (X_val, Y_val). callback(epoch, history) may return True to stop
    (early stopping, chapter 11).
    Raises TrainingDivergedError, naming the learning rate, when a step diverges (the loss or
    the parameters become NaN or inf, or the parameters' norm passes about 1.3e154; see
    ``train_step``), on any step including the last.
    """
    X, Y, batch_size, shuffle = _check_arguments(net, loss, optimizer, X, Y, epochs, batch_size, rng,
                                                 shuffle, validation, callback)
    n = X.shape[0]
    history = History()
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle and batch_size < n else None
        total = 0.0
        for start in range(0, n, batch_size):
            if order is None:
                xb, yb = X[start:start + batch_size], Y[start:start + batch_size]
            else:
                idx = order[start:start + batch_size]
                xb, yb = X[idx], Y[idx]
            value = train_step(net, loss, optimizer, xb, yb)
            history.step_loss.append(value)
            total += value * xb.shape[0]
        history.loss.append(total / n)
        if validation is not None:
            X_val, Y_val = validation
            history.val_loss.append(loss(net.predict(X_val), Y_val))
        if callback is not None and callback(epoch, history):
            break
    return history


def _check_arguments(net, loss, optimizer, X, Y, epochs, batch_size, rng, shuffle, validation, callback):
    """train's arguments checked: returns X and Y as arrays, the batch size and the shuffle flag."""
    _check_parts(net, loss, optimizer)
    X = as_batch("train", "X", X)
    Y = _check_targets(X, Y)
    n = X.shape[0]
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"train: epochs must be a positive integer, got {epochs!r}")
    shuffle = boolean("train", "shuffle", shuffle)
    if validation is not None and not (isinstance(validation, (tuple, list)) and len(validation) == 2):
        raise TypeError(f"train: validation must be a pair (X_val, Y_val), got {type(validation).__name__}"
                        + (f" of shape {validation.shape}" if isinstance(validation, np.ndarray) else ""))
    if callback is not None and not callable(callback):
        raise TypeError(f"train: callback must be a function callback(epoch, history), got {callback!r}")
    _check_optimizer_owns(net, optimizer)
    batch_size = n if batch_size is None else batch_size
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or not 1 <= batch_size <= n:
        raise ValueError(f"train: batch_size must be an integer in 1..{n} or None, got {batch_size!r}")
    if shuffle and batch_size < n and not isinstance(rng, np.random.Generator):
        raise TypeError("train: shuffling needs rng=np.random.default_rng(seed) (or shuffle=False)")
    return X, Y, batch_size, shuffle
