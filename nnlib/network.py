"""A Sequential network: layers applied one after another.

Forward runs the layers in order; backward runs them in reverse, each turning
dL/d(its output) into dL/d(its input) (the chain rule, chapter 5:
``book/05_backpropagation.ipynb``).
"""

import numpy as np

from ._validation import as_batch, boolean
from .layers import ACTIVATION_LAYERS, Dense, layer_list


class Sequential:
    """A stack of layers f_1, ..., f_L, run forward in order (chapter 3) and backward in
    reverse (chapter 5)::

        A_0 = X (n, n_in),    A_l = f_l(A_{l-1}),    output A_L (n, n_out)
        G_L = dL/dA_L,        G_{l-1} = dL/dA_{l-1} = f_l.backward(G_l)

    Each ``backward`` on the way fills its layer's parameter gradients.

    >>> net = Sequential([Dense(2, 2, rng=rng), Sigmoid(), Dense(2, 1, rng=rng), Sigmoid()])
    >>> A = net.forward(X)               # X (n, 2) -> A (n, 1)
    >>> grad_X = net.backward(dL_dA)      # fills every parameter's .grad
    """

    def __init__(self, layers):
        self.layers = layer_list("Sequential", layers)
        self._check_sizes_fit()

    def _check_sizes_fit(self):
        """Each Dense layer must take as many features as the layers before it give.

        Element-wise layers (activations, Dropout) keep the width, so the width a network
        expects at its entry is that of its first Dense layer, whatever comes before it.
        """
        n_features = None  # unknown until the first layer that fixes a width
        self.n_in = None
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense):
                if n_features is None:
                    self.n_in = layer.n_in
                elif layer.n_in != n_features:
                    raise ValueError(
                        f"Sequential: layer {i} ({layer.name}) expects {layer.n_in} input features, "
                        f"but the layers before it give {n_features}"
                    )
                n_features = layer.n_out
            elif n_features is not None:
                n_features = layer.output_size(n_features)

    def forward(self, X):
        """Run X (n, n_in) through every layer and return the output (n, n_out).

        X is checked once, at the network's entry (finite, 2-D, the first Dense layer's width,
        converted to float64); the layers after it receive arrays made by their predecessors,
        whose sizes were checked when the network was built.
        """
        return self._forward(X, copy=True)

    def _forward(self, X, copy=False):
        """``forward``; with copy=False the first Dense keeps the caller's X itself (train_step
        calls backward right away, before anyone can change X)."""
        checked = as_batch("Sequential", "input X", X, self.n_in)
        if copy and checked is X and isinstance(self.layers[0], Dense):
            checked = X.copy()  # the first Dense keeps X for backward: the caller may change theirs
        # A sigmoid's exp(-z) overflows for z < -709, where 1 / (1 + inf) = 0 is right:
        # one errstate here instead of one per sigmoid layer.
        with np.errstate(over="ignore"):
            X = checked
            for layer in self.layers:
                X = layer._forward(X)
        return X

    __call__ = forward

    def predict(self, X):
        """Forward pass in evaluation mode (dropout off); each layer's mode is put back afterwards."""
        modes = [layer.training for layer in self.layers]
        self.set_training(False)
        try:
            return self.forward(X)
        finally:
            for layer, mode in zip(self.layers, modes):
                layer.training = mode

    def backward(self, grad_output, input_gradient=True):
        """Back-propagate dL/d(output); fills each parameter's ``grad``; returns dL/dX.

        With input_gradient=False (as in training) the first Dense layer skips dL/dX,
        which nobody needs, and None is returned.
        """
        input_gradient = boolean("Sequential.backward", "input_gradient", input_gradient)
        # checked once, at the last layer (its shape, finite, and that forward ran)
        return self._backward(self.layers[-1].backward(grad_output), input_gradient, checked=True)

    def _backward(self, grad_output, input_gradient=False, checked=False):
        """``backward`` without the checks (train_step passes the gradient its loss just made).
        ``checked``: the last layer has already run its backward on the gradient."""
        layers = self.layers
        if not checked:
            grad_output = layers[-1]._backward(grad_output)
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
        training = boolean("Sequential.set_training", "training", training)
        for layer in self.layers:
            layer.training = training

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
    sizes = _sizes("mlp", sizes)
    for role, name in (("hidden", hidden), ("output", output)):
        if not isinstance(name, str) or name not in ACTIVATION_LAYERS:
            raise ValueError(f"mlp: {role} activation must be one of {sorted(ACTIVATION_LAYERS)}, got {name!r}")
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(n_in, n_out, init=init, rng=rng))
        is_last = i == len(sizes) - 2
        layers.append(ACTIVATION_LAYERS[output if is_last else hidden]())
    return Sequential(layers)


def _sizes(owner, sizes):
    """Layer sizes as a list of at least two positive integers."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise TypeError(f"{owner}: sizes must be a list of layer sizes such as [2, 4, 1], got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"{owner}: sizes needs at least [n_inputs, n_outputs], got {sizes}")
    for n in sizes:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"{owner}: sizes must be positive integers, got {n!r} in {sizes}")
        if n < 1:
            raise ValueError(f"{owner}: sizes must be positive integers, got {n!r} in {sizes}")
    return [int(n) for n in sizes]


def count_parameters(sizes):
    """Parameters of a fully connected network with these layer sizes:
    sum over layers of n_in * n_out (weights) + n_out (biases)."""
    sizes = _sizes("count_parameters", sizes)
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))
