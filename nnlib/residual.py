"""A residual (skip) connection: out = x + F(x).

Chapter 10 (``book/10_vanishing_gradients.ipynb``) uses it against vanishing
gradients. F is a short stack of layers whose output has the input's shape.
Backward, given G = dL/d(out)::

    dL/dx = G + (backward of F)(G)

so the gradient reaches x through the identity path undiminished, however small
F's own derivative is: a deep stack of residual blocks cannot multiply the
gradient down to zero the way a deep stack of sigmoid layers does.
"""

import numpy as np

from ._validation import boolean, forward_done, output_gradient
from .layers import Layer, layer_list


class Residual(Layer):
    """out = x + F(x), with F the given layers applied in order (x: (n, d) -> (n, d))."""

    def __init__(self, layers, name=None):
        layers = list(layers.layers) if hasattr(layers, "layers") else layers  # a Sequential's layers
        self.layers = layer_list(name or "Residual", layers)
        super().__init__(name or "Residual(" + ", ".join(layer.name for layer in self.layers) + ")")
        self._shape = None

    @property
    def training(self):
        return self.layers[0].training

    @training.setter
    def training(self, value):
        value = boolean(self.name, "training", value)
        for layer in self.layers:  # passes the mode on to BatchNorm or Dropout inside
            layer.training = value

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def forward(self, X):
        out = X
        for layer in self.layers:
            out = layer.forward(out)
        if not isinstance(X, np.ndarray) or out.shape != X.shape:
            raise ValueError(
                f"{self.name}: the block must keep the input's shape {getattr(X, 'shape', None)}, "
                f"got output shape {out.shape}"
            )
        self._shape = X.shape
        return X + out

    def backward(self, grad_output):
        forward_done(self.name, self._shape)
        grad_output = output_gradient(self.name, grad_output, self._shape)
        grad = grad_output
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad_output + grad
