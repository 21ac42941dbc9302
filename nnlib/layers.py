"""Layers: a Dense (fully connected) layer and activation layers.

Convention (batch-first): X has shape (n_samples, n_features); a Dense layer
computes Z = X @ W + b with W of shape (n_in, n_out) and b of shape (1, n_out).
Chapter 3 (``book/03_forward_propagation.ipynb``) maps the notes' other
conventions (W x + b with W of shape (n_out, n_in)) onto this one.

Every layer has

- ``forward(X)``: computes the output and caches what ``backward`` will need;
- ``backward(grad_output)``: takes dL/d(output), stores dL/d(parameter) in each
  parameter's ``grad`` and returns dL/d(input) (chapter 5 derives these);
- ``parameters()``: its list of ``Parameter`` objects (empty for activations).
"""

import numpy as np

from . import activations as act
from ._validation import (all_finite, as_batch, bias_row, boolean, check_rng, forward_done, fraction,
                          layer_width, non_negative_number, optional_name, output_gradient, weight_matrix)
from .initializers import initial_weights
from .parameter import Parameter


class Layer:
    """Base class: ``forward`` maps X (n, d_in) to Y (n, d_out); ``backward`` maps
    dL/dY (n, d_out) to dL/dX (n, d_in) and fills each parameter's ``grad`` on the way.

    A subclass writes its math in ``_forward`` and ``_backward``, which receive checked
    arrays; ``forward`` and ``backward`` check their argument and call them. A Sequential
    network checks its input once, at the first layer, and the gradient once, at the last,
    and calls the unchecked versions in between (their sizes were checked when it was built).
    """

    _training = True

    def __init__(self, name=None):
        self.name = optional_name(type(self).__name__, name) or type(self).__name__

    @property
    def training(self):
        """True in training, False in evaluation; layers that behave differently (Dropout,
        BatchNorm) read it. Only a bool is accepted: the string 'False' would be truthy."""
        return self._training

    @training.setter
    def training(self, value):
        self._training = boolean(self.name, "training", value)

    def parameters(self):
        return []

    def forward(self, X):
        raise NotImplementedError(f"{self.name}: a Layer subclass must implement forward(X)")

    def backward(self, grad_output):
        raise NotImplementedError(f"{self.name}: a Layer subclass must implement backward(grad_output)")

    # a layer with no separate unchecked version uses its checked one
    def _forward(self, X):
        return self.forward(X)

    def _backward(self, grad_output):
        return self.backward(grad_output)

    def _checked_gradient(self, grad_output, cached_input):
        """grad_output checked against the output of the last forward pass, whose input (or an
        array of its shape) the layer kept as ``cached_input``."""
        forward_done(self.name, cached_input)
        n, d = cached_input.shape
        return output_gradient(self.name, grad_output, (n, self.output_size(d)))

    def output_size(self, n_in):
        """The number of output features, given ``n_in`` input features."""
        return n_in

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class Dense(Layer):
    """Fully connected layer (chapter 3), one sample per row::

        Z = X W + b        X (n, n_in), W (n_in, n_out), b (1, n_out), Z (n, n_out)

    Backward (chapter 5), given G = dL/dZ of shape (n, n_out)::

        dL/dW = X^T G               (n_in, n_out)
        dL/db = sum of G's rows     (1, n_out)
        dL/dX = G W^T               (n, n_in)

    ``weights`` and ``bias`` set W and b exactly (worked examples); otherwise ``init`` (a name
    from ``nnlib.initializers.INITIALIZERS`` or a function ``init(shape, rng)``) draws W with
    ``rng``, and b starts at zero.
    """

    def __init__(self, n_in, n_out, *, init="xavier", rng=None, weights=None, bias=None, name=None):
        super().__init__(name or f"Dense({n_in!r}->{n_out!r})")
        self.n_in = layer_width(self.name, "n_in", n_in)
        self.n_out = layer_width(self.name, "n_out", n_out)
        if weights is None:
            weights = initial_weights(self.name, init, (self.n_in, self.n_out), rng)
        self.W = Parameter("W", weight_matrix(self.name, weights, (self.n_in, self.n_out)))
        self.b = Parameter("b", bias_row(self.name, bias, self.n_out))
        self._X = None  # the input of the last forward pass, which backward needs

    def _forward(self, X):
        self._X = X
        Z = X @ self.W.value
        Z += self.b.value  # in place: one (n, n_out) array per forward pass, not two
        return Z

    def _backward(self, G):
        self._parameter_gradients(G)
        return G @ self.W.value.T

    def _parameter_gradients(self, G):
        """dL/dW and dL/db only: the first layer of a network being trained needs no dL/dX."""
        np.matmul(self._X.T, G, out=self.W.grad)
        G.sum(axis=0, keepdims=True, out=self.b.grad)

    def forward(self, X):
        checked = as_batch(self.name, "input X", X, self.n_in)
        # backward needs X as it is now: keep a copy if it is the caller's array
        return self._forward(checked.copy() if checked is X else checked)

    def backward(self, grad_output):
        return self._backward(self._checked_gradient(grad_output, self._X))

    def parameters(self):
        return [self.W, self.b]

    def output_size(self, n_in):
        return self.n_out


