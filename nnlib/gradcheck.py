"""Gradient checking by centred finite differences.

For a scalar function f and each entry x_i ::

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h),

whose error is O(h^2). We compare the analytic gradient a (from backprop)
with the numerical one g by the relative error ::

    r = ||a - g|| / max(||a|| + ||g||, 1e-12)     (one number per parameter array).

Tolerance policy (float64):

- h = 1e-6. The truncation error is about h^2 ~ 1e-12 and the rounding error
  about 1e-16 / h ~ 1e-10, so a correct gradient gives r ~ 1e-9 or smaller.
- r <= 1e-7 passes. A wrong gradient (a missing factor, a transposed matrix,
  a sign) gives r of order 1e-2 to 1.
- Kinks (ReLU, leaky ReLU, MAE, Huber, hinge at their corners) have no derivative;
  check only at points at least 10 h away from a kink, where the function is
  smooth inside the difference stencil.
- Clipping (BCE, CCE near 0 or 1) changes the function: check away from the clip.

Chapter 6 (``book/06_backprop_worked_examples.ipynb``) runs these checks on every worked example.
"""

import contextlib

import numpy as np

from ._validation import check_rng, instance_with, positive_number, real_array, same_shape

#: the step and tolerance of the policy above
STEP = 1e-6
TOLERANCE = 1e-7


def relative_error(analytic, numerical):
    """||a - g|| / max(||a|| + ||g||, 1e-12): scale-free, 0 when they agree exactly."""
    a = real_array("relative_error", "analytic", analytic)
    g = real_array("relative_error", "numerical", numerical)
    same_shape("relative_error", a, g)  # (3,) against (3, 1) would broadcast to 3 x 3
    return float(np.linalg.norm(a - g) / max(np.linalg.norm(a) + np.linalg.norm(g), 1e-12))


def numerical_gradient(f, x, h=STEP):
    """Centred-difference gradient of the scalar function f() with respect to the array x.

    x is perturbed in place, one entry at a time, and restored; f takes no
    arguments and reads x (so x can be a layer's weight array). x must therefore be a
    writeable float64 array: an integer array would round x + h back to x, a float32 one lose h.
    f must return one number (a 0-d array or a float), the loss.
    """
    _check_perturbable(f, x)
    h = positive_number("numerical_gradient", "step h", h)
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        f_plus = f()
        x[i] = original - h
        f_minus = f()
        x[i] = original
        grad[i] = (_number(f_plus) - _number(f_minus)) / (2.0 * h)
    return grad


def _check_perturbable(f, x):
    """f a function, x an array it can perturb in place: float64 and writeable."""
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be a function of no arguments, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient: x must be a float64 numpy array (it is perturbed in place), "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    if not x.flags.writeable:
        raise ValueError("numerical_gradient: x must be a writeable array (it is perturbed in place and "
                         "restored), got a read-only one; pass a copy, np.array(x), that f reads")


def _number(value):
    """What f() returned, as a float: a loss is one number, not an array to be summed or broadcast."""
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise ValueError(f"numerical_gradient: f must return one number (the loss), got an array of "
                             f"shape {value.shape}; sum or average it inside f")
        if value.dtype.kind not in "fiu":
            raise TypeError(f"numerical_gradient: f must return a real number, got dtype {value.dtype}")
    elif isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"numerical_gradient: f must return a number (the loss), got {type(value).__name__}")
    return float(value)


@contextlib.contextmanager
def _fixed_dropout_masks(layers):
    """Make every Dropout layer draw the same mask on each forward pass (the one of the first),
    so that finite differences see one fixed function; the generators are put back afterwards."""
    from .layers import Dropout, walk  # here: gradcheck is imported by the layers' tests only

    dropouts = [layer for _, layer in walk(layers) if isinstance(layer, Dropout)]  # nested ones too
    saved = [layer.rng.bit_generator.state for layer in dropouts]
    originals = [layer._forward for layer in dropouts]

    def fixed(layer, state):
        def forward(X):
            layer.rng.bit_generator.state = state
            return type(layer)._forward(layer, X)
        return forward

    try:
        for layer, state in zip(dropouts, saved):
            layer._forward = fixed(layer, state)
        yield
    finally:
        for layer, state, original in zip(dropouts, saved, originals):
            del layer._forward
            layer.rng.bit_generator.state = state


