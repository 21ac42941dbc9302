"""A trainable array and its gradient, kept side by side."""

import numpy as np


class Parameter:
    """A trainable array ``value`` with the gradient ``grad`` of the loss beside it.

    A layer's ``backward`` writes ``grad``; an optimiser's ``step`` reads it and
    updates ``value`` in place. Both are float64 arrays of the same shape.
    """

    def __init__(self, name, value):
        self.name = name
        self.value = np.array(value, dtype=np.float64)  # a copy: the caller's array stays untouched
        self.grad = np.zeros_like(self.value)

    @property
    def shape(self):
        return self.value.shape

    @property
    def size(self):
        return self.value.size

    def __repr__(self):
        return f"Parameter({self.name!r}, shape={self.value.shape})"
