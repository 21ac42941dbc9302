"""A Sequential network: layers applied one after another.

Forward runs the layers in order; backward runs them in reverse, each turning
dL/d(its output) into dL/d(its input) (the chain rule, chapter 5:
``book/05_backpropagation.ipynb``).
"""

import numpy as np

from .layers import ACTIVATION_LAYERS, Dense, Layer


class Sequential:
    """A stack of layers.

    >>> net = Sequential([Dense(2, 2, rng=rng), Sigmoid(), Dense(2, 1, rng=rng), Sigmoid()])
    >>> A = net.forward(X)               # X (n, 2) -> A (n, 1)
    >>> grad_X = net.backward(dL_dA)      # fills every parameter's .grad
    """

    def __init__(self, layers):
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential: needs at least one layer, got none")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential: layer {i} must be an nnlib Layer, got {type(layer).__name__}"
                )
        self.layers = layers
        self._check_sizes_fit()

    def _check_sizes_fit(self):
        """Each Dense layer must take as many features as the layers before it give."""
        n_features = None
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense) and n_features is not None and layer.n_in != n_features:
                raise ValueError(
                    f"Sequential: layer {i} ({layer.name}) expects {layer.n_in} input features, "
                    f"but the layers before it give {n_features}"
                )
            if isinstance(layer, Dense) or n_features is not None:
                n_features = layer.output_size(layer.n_in if isinstance(layer, Dense) else n_features)

    def forward(self, X):
        """Run X (n, n_in) through every layer and return the output (n, n_out).

        X is checked once, by the first layer; the layers after it receive arrays made by
        their predecessors, whose sizes were checked when the network was built.
        """
        # A sigmoid's exp(-z) overflows for z < -709, where 1 / (1 + inf) = 0 is right:
        # one errstate here instead of one per sigmoid layer.
        with np.errstate(over="ignore"):
            X = self.layers[0].forward(X)
            for layer in self.layers[1:]:
                X = layer._forward(X)
        return X

    __call__ = forward

    def predict(self, X):
        """Forward pass in evaluation mode (dropout off), then back to training mode."""
        self.set_training(False)
        try:
            return self.forward(X)
        finally:
            self.set_training(True)

    def backward(self, grad_output, input_gradient=True):
        """Back-propagate dL/d(output); fills each parameter's ``grad``; returns dL/dX.

        With input_gradient=False (as in training) the first Dense layer skips dL/dX,
        which nobody needs, and None is returned.
        """
        layers = self.layers
        # checked once, at the last layer (its shape, and that forward ran)
        grad_output = layers[-1].backward(grad_output)
        for layer in reversed(layers[1:-1]):
            grad_output = layer._backward(grad_output)
        if len(layers) > 1:
            first = layers[0]
            if not input_gradient and isinstance(first, Dense):
                first._parameter_gradients(grad_output)
                return None
            grad_output = first._backward(grad_output)
        return grad_output

    def set_training(self, training):
        """Switch layers such as Dropout between training and evaluation behaviour."""
        for layer in self.layers:
            layer.training = bool(training)

    def parameters(self):
        """Every trainable Parameter, in layer order (W then b for each Dense)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def dense_layers(self):
        """The Dense layers, in order (handy for reading weights layer by layer)."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def parameter_count(self):
        """The number of trainable numbers (the sum over Dense layers of n_in*n_out + n_out)."""
        return sum(p.size for p in self.parameters())

    def summary(self):
        """A printable table: each layer, its output shape, parameter shapes and counts."""
        rows = [("layer", "output", "parameters", "count")]
        n_features = None
        for layer in self.layers:
            if isinstance(layer, Dense):
                n_features = layer.n_in if n_features is None else n_features
            n_features = layer.output_size(n_features) if n_features is not None else None
            shapes = ", ".join(f"{p.name}{p.shape}" for p in layer.parameters()) or "-"
            count = sum(p.size for p in layer.parameters())
            rows.append((layer.name, f"(n, {n_features})", shapes, str(count)))
        rows.append(("total", "", "", str(self.parameter_count)))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        return "\n".join(lines)

    def __repr__(self):
        return "Sequential([" + ", ".join(layer.name for layer in self.layers) + "])"


def mlp(sizes, *, hidden="sigmoid", output="sigmoid", init="xavier", rng=None):
    """Build a multi-layer perceptron from layer sizes, e.g. ``mlp([4, 5, 3])``.

    ``sizes`` = [n_inputs, n_hidden_1, ..., n_outputs]; every Dense layer but the
    last is followed by the ``hidden`` activation, the last by ``output``
    ('sigmoid', 'softmax', 'linear', ...). ``init`` is an initialiser name or function.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"mlp: sizes needs at least [n_inputs, n_outputs], got {sizes}")
    for name in (hidden, output):
        if name not in ACTIVATION_LAYERS:
            raise ValueError(f"mlp: activation must be one of {sorted(ACTIVATION_LAYERS)}, got {name!r}")
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(n_in, n_out, init=init, rng=rng))
        is_last = i == len(sizes) - 2
        layers.append(ACTIVATION_LAYERS[output if is_last else hidden]())
    return Sequential(layers)


def count_parameters(sizes):
    """Parameters of a fully connected network with these layer sizes:
    sum over layers of n_in * n_out (weights) + n_out (biases)."""
    sizes = list(sizes)
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))
