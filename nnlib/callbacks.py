"""Callbacks for ``nnlib.train``: functions called as callback(epoch, history) after each epoch.

A callback that returns True stops training. ``EarlyStopping`` watches the
validation loss, remembers the weights of the best epoch, and stops when the
validation loss has not improved for ``patience`` epochs, putting the best
weights back. Chapter 11 (``book/11_training_in_practice.ipynb``).
"""

import numpy as np

from ._validation import boolean, finite_number


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