class Activation(Layer):
    """An element-wise activation (chapter 2), Z and A of the same shape (n, d)::

        A = f(Z),        dL/dZ = dL/dA * f'(Z)   (element by element)

    A subclass passes f and f', or writes ``_forward`` and ``_backward`` itself.
    """

    def __init__(self, function, derivative, name):
        super().__init__(name)
        if function is not None:  # LeakyReLU defines them as methods instead
            self.function = function
            self.derivative = derivative
        self._Z = None

    def _forward(self, Z):
        self._Z = Z
        return self.function(Z)

    def _backward(self, G):
        return G * self.derivative(self._Z)

    def forward(self, X):
        return self._forward(as_batch(self.name, "input X", X))

    def backward(self, grad_output):
        return self._backward(self._checked_gradient(grad_output, self._Z))


class Sigmoid(Activation):
    """A = sigma(Z) = 1 / (1 + exp(-Z)); backward uses sigma'(Z) = A (1 - A), from the kept output."""

    def __init__(self, name=None):
        super().__init__(act.sigmoid, act.sigmoid_derivative, name or "Sigmoid")
        self._A = None

    def _forward(self, Z):
        # inside a network, Sequential.forward silences exp's overflow once for all its layers
        self._Z = Z
        self._A = act.sigmoid_unguarded(Z)
        return self._A

    def _backward(self, G):
        return G * self._A * (1.0 - self._A)

    def forward(self, X):
        # exp(-z) overflows for z < -709, where 1 / (1 + inf) = 0 is the right answer
        with np.errstate(over="ignore"):
            return super().forward(X)


class Tanh(Activation):
    """A = tanh(Z); backward uses tanh'(Z) = sech^2(Z) = 4 e^{-2|Z|} / (1 + e^{-2|Z|})^2,
    which keeps full relative precision for every Z (1 - A^2 loses it as abs(A) nears 1)."""

    def __init__(self, name=None):
        super().__init__(act.tanh, act.tanh_derivative, name or "Tanh")

    def _forward(self, Z):
        self._Z = Z
        return np.tanh(Z)

    def _backward(self, G):
        return G * act.sech_squared(self._Z)


class ReLU(Activation):
    """A = max(0, Z); backward passes the gradient where Z > 0 and blocks it elsewhere."""

    def __init__(self, name=None):
        super().__init__(act.relu, act.relu_derivative, name or "ReLU")

    def _forward(self, Z):
        self._Z = Z
        return np.maximum(Z, 0.0)

    def _backward(self, G):
        return G * (self._Z > 0)


class LeakyReLU(Activation):
    """A = Z where Z > 0 and alpha Z elsewhere; f'(Z) = 1 where Z > 0 and alpha elsewhere."""

    def __init__(self, alpha=0.01, name=None):
        self.alpha = non_negative_number("LeakyReLU", "alpha", alpha)
        super().__init__(None, None, name or f"LeakyReLU({self.alpha:g})")

    # methods rather than closures, so that a copied or pickled layer uses its own alpha
    def function(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha)


class Linear(Activation):
    """The identity A = Z (the regression output); backward passes G unchanged."""

    def __init__(self, name=None):
        super().__init__(act.linear, act.linear_derivative, name or "Linear")

    def _forward(self, Z):
        self._Z = Z
        return Z

    def _backward(self, G):
        return G


