"""Boolean functions built by hand from step units.

Chapter 8 (``book/08_xor_xnor.ipynb``). A step unit computes U(w . x + b) with
U(z) = 1 for z >= 0 and 0 otherwise (``nnlib.activations.step``). With inputs
x in {0, 1}^n:

- a *product unit* (one AND of literals, a "minterm") fires on exactly one row r
  of the truth table: weight +2 on every input that is 1 in r, -2 on every input
  that is 0 in r, and bias 1 - 2 p, where p is the number of ones in r. Then ::

      z = 1 at x = r,   and z <= -1 for every other x

  (each input that differs from r lowers z by 2). Sheet 5's XOR unit
  U(2 x1 - 2 x2 - 1) is the product unit of the row (1, 0).
- an *OR unit* over k hidden units: weights 1 and bias -1/2, U(z1 + ... + zk - 1/2).

One product unit per true row, followed by one OR unit, computes any boolean
function (its "sum of products", or disjunctive normal form): one hidden layer
is enough. Networks are nnlib ``Sequential`` objects in the book's convention
(Z = X @ W + b, W of shape (n_in, n_out)).
"""

import numpy as np

from ..layers import Dense, Step
from ..network import Sequential
from ..perceptron import Perceptron

#: names of the 16 boolean functions of two inputs, by ``nnlib.datasets.boolean_function`` index
#: (the index's bits, most significant first, are the outputs on (0,0), (0,1), (1,0), (1,1))
FUNCTION_NAMES = {
    0: "FALSE", 1: "AND", 2: "x1 AND NOT x2", 3: "x1", 4: "NOT x1 AND x2", 5: "x2",
    6: "XOR", 7: "OR", 8: "NOR", 9: "XNOR", 10: "NOT x2", 11: "x1 OR NOT x2",
    12: "NOT x1", 13: "NOT x1 OR x2", 14: "NAND", 15: "TRUE",
}


def truth_table_inputs(n_inputs):
    """All 2^n input rows of an n-input truth table, in binary counting order.

    Row k holds the bits of k, most significant first, so for n = 2 the rows are
    (0,0), (0,1), (1,0), (1,1), the order of ``nnlib.datasets.BOOLEAN_INPUTS``.
    Returns an array of shape (2^n, n).
    """
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, (int, np.integer)) or not 1 <= n_inputs <= 16:
        raise ValueError(f"truth_table_inputs: n_inputs must be an integer in 1..16, got {n_inputs!r}")
    k = np.arange(2**n_inputs)[:, None]
    shifts = np.arange(n_inputs - 1, -1, -1)[None, :]
    return ((k >> shifts) & 1).astype(np.float64)


