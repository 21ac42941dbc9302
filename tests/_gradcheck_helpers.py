"""A gradient check that also accepts parameters whose true gradient is exactly zero.

A Dense bias followed by BatchNorm has dL/db = 0 (the normalisation removes any shift),
and the relative error of two numbers that are both rounding noise is meaningless. Such a
parameter passes when the analytic gradient is below ``zero`` and the numerical one is below the
rounding noise of a centred difference, about 1e-16 |L| / h = 1e-10 |L| (we allow 1e-8 max(1, |L|)).
"""

import numpy as np

import nnlib as nn

TOL = nn.gradcheck.TOLERANCE


def network_gradient_errors(net, loss, X, Y, zero=1e-12):
    """Return [(parameter label, relative error or 0.0 for a true zero gradient)] for every parameter."""
    prediction = net.forward(X)
    noise = 1e-8 * max(1.0, abs(float(loss(prediction, Y))))
    net.backward(loss.gradient(prediction, Y))
    params = net.parameters()
    analytic = [p.grad.copy() for p in params]
    out = []
    for i, (p, a) in enumerate(zip(params, analytic)):
        g = nn.numerical_gradient(lambda: loss(net.forward(X), Y), p.value)
        if np.abs(a).max() < zero and np.abs(g).max() < noise:
            out.append((f"{i}:{p.name}", 0.0))
        else:
            out.append((f"{i}:{p.name}", nn.relative_error(a, g)))
    return out


def assert_gradients_ok(errors):
    worst = max(e for _, e in errors)
    assert worst <= TOL, errors