class Step(Activation):
    """The perceptron's step unit, A = 1 where Z >= 0 and 0 elsewhere; its gradient is zero,
    so backprop cannot train it."""

    def __init__(self, name=None):
        super().__init__(act.step, act.step_derivative, name or "Step")

    def _forward(self, Z):
        self._Z = Z
        return (Z >= 0).astype(np.float64)

    def _backward(self, G):
        return np.zeros_like(G)


class Softmax(Activation):
    """Row-wise softmax (chapter 7), S = softmax(Z) for each sample, Z and S of shape (n, K).

    Backward is the Jacobian-vector product for each row, without building the
    K x K Jacobian diag(s) - s s^T::

        dL/dz = s * (g - sum_j g_j s_j)     where g = dL/ds.
    """

    def __init__(self, name=None):
        super().__init__(act.softmax, None, name or "Softmax")
        self._S = None

    def _forward(self, Z):
        self._Z = Z
        self._S = act.softmax_unguarded(Z)
        return self._S

    def _backward(self, G):
        s = self._S
        return s * (G - (G * s).sum(axis=1, keepdims=True))


class Dropout(Layer):
    """Inverted dropout (chapter 11), X and Y of shape (n, d). In training, with a fresh random
    mask M each pass::

        M = (U < 1 - rate) / (1 - rate)   with U uniform in [0, 1),   Y = X * M,   dL/dX = dL/dY * M

    so the expected activation is unchanged and evaluation needs no rescaling. In evaluation
    mode (or with rate 0) it is the identity. The scaling by 1 / (1 - rate) can overflow for
    inputs near the largest float64 (1.8e308): ``forward`` then raises a ValueError. Inside a
    network such an overflow passes on as inf, and ``train`` reports it as divergence.
    """

    def __init__(self, rate, rng, name=None):
        rate = fraction("Dropout", "rate", rate)
        super().__init__(name or f"Dropout({rate:g})")
        check_rng(self.name, rng)
        self.rate = rate
        self.rng = rng
        self._mask = None

    def _forward(self, X):
        if not self.training or self.rate == 0:
            self._mask = np.ones_like(X)
            return X
        keep = 1.0 - self.rate
        self._mask = (self.rng.random(X.shape) < keep) / keep
        return X * self._mask

    def _backward(self, G):
        return G * self._mask

    def forward(self, X):
        with np.errstate(over="ignore"):  # an overflow is reported below instead
            Y = self._forward(as_batch(self.name, "input X", X))
        if not all_finite(Y):
            raise ValueError(f"{self.name}: scaling the kept inputs by 1 / (1 - rate) = {1 / (1 - self.rate):g} "
                             f"overflowed (the input reaches {np.max(np.abs(X)):.3g}); "
                             "inverted dropout needs inputs below 1.8e308 * (1 - rate)")
        return Y

    def backward(self, grad_output):
        return self._backward(self._checked_gradient(grad_output, self._mask))


#: activation layers by name, for ``nnlib.network.mlp``
ACTIVATION_LAYERS = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "linear": Linear,
    "softmax": Softmax,
    "step": Step,
}


def layer_list(owner, layers):
    """``layers`` as a non-empty list of nnlib Layers, with a clear error for the usual slips."""
    if isinstance(layers, Layer):
        raise TypeError(f"{owner}: layers must be a list of layers, got one {type(layers).__name__}; pass [layer]")
    try:
        layers = list(layers)
    except TypeError:
        raise TypeError(f"{owner}: layers must be a list of layers, got {type(layers).__name__}") from None
    if not layers:
        raise ValueError(f"{owner}: needs at least one layer, got none")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"{owner}: layer {i} must be an nnlib Layer, got {type(layer).__name__}")
    return layers


def walk(layers, prefix=""):
    """Every layer of ``layers`` with the layers nested inside it (a Residual block's ``layers``),
    depth first, as (path, layer) pairs: path "3" is layers[3], "3.1" the second layer inside it."""
    for i, layer in enumerate(layers):
        path = f"{prefix}{i}"
        yield path, layer
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list):
            yield from walk(inner, path + ".")