def _as_outputs(y):
    """Check a truth-table output column: 0/1 values, length a power of two >= 2."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"boolean: outputs y must have shape (2^n,) or (2^n, 1), got {y.shape}")
    n_rows = y.shape[0]
    if n_rows < 2 or n_rows & (n_rows - 1):
        raise ValueError(f"boolean: the number of outputs must be a power of two >= 2, got {n_rows}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"boolean: outputs must be 0 or 1, got values {np.unique(y).tolist()}")
    return y, int(n_rows).bit_length() - 1


def minterm_unit(row):
    """Weights (n,) and bias of the step unit that fires on the input ``row`` only.

    w_i = +2 where row_i = 1 and -2 where row_i = 0;  b = 1 - 2 * (number of ones).
    Then w . x + b = 1 at x = row and <= -1 at every other binary x.
    """
    row = np.asarray(row, dtype=np.float64)
    if row.ndim != 1 or not np.all((row == 0) | (row == 1)):
        raise ValueError(f"minterm_unit: row must be a 1-D array of 0s and 1s, got {row.tolist()}")
    return 4.0 * row - 2.0, 1.0 - 2.0 * float(row.sum())


def step_network(W1, b1, W2, b2):
    """A one-hidden-layer network of step units: U(U(X @ W1 + b1) @ W2 + b2).

    Shapes: W1 (n_in, n_hidden), b1 (n_hidden,), W2 (n_hidden, 1), b2 (1,).
    """
    W1 = np.asarray(W1, dtype=np.float64)
    W2 = np.asarray(W2, dtype=np.float64)
    if W1.ndim != 2 or W2.ndim != 2:
        raise ValueError(
            f"step_network: W1 and W2 must be 2-D (n_in, n_out), got shapes {W1.shape} and {W2.shape}"
        )
    return Sequential([
        Dense(W1.shape[0], W1.shape[1], weights=W1, bias=b1, name="hidden"),
        Step(name="U hidden"),
        Dense(W2.shape[0], W2.shape[1], weights=W2, bias=b2, name="output"),
        Step(name="U output"),
    ])


def xor_step_network():
    """The classic hand-built XOR of three step units: Z1 = U(2 x1 - 2 x2 - 1),
    Z2 = U(-2 x1 + 2 x2 - 1), Y = U(Z1 + Z2 - 1/2). Column j of W1 holds the weights into
    hidden unit Z_j."""
    return step_network(
        W1=[[2.0, -2.0], [-2.0, 2.0]], b1=[-1.0, -1.0],
        W2=[[1.0], [1.0]], b2=[-0.5],
    )


#: the former name of ``xor_step_network`` (the network of the source notes' exercise sheet)
sheet5_xor_network = xor_step_network


def sum_of_products_network(y):
    """The step network that computes the boolean function with outputs ``y``.

    ``y`` (2^n,) or (2^n, 1) lists the outputs on ``truth_table_inputs(n)``.
    One hidden product unit per true row (``minterm_unit``) and an OR unit at the
    output. A function with no true row (constant 0) gets one hidden unit that
    never fires (weights 0, bias -1), since a layer needs at least one unit.
    """
    y, n = _as_outputs(y)
    rows = truth_table_inputs(n)[y == 1]
    if len(rows) == 0:
        W1, b1 = np.zeros((n, 1)), np.array([-1.0])
    else:
        units = [minterm_unit(r) for r in rows]
        W1 = np.column_stack([w for w, _ in units])
        b1 = np.array([b for _, b in units])
    k = W1.shape[1]
    return step_network(W1, b1, np.ones((k, 1)), np.array([-0.5]))


def sum_of_products(y, names=None):
    """The sum-of-products formula of the function with outputs ``y``, as text.

    For XNOR (outputs 1, 0, 0, 1): "~x1 ~x2 + x1 x2" (juxtaposition is AND, + is OR,
    ~ is NOT). "0" for the constant-0 function.
    """
    y, n = _as_outputs(y)
    names = names or [f"x{i + 1}" for i in range(n)]
    if len(names) != n:
        raise ValueError(f"sum_of_products: names must have {n} entries, got {len(names)}")
    terms = [
        " ".join(name if bit else "~" + name for name, bit in zip(names, row.astype(int)))
        for row in truth_table_inputs(n)[y == 1]
    ]
    return " + ".join(terms) if terms else "0"


def perceptron_separates(X, y, epochs=100, lr=1.0):
    """Train ``nnlib.Perceptron`` from zero on 0/1 labels y; return (found, perceptron).

    ``found`` is True when an epoch passed with no update and every point is on
    its side: the perceptron found a separating line. For a linearly separable
    set the convergence theorem guarantees this after finitely many updates; for
    a set that is not separable (XOR) it never happens, whatever ``epochs`` is.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"perceptron_separates: X must be (n, d) and y must hold n labels, got {X.shape} and {y.shape}"
        )
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"perceptron_separates: labels must be 0 or 1, got {np.unique(y).tolist()}")
    labels = np.where(y == 1, 1, -1)
    p = Perceptron(X.shape[1], lr=lr)
    p.fit(X, labels, epochs=epochs)
    found = bool(p.epochs_run < epochs and np.all(p.predict(X) == labels))
    return found, p
