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
from ._validation import all_finite, as_batch, finite_number, fraction, real_array
from .initializers import INITIALIZERS, needs_rng
from .parameter import Parameter


class Layer:
    """Base class. Subclasses implement ``forward`` and ``backward``."""

    _training = True

    @property
    def training(self):
        """True in training, False in evaluation; layers that behave differently (Dropout,
        BatchNorm) read it. Only a bool is accepted: the string 'False' would be truthy."""
        return self._training

    @training.setter
    def training(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{self.name}: training must be True or False, got {value!r} ({type(value).__name__})")
        self._training = bool(value)

    def __init__(self, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {type(name).__name__}")
        self.name = name or type(self).__name__

    def parameters(self):
        return []

    def forward(self, X):
        raise NotImplementedError(f"{self.name}: a Layer subclass must implement forward(X)")

    def backward(self, grad_output):
        raise NotImplementedError(f"{self.name}: a Layer subclass must implement backward(grad_output)")

    # A Sequential network checks its input once, at the first layer, and the gradient once, at
    # the last; in between, the arrays come from its own layers, so it calls these unchecked
    # versions. A layer that has no separate unchecked version uses its checked one.
    def _forward(self, X):
        return self.forward(X)

    def _backward(self, grad_output):
        return self.backward(grad_output)

    def _check_input(self, X):
        """X as a finite 2-D float64 array (ints and bools converted)."""
        return as_batch(self.name, "input X", X)

    def _check_forward_done(self, cached):
        if cached is None:
            raise RuntimeError(f"{self.name}: backward() called before forward()")

    def _check_grad(self, grad_output, expected_shape):
        if not isinstance(grad_output, np.ndarray):
            raise TypeError(
                f"{self.name}: grad_output must be a numpy array, got {type(grad_output).__name__}"
            )
        if grad_output.shape != expected_shape:
            raise ValueError(
                f"{self.name}: grad_output must have the output's shape {expected_shape}, "
                f"got {grad_output.shape}"
            )
        if grad_output.dtype != np.float64:
            if grad_output.dtype.kind not in "fiub":
                raise TypeError(f"{self.name}: grad_output must hold real numbers, got dtype {grad_output.dtype}")
            grad_output = grad_output.astype(np.float64)
        if not all_finite(grad_output):
            raise ValueError(f"{self.name}: grad_output contains NaN or inf values")
        return grad_output

    def output_size(self, n_in):
        """The number of output features, given ``n_in`` input features."""
        return n_in

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class Dense(Layer):
    """Fully connected layer: Z = X @ W + b.

    Shapes: X (n, n_in), W (n_in, n_out), b (1, n_out), Z (n, n_out).
    Backward, given G = dL/dZ of shape (n, n_out)::

        dL/dW = X^T G            (n_in, n_out)
        dL/db = sum over rows of G  (1, n_out)
        dL/dX = G W^T            (n, n_in)

    Pass ``weights`` and ``bias`` to set the values exactly (worked examples),
    or let ``init`` (a name from ``nnlib.initializers.INITIALIZERS`` or a function
    ``init(shape, rng)``) draw them with ``rng``. Biases start at zero.
    """

    def __init__(self, n_in, n_out, *, init="xavier", rng=None, weights=None, bias=None, name=None):
        super().__init__(name or f"Dense({n_in!r}->{n_out!r})")
        for label, n in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
                raise TypeError(f"{self.name}: {label} must be a positive integer, got {n!r} ({type(n).__name__})")
            if n < 1:
                raise ValueError(f"{self.name}: {label} must be a positive integer, got {n!r}")
        self.n_in, self.n_out = int(n_in), int(n_out)
        if weights is None:
            init_fn = INITIALIZERS.get(init, init) if isinstance(init, str) else init
            if not callable(init_fn) or isinstance(init_fn, type):
                raise ValueError(
                    f"{self.name}: init must be one of {sorted(INITIALIZERS)} or a function "
                    f"init(shape, rng), got {init!r}"
                )
            if getattr(init_fn, "is_factory", False):
                raise TypeError(
                    f"{self.name}: init={init_fn.__name__} makes initialisers; call it first, "
                    f"for example init={init_fn.__name__}(...)"
                )
            if needs_rng(init_fn) and rng is None:
                raise TypeError(
                    f"{self.name}: random init {init!r} needs rng=np.random.default_rng(seed)"
                )
            weights = init_fn((self.n_in, self.n_out), rng)
            weights = real_array(self.name, f"the weights init {getattr(init_fn, '__name__', init_fn)} made", weights)
        else:
            weights = real_array(self.name, "weights", weights)
        if weights.shape != (self.n_in, self.n_out):
            raise ValueError(
                f"{self.name}: weights must have shape (n_in, n_out) = {(self.n_in, self.n_out)}, "
                f"got {weights.shape}"
            )
        bias = np.zeros((1, self.n_out)) if bias is None else real_array(self.name, "bias", bias)
        if bias.shape == (self.n_out,):
            bias = bias.reshape(1, self.n_out)  # a 1-D bias is unambiguous: one value per unit
        if bias.shape != (1, self.n_out):
            raise ValueError(
                f"{self.name}: bias must have shape (1, {self.n_out}) or ({self.n_out},), got {bias.shape}"
            )
        self.W = Parameter("W", weights)
        self.b = Parameter("b", bias)
        self._X = None

    def parameters(self):
        return [self.W, self.b]

    def output_size(self, n_in):
        return self.n_out

    def forward(self, X):
        checked = as_batch(self.name, "input X", X, self.n_in)
        # backward needs X as it is now: keep a copy if it is the caller's array
        return self._forward(checked.copy() if checked is X else checked)

    def _forward(self, X):
        self._X = X
        Z = X @ self.W.value
        Z += self.b.value  # in place: one (n, n_out) array per forward pass, not two
        return Z

    def backward(self, grad_output):
        self._check_forward_done(self._X)
        grad_output = self._check_grad(grad_output, (self._X.shape[0], self.n_out))
        return self._backward(grad_output)

    def _backward(self, grad_output):
        self._parameter_gradients(grad_output)
        return grad_output @ self.W.value.T

    def _parameter_gradients(self, grad_output):
        """dL/dW and dL/db only: the first layer of a network being trained needs no dL/dX."""
        np.matmul(self._X.T, grad_output, out=self.W.grad)
        grad_output.sum(axis=0, keepdims=True, out=self.b.grad)


class Activation(Layer):
    """An element-wise activation a = f(z); backward multiplies by f'(z)."""

    def __init__(self, function, derivative, name):
        super().__init__(name)
        if function is not None:  # LeakyReLU defines them as methods instead
            self.function = function
            self.derivative = derivative
        self._Z = None

    def forward(self, X):
        return self._forward(self._check_input(X))

    def _forward(self, X):
        self._Z = X
        return self.function(X)

    def backward(self, grad_output):
        self._check_forward_done(self._Z)
        grad_output = self._check_grad(grad_output, self._Z.shape)
        return self._backward(grad_output)

    def _backward(self, grad_output):
        return grad_output * self.derivative(self._Z)


class Sigmoid(Activation):
    """a = sigma(z); backward uses sigma'(z) = a (1 - a), from the cached output."""

    def __init__(self, name=None):
        super().__init__(act.sigmoid, act.sigmoid_derivative, name or "Sigmoid")
        self._A = None

    def forward(self, X):
        # exp(-z) overflows for z < -709, where 1 / (1 + inf) = 0 is the right answer
        with np.errstate(over="ignore"):
            return super().forward(X)

    def _forward(self, X):
        # inside a network, Sequential.forward silences exp's overflow once for all its layers
        self._Z = X
        self._A = act.sigmoid_unguarded(X)
        return self._A

    def _backward(self, grad_output):
        return grad_output * self._A * (1.0 - self._A)


class Tanh(Activation):
    """a = tanh(z); backward uses tanh'(z) = sech^2(z) = 4 e^{-2|z|} / (1 + e^{-2|z|})^2,
    which keeps full relative precision for every z (1 - a^2 loses it as abs(a) nears 1)."""

    def __init__(self, name=None):
        super().__init__(act.tanh, act.tanh_derivative, name or "Tanh")

    def _forward(self, X):
        self._Z = X
        return np.tanh(X)

    def _backward(self, grad_output):
        return grad_output * act.sech_squared(self._Z)


class ReLU(Activation):
    """a = max(0, z); backward passes the gradient where z > 0 and blocks it elsewhere."""

    def __init__(self, name=None):
        super().__init__(act.relu, act.relu_derivative, name or "ReLU")

    def _forward(self, X):
        self._Z = X
        return np.maximum(X, 0.0)

    def _backward(self, grad_output):
        return grad_output * (self._Z > 0)


class LeakyReLU(Activation):
    """a = z for z > 0, alpha z otherwise."""

    def __init__(self, alpha=0.01, name=None):
        self.alpha = finite_number("LeakyReLU", "alpha", alpha)
        if self.alpha < 0:
            raise ValueError(f"LeakyReLU: alpha must be >= 0, got {alpha!r}")
        super().__init__(None, None, name or f"LeakyReLU({self.alpha:g})")

    # methods rather than closures, so that a copied or pickled layer uses its own alpha
    def function(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha)


class Linear(Activation):
    """The identity a = z (the regression output)."""

    def __init__(self, name=None):
        super().__init__(act.linear, act.linear_derivative, name or "Linear")

    def _forward(self, X):
        self._Z = X
        return X

    def _backward(self, grad_output):
        return grad_output


class Step(Activation):
    """The perceptron's step unit; its gradient is zero, so backprop cannot train it."""

    def __init__(self, name=None):
        super().__init__(act.step, act.step_derivative, name or "Step")

    def _forward(self, X):
        self._Z = X
        return (X >= 0).astype(np.float64)

    def _backward(self, grad_output):
        return np.zeros_like(grad_output)


class Softmax(Activation):
    """Row-wise softmax, s = softmax(z) for each sample.

    Backward is the Jacobian-vector product for each row, without building the
    K x K Jacobian diag(s) - s s^T::

        dL/dz = s * (g - sum_j g_j s_j)     where g = dL/ds.
    """

    def __init__(self, name=None):
        super().__init__(act.softmax, None, name or "Softmax")
        self._S = None

    def _forward(self, X):
        self._Z = X
        self._S = act.softmax_unguarded(X)
        return self._S

    def _backward(self, grad_output):
        s = self._S
        return s * (grad_output - (grad_output * s).sum(axis=1, keepdims=True))


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``rate`` and
    scale the survivors by 1 / (1 - rate), so the expected activation is unchanged
    and evaluation needs no rescaling. In evaluation mode it is the identity.
    Chapter 11 (``book/11_training_in_practice.ipynb``) uses it.
    """

    def __init__(self, rate, rng, name=None):
        rate = fraction("Dropout", "rate", rate)
        super().__init__(name or f"Dropout({rate:g})")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"{self.name}: rng must be a numpy Generator, got {type(rng).__name__}")
        self.rate = rate
        self.rng = rng
        self._mask = None

    def forward(self, X):
        return self._forward(as_batch(self.name, "input X", X))

    def _forward(self, X):
        if not self.training or self.rate == 0:
            self._mask = np.ones_like(X)
            return X
        keep = 1.0 - self.rate
        self._mask = (self.rng.random(X.shape) < keep) / keep
        return X * self._mask

    def backward(self, grad_output):
        self._check_forward_done(self._mask)
        grad_output = self._check_grad(grad_output, self._mask.shape)
        return grad_output * self._mask

    def _backward(self, grad_output):
        return grad_output * self._mask


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


def walk(layers, prefix=""):
    """Every layer of ``layers`` with the layers nested inside it (a Residual block's ``layers``),
    depth first, as (path, layer) pairs: path "3" is layers[3], "3.1" the second layer inside it."""
    for i, layer in enumerate(layers):
        path = f"{prefix}{i}"
        yield path, layer
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list):
            yield from walk(inner, path + ".")
