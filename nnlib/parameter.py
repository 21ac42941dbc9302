"""A trainable array and its gradient, kept side by side."""

import numpy as np

from ._validation import real_array

#: float64s per shared storage block (512 KiB); a larger parameter gets a block of its own size
BLOCK_SIZE = 1 << 16


class _Storage:
    """Hands out consecutive slices of large float64 blocks.

    Parameters created one after another (the layers of a network) therefore sit side by
    side in memory, and an optimiser can update them all with a few whole-vector
    operations (see ``nnlib.optimizers``) without ever moving an array: the array a
    parameter gets when it is created is the one it keeps for life.
    """

    def __init__(self):
        self.block = np.empty(0)
        self.used = 0

    def take(self, shape):
        size = int(np.prod(shape, dtype=np.int64))
        if self.used + size > self.block.size:
            self.block = np.empty(max(BLOCK_SIZE, size))
            self.used = 0
        flat = self.block[self.used:self.used + size]
        self.used += size
        return flat.reshape(shape)


_values, _grads = _Storage(), _Storage()


class Parameter:
    """A trainable array ``value`` with the gradient ``grad`` of the loss beside it.

    A layer's ``backward`` writes ``grad``; an optimiser's ``step`` reads it and
    updates ``value`` in place. Both are float64 arrays of the same shape, allocated
    once when the parameter is created and never replaced: a handle
    ``W = layer.W.value`` taken at any time stays live. Assigning
    ``p.value = new`` copies the numbers of ``new`` (same shape, finite) into that
    storage, like ``p.value[...] = new``.
    """

    def __init__(self, name, value):
        if not isinstance(name, str):
            raise TypeError(f"Parameter: name must be a string, got {type(name).__name__}")
        self.name = name
        value = real_array(f"Parameter {name!r}", "value", value)
        self._value = _values.take(value.shape)
        self._value[...] = value  # a copy: the caller's array stays untouched
        self._grad = _grads.take(value.shape)
        self._grad[...] = 0.0

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        self._value[...] = self._checked("value", new)

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, new):
        self._grad[...] = self._checked("grad", new)

    def _checked(self, what, new):
        new = real_array(f"Parameter {self.name!r}", what, new)
        if new.shape != self._value.shape:
            raise ValueError(
                f"Parameter {self.name!r}: {what} must keep the shape {self._value.shape}, "
                f"got shape {new.shape} (nothing is broadcast)"
            )
        return new

    @property
    def shape(self):
        return self._value.shape

    @property
    def size(self):
        return self._value.size

    # copy and pickle: the numbers travel, the storage is allocated afresh on arrival
    def __getstate__(self):
        return {"name": self.name, "value": self._value.copy(), "grad": self._grad.copy()}

    def __setstate__(self, state):
        self.name = state["name"]
        self._value = _values.take(state["value"].shape)
        self._value[...] = state["value"]
        self._grad = _grads.take(state["value"].shape)
        self._grad[...] = state["grad"]

    def __repr__(self):
        return f"Parameter({self.name!r}, shape={self._value.shape})"
