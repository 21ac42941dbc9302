"""Callbacks for ``nnlib.train``: functions called as callback(epoch, history) after each epoch.

A callback that returns True stops training. ``EarlyStopping`` watches the
validation loss, remembers the weights of the best epoch, and stops when the
validation loss has not improved for ``patience`` epochs, putting the best
weights back. Chapter 11 (``book/11_training_in_practice.ipynb``).

``LearningRateSchedule`` sets an optimiser's learning rate before every epoch from a
schedule, a function of the epoch: ``step_decay`` (multiply by ``factor`` every ``every``
epochs) or ``exponential_decay`` (multiply by ``rate`` every epoch). Chapter 9
(``book/09_optimizers.ipynb``).
"""

import math

import numpy as np

from ._validation import boolean, finite_number, positive_integer, positive_number


def _decay_factor(owner, name, value):
    value = positive_number(owner, name, value)
    if value > 1:
        raise ValueError(f"{owner}: {name} must satisfy 0 < {name} <= 1 (a decay), got {value}")
    return value


def step_decay(lr0, *, factor=0.5, every=10):
    """A step schedule: epoch -> ``lr0 * factor ** (epoch // every)`` (epochs counted from 0).

    >>> schedule = step_decay(0.1, factor=0.5, every=10)
    >>> schedule(0), schedule(9), schedule(10), schedule(25)
    (0.1, 0.1, 0.05, 0.025)
    """
    lr0 = positive_number("step_decay", "lr0", lr0)
    factor = _decay_factor("step_decay", "factor", factor)
    every = positive_integer("step_decay", "every", every)

    def schedule(epoch):
        epoch = positive_integer("step_decay", "epoch", epoch, minimum=0)
        return lr0 * factor ** (epoch // every)

    schedule.__doc__ = f"lr0 = {lr0:g} times {factor:g} every {every} epochs"
    return schedule


def exponential_decay(lr0, *, rate):
    """An exponential schedule: epoch -> ``lr0 * rate ** epoch`` (epochs counted from 0).

    >>> schedule = exponential_decay(0.1, rate=0.9)
    >>> round(schedule(2), 6)
    0.081
    """
    lr0 = positive_number("exponential_decay", "lr0", lr0)
    rate = _decay_factor("exponential_decay", "rate", rate)

    def schedule(epoch):
        epoch = positive_integer("exponential_decay", "epoch", epoch, minimum=0)
        return lr0 * rate ** epoch

    schedule.__doc__ = f"lr0 = {lr0:g} times {rate:g} per epoch"
    return schedule


class LearningRateSchedule:
    """A callback that sets ``optimizer.lr = schedule(epoch)`` before every epoch.

    ``schedule`` maps an epoch (0, 1, 2, ...) to a learning rate > 0, for example
    ``step_decay(0.1, factor=0.5, every=10)``. The rate of epoch 0 is set at once, when the
    callback is made; after epoch ``e`` the callback sets the rate of epoch ``e + 1``.

    >>> opt = nn.SGD(net.parameters(), lr=0.1)
    >>> decay = LearningRateSchedule(opt, step_decay(0.1, factor=0.5, every=10))
    >>> nn.train(net, loss, opt, X, Y, epochs=30, callback=decay)
    >>> decay.rates          # the rate each epoch used: 0.1 (x10), 0.05 (x10), 0.025 (x10)

    Attributes: ``rates``, the learning rate of every epoch started so far.
    """

    def __init__(self, optimizer, schedule):
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"LearningRateSchedule: optimizer must be an nnlib optimiser (with a learning rate lr), "
                            f"got {type(optimizer).__name__}")
        if not callable(schedule):
            raise TypeError(f"LearningRateSchedule: schedule must be a function epoch -> learning rate, "
                            f"got {schedule!r}")
        self.optimizer = optimizer
        self.schedule = schedule
        self.rates = []
        self._set(0)

    def _set(self, epoch):
        lr = self.schedule(epoch)
        if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (int, float, np.integer, np.floating)) \
                or not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"LearningRateSchedule: the schedule gave the learning rate {lr!r} for epoch {epoch}; "
                             f"it must be a finite number > 0")
        self.optimizer.lr = float(lr)
        self.rates.append(float(lr))

    def __call__(self, epoch, history):
        self._set(int(epoch) + 1)
        return False


class EarlyStopping:
    """Stop when ``history.val_loss`` has not improved for ``patience`` epochs.

    An epoch counts as an improvement when its validation loss is below the best
    so far by more than ``min_delta``. On stopping, the parameters of ``net``
    are set back to their values at the best epoch (``restore_best=True``).
    If training ends by running out of epochs instead, call ``restore()`` yourself.

    >>> stopper = EarlyStopping(net, patience=20)
    >>> history = nn.train(net, loss, opt, X, Y, epochs=500, validation=(Xv, Yv), callback=stopper)
    >>> stopper.best_epoch, stopper.best_loss

    Attributes: ``best_epoch`` (0-based), ``best_loss``, ``stopped_epoch`` (None if it never stopped).
    """

    def __init__(self, net, patience=10, min_delta=0.0, restore_best=True):
        if not hasattr(net, "parameters"):
            raise TypeError(f"EarlyStopping: net must be an nnlib network, got {type(net).__name__}")
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be a positive integer, got {patience!r}")
        min_delta = finite_number("EarlyStopping", "min_delta", min_delta)
        if min_delta < 0:
            raise ValueError(f"EarlyStopping: min_delta must be a finite number >= 0, got {min_delta!r}")
        self.net = net
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.restore_best = boolean("EarlyStopping", "restore_best", restore_best)
        self.best_epoch = None
        self.best_loss = np.inf
        self.stopped_epoch = None
        self._best_values = None
        self._wait = 0

    def __call__(self, epoch, history):
        if not history.val_loss:
            raise ValueError("EarlyStopping: history has no val_loss; pass validation=(X_val, Y_val) to train")
        current = history.val_loss[-1]
        if current < self.best_loss - self.min_delta:
            self.best_loss = float(current)
            self.best_epoch = int(epoch)
            self._best_values = [p.value.copy() for p in self.net.parameters()]
            self._wait = 0
            return False
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch = int(epoch)
            if self.restore_best:
                self.restore()
            return True
        return False

    def restore(self):
        """Copy the best epoch's parameter values back into the network."""
        if self._best_values is None:
            raise RuntimeError("EarlyStopping: no epoch has been recorded yet, nothing to restore")
        for p, best in zip(self.net.parameters(), self._best_values):
            p.value[...] = best
