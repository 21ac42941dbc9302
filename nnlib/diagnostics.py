"""Diagnostics for vanishing and exploding gradients.

Chapter 10 (``book/10_vanishing_gradients.ipynb``) uses these to see the problem
in numbers, as note 004 suggests ("draw a graph between weights and epoch"):

- ``gradient_norms(net, loss, X, Y)``: one forward and backward pass, then the
  Frobenius norm ||dL/dW^[l]|| = sqrt(sum_ij (dL/dW_ij^[l])^2) of each Dense
  layer's weight gradient, first layer first;
- ``WeightRecorder``: a callback for ``nnlib.train`` that keeps a copy of every
  Dense layer's weights after each epoch, to plot weights against epoch.

Dense layers inside residual blocks are found too (``dense_layers``).
"""

import numpy as np

from .layers import Dense


def dense_layers(net):
    """The Dense layers of ``net`` in forward order, looking inside blocks that have ``.layers``."""
    if not hasattr(net, "layers"):
        raise TypeError(f"dense_layers: expected a Sequential (with .layers), got {type(net).__name__}")
    found = []
    for layer in net.layers:
        if isinstance(layer, Dense):
            found.append(layer)
        elif hasattr(layer, "layers"):
            found.extend(dense_layers(layer))
    return found


def layer_gradient_norms(net):
    """||dL/dW|| of each Dense layer, from the gradients the last backward pass stored."""
    return [float(np.linalg.norm(layer.W.grad)) for layer in dense_layers(net)]


def gradient_norms(net, loss, X, Y):
    """Run forward and backward on (X, Y) and return ||dL/dW^[l]|| for l = 1..L (a list of floats)."""
    prediction = net.forward(X)
    net.backward(loss.gradient(prediction, Y))
    return layer_gradient_norms(net)


class WeightRecorder:
    """Records every Dense layer's weights before training and after each epoch.

    >>> rec = WeightRecorder(net)
    >>> nnlib.train(net, loss, opt, X, Y, epochs=50, callback=rec)
    >>> rec.weights[0]          # (epochs + 1, n_in * n_out): layer 1's weights over time
    >>> rec.relative_change()   # ||W_final - W_start|| / ||W_start|| per layer
    """

    def __init__(self, net):
        self.layers = dense_layers(net)
        if not self.layers:
            raise ValueError("WeightRecorder: the network has no Dense layers to record")
        self._snapshots = [[layer.W.value.ravel().copy()] for layer in self.layers]

    def __call__(self, epoch, history):
        for snaps, layer in zip(self._snapshots, self.layers):
            snaps.append(layer.W.value.ravel().copy())
        return False  # never stop training

    @property
    def weights(self):
        """A list with one array per Dense layer, of shape (epochs recorded + 1, n_in * n_out)."""
        return [np.array(snaps) for snaps in self._snapshots]

    def relative_change(self):
        """||W_last - W_first|| / ||W_first|| for each Dense layer (how far training moved it)."""
        out = []
        for snaps in self._snapshots:
            first, last = snaps[0], snaps[-1]
            out.append(float(np.linalg.norm(last - first) / max(np.linalg.norm(first), 1e-300)))
        return out
