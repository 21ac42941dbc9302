"""A scalar automatic-differentiation engine, small enough to read in one sitting (chapter 5).

A :class:`Value` holds one number, the Values it was computed from (``parents``) and the
derivative of itself with respect to each of them (``local_grads``). Every operation below
builds a new Value and records those local derivatives; :meth:`Value.backward` then walks the
graph from the output back to the leaves, multiplying by local derivatives and adding where
paths meet: the chain rule with memoisation, which is backpropagation.

The design follows Andrej Karpathy's micrograd (https://github.com/karpathy/micrograd), with
two changes: each node stores its local derivatives as numbers instead of a closure, and
``backward`` resets every gradient of the graph first, so that calling it twice gives the same
gradients instead of adding to them. The gate vocabulary of the comments (add distributes,
multiply swaps, max routes) is that of the Stanford cs231n notes on backpropagation.

Operations: ``+ - * /``, ``**`` (a plain-number exponent), unary ``-``, ``exp``, ``log``,
``relu``, ``tanh``, ``sigmoid`` (built from ``exp``, ``+`` and ``**``) and ``maximum``. Plain numbers mix in on either side.

Example::

    x, y = Value(3.0), Value(-1.0)
    f = (x + y) * x
    f.backward()
    x.grad, y.grad          # (5.0, 3.0)

This is a teaching helper, not part of the numeric core: nnlib's layers do the same work with
whole matrices (``Dense.backward`` and the activations' ``backward``).
"""

import math

__all__ = ["Value"]


class Value:
    """A number that remembers how it was computed, so that :meth:`backward` can apply the chain rule."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0                   # d(output)/d(self), filled in by backward()
        self.parents = tuple(parents)     # the Values this one was computed from
        self.local_grads = tuple(local_grads)   # d(self)/d(parent), one number per parent

    def __repr__(self):
        return f"Value(data={self.data:g}, grad={self.grad:g})"

    # --- the gates -------------------------------------------------------------------------
    def __add__(self, other):             # add gate: both local gradients are 1 (it distributes)
        other = _as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):             # multiply gate: each input gets the other input (it swaps)
        other = _as_value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):                 # k a plain number: d(x^k)/dx = k x^(k-1)
        if isinstance(k, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a plain number")
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def exp(self):                        # d(e^x)/dx = e^x
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self):                        # d(ln x)/dx = 1/x, for x > 0
        if self.data <= 0:
            raise ValueError(f"log of a non-positive number: {self.data!r}")
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self):                       # a max gate with 0: the gradient passes only if x > 0
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def tanh(self):                       # d(tanh x)/dx = 1 - tanh^2 x
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def maximum(self, other):             # max gate: the whole gradient goes to the larger input (it routes)
        other = _as_value(other)
        first = self.data >= other.data
        return Value(max(self.data, other.data), (self, other), (float(first), float(not first)))

    # --- built from the gates above: no derivative rule of their own --------------------------
    def sigmoid(self):
        return (1.0 + (-self).exp()) ** -1

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # --- the backward pass -------------------------------------------------------------------
    def backward(self):
        """Fill ``.grad`` of every Value this one depends on; returns the number of nodes.

        The nodes are put in topological order (each after everything it depends on), every
        gradient is reset to 0, the output's own gradient is set to 1, and the nodes are visited
        in reverse, so that a node's gradient is complete before it is passed on.
        """
        order, seen = [], set()
        stack = [(self, False)]
        while stack:                      # depth first, without recursion (deep graphs are fine)
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if id(p) not in seen)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad     # +=: a Value used twice sums its paths
        return len(order)


def _as_value(x):
    return x if isinstance(x, Value) else Value(x)