def check_network(net, loss, X, Y, h=STEP):
    """Relative error of backprop against finite differences for every parameter of ``net``.

    Returns a dict {"<layer name>.<param name>": relative error}, in layer order; a parameter
    inside a Residual block is named after the layer in the block that owns it. Names that
    would repeat (two layers both called "Dense(4->4)") get the layer's place in ``net.layers``
    appended, " [layer 2]" or " [layer 3.0]" (the first layer inside the block at index 3),
    so that no parameter's error is lost. Dropout masks are held fixed, at any depth.
    For a single layer use ``check_layer``.
    """
    _check_network_and_loss(net, loss)

    def objective():
        return loss(net.forward(X), Y)

    names = _parameter_names(net.layers, net.parameters())
    with _fixed_dropout_masks(net.layers):
        prediction = net.forward(X)
        net.backward(loss.gradient(prediction, Y))
        analytic = [(p, p.grad.copy()) for p in net.parameters()]
        errors = {}
        for p, grad in analytic:
            numeric = numerical_gradient(objective, p.value, h)
            errors[names[id(p)]] = relative_error(grad, numeric)
    return errors


def _check_network_and_loss(net, loss):
    """A network with a list of layers (not one layer) and a loss instance (not its class)."""
    instance_with("check_network", "net", net, ("forward", "backward", "parameters"))
    if not isinstance(getattr(net, "layers", None), list):
        raise TypeError(f"check_network: net must be a network with a list of layers such as "
                        f"Sequential([...]), got {type(net).__name__}; for one layer use "
                        "check_layer(layer, X, rng)")
    instance_with("check_network", "loss", loss, ("gradient",))


def _parameter_names(layers, parameters, qualified=True):
    """{id(parameter): a unique readable name}: "<owning layer's name>.<param name>" (or only the
    parameter's name with qualified=False); a name that would repeat gets " [layer <path>]"."""
    from .layers import walk

    owner = {}
    for path, layer in walk(layers):  # depth first: a block's own layers come after it
        for p in layer.parameters():
            owner[id(p)] = (path, layer)
    base = {id(p): f"{owner[id(p)][1].name}.{p.name}" if qualified else p.name for p in parameters}
    counts = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    return {key: name if counts[name] == 1 else f"{name} [layer {owner[key][0]}]" for key, name in base.items()}


def check_layer(layer, X, rng, h=STEP):
    """Check one layer's backward against finite differences, for its input and parameters.

    Uses the scalar L = sum(R * layer(X)) with a fixed random R, so dL/d(output) = R.
    Returns {"input": error, "<param name>": error, ...}. For a Residual block, whose layers may
    share parameter names, a repeated name gets its layer's index in the block, "W [layer 0]".
    """
    X = np.array(real_array("check_layer", "X", X))  # a copy, perturbed in place
    check_rng("check_layer", rng)
    inner = getattr(layer, "layers", None)
    names = _parameter_names(inner if isinstance(inner, list) else [layer], layer.parameters(), qualified=False)
    with _fixed_dropout_masks([layer]):
        R = rng.normal(size=layer.forward(X).shape)

        def objective():
            return float(np.sum(R * layer.forward(X)))

        layer.forward(X)
        grad_input = layer.backward(R)
        analytic = [(p, p.grad.copy()) for p in layer.parameters()]
        errors = {"input": relative_error(grad_input, numerical_gradient(objective, X, h))}
        for p, grad in analytic:
            errors[names[id(p)]] = relative_error(grad, numerical_gradient(objective, p.value, h))
    return errors


def check_loss(loss, prediction, target, h=STEP):
    """Relative error of ``loss.gradient`` against finite differences in the prediction."""
    instance_with("check_loss", "loss", loss, ("gradient",))
    prediction = np.array(prediction, dtype=np.float64)
    numeric = numerical_gradient(lambda: loss(prediction, target), prediction, h)
    return relative_error(loss.gradient(prediction, target), numeric)
