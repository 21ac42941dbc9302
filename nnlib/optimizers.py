"""Optimisers: each updates its parameters in place from their stored gradients.

Chapter 9 (``book/09_optimizers.ipynb``) compares them. Write g for a
parameter's gradient, eta for the learning rate and t for the step count
(starting at 1).

    opt = Adam(net.parameters(), lr=0.01)
    net.backward(grad); opt.step()
"""

import math

import numpy as np

from ._validation import all_finite, all_finite_quiet, boolean, fraction, one_of, positive_number, real_array
from .parameter import Parameter
from .training import TrainingDivergedError


#: The largest norm of all parameters together (the square root of the largest float64, about
#: 1.3e154) that a step inside ``train`` accepts; beyond it the squared norm overflows (see ``Optimizer``).
MAX_NORM = math.sqrt(np.finfo(np.float64).max)


def _parameter_list(owner, parameters):
    """A list of distinct Parameters, with a clear error for the usual slips."""
    if isinstance(parameters, Parameter):
        raise TypeError(f"{owner}: parameters must be a list of Parameters, got one Parameter; pass [p]")
    if hasattr(parameters, "parameters") and hasattr(parameters, "forward"):
        raise TypeError(f"{owner}: parameters must be a list of Parameters, got a "
                        f"{type(parameters).__name__}; pass net.parameters()")
    if callable(parameters):
        raise TypeError(f"{owner}: parameters must be a list of Parameters, got the method "
                        f"{getattr(parameters, '__qualname__', parameters)!s}; call it: net.parameters()")
    try:
        parameters = list(parameters)
    except TypeError:
        raise TypeError(f"{owner}: parameters must be a list of Parameters, "
                        f"got {type(parameters).__name__}") from None
    if not parameters:
        raise ValueError(f"{owner}: needs at least one parameter, got none")
    for p in parameters:
        if not isinstance(p, Parameter):
            raise TypeError(f"{owner}: parameters must be nnlib Parameters, got {type(p).__name__}")
    if len({id(p) for p in parameters}) != len(parameters):
        raise ValueError(f"{owner}: a parameter appears twice in the list (it would be updated twice)")
    return parameters


def _side_by_side(arrays):
    """One flat view over ``arrays`` if they lie one after another in one block of memory, else None."""
    base = arrays[0].base
    start = arrays[0].__array_interface__["data"][0]
    address = start
    for a in arrays:
        if a.base is not base or base is None or a.__array_interface__["data"][0] != address:
            return None
        address += a.nbytes
    offset = (start - base.__array_interface__["data"][0]) // base.itemsize
    return base.reshape(-1)[offset:offset + (address - start) // base.itemsize]


class Optimizer:
    """Base class: each ``step()`` updates every parameter w in place from its gradient g by the
    subclass's rule, ``_update(w, g)`` (SGD: w <- w - eta g), with eta = ``lr``.

    The optimiser sees all its parameters as one vector ``w`` (and their gradients as
    ``g``), so one update is a handful of whole-vector operations however many layers
    there are. Parameters created one after another (the layers of a network) already
    lie side by side in memory (``nnlib.parameter``): then ``w`` is a view of them and
    nothing is copied. Otherwise (parameters from different places, or in another
    order) each step copies them into ``w``, updates it and copies the results back.
    Either way no parameter's array is ever replaced, so handles such as
    ``W = layer.W.value`` stay live.

    After each step the parameters and the optimiser's state must be finite; if not, ``step``
    raises ``TrainingDivergedError`` (a learning rate too large or exploding gradients).
    Inside ``nnlib.train`` / ``train_step`` the squared norm of all parameters together,
    ||w||^2 = sum of w_i^2, must moreover be a finite float64 (||w|| below ``MAX_NORM``, about
    1.3e154). That catches runs that diverged without overflowing: a sigmoid or softmax output
    saturates at weights of 1e306, the clipped loss stays finite and the gradient vanishes, so
    the weights would stay huge and finite for ever. No sane training gets anywhere near the
    bound, and beyond it squares of the weights (an L2 penalty, a gradient norm) overflow.
    A hand-written loop calling ``step()`` decides itself what to do with huge but finite
    weights (chapter 10 lets them overflow in the next forward pass). Either check costs one
    dot product w . w: it is NaN or inf if w holds NaN or inf, or if ||w|| > MAX_NORM.
    """

    #: the names of the state vectors a subclass keeps (saved and loaded by ``state_dict``)
    _state_names = ()
    #: the names of the hyperparameters (saved with the state, restored on loading)
    _hyper_names = ("lr",)
    #: the state vectors whose overflow would not show in the parameters (a 1 / sqrt(inf) = 0 step)
    _checked_states = ()

    def __init__(self, parameters, lr):
        name = type(self).__name__
        self.parameters = _parameter_list(name, parameters)
        self.lr = lr  # checked by the property below
        self.t = 0  # steps taken
        self._size = sum(p.size for p in self.parameters)
        self._layout()

    @property
    def lr(self):
        """The learning rate eta, a finite number > 0, checked also when set by hand (``opt.lr = 0.1``)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = positive_number(type(self).__name__, "learning rate lr", value)

    def _layout(self):
        """Find the vectors w and g: views of the parameters if they are side by side, else copies."""
        self._w = _side_by_side([p.value for p in self.parameters])
        self._g = _side_by_side([p.grad for p in self.parameters])
        self._copying = self._w is None or self._g is None
        if self._copying:
            self._w, self._g = np.empty(self._size), np.empty(self._size)

    def step(self):
        """Apply one update to every parameter; raise TrainingDivergedError if it overflowed."""
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below instead
            self._step()

    def _step(self, bounded=False):
        """``step`` without its own error state (``nnlib.train_step`` sets one for the whole step);
        bounded=True (train_step) also refuses ||w|| > MAX_NORM."""
        if self._w is None:
            self._layout()  # after unpickling
        w, g = self._w, self._g
        if self._copying:
            start = 0
            for p in self.parameters:
                w[start:start + p.size] = p.value.reshape(-1)
                g[start:start + p.size] = p.grad.reshape(-1)
                start += p.size
        self.t += 1
        self._update(w, g)
        if self._copying:
            start = 0
            for p in self.parameters:
                p.value[...] = w[start:start + p.size].reshape(p.shape)
                start += p.size
        if not math.isfinite(np.dot(w, w)):  # NaN or inf in w, or ||w|| > MAX_NORM
            self._diverged(w, bounded)
        for state in self._checked_states:
            if not all_finite_quiet(getattr(self, state)):
                raise TrainingDivergedError(
                    f"{type(self).__name__}: step {self.t} overflowed its state {state!r} "
                    "(the gradients exploded); clip them (clip_gradient_norm) or lower the learning rate"
                )

    def _diverged(self, w, bounded):
        """Raise the TrainingDivergedError that says how the parameters diverged (with
        bounded=False, only if they are NaN or inf)."""
        if all_finite(w):
            if not bounded:
                return
            largest = float(np.max(np.abs(w)))
            what = (f"the parameters' norm exceed {MAX_NORM:.2g} (the largest is {largest:.3g}: "
                    "training diverged without overflowing)")
        else:
            what = "parameters NaN or inf (training diverged)"
        raise TrainingDivergedError(
            f"{type(self).__name__}: step {self.t} made {what}; "
            f"try a smaller learning rate than lr={self.lr:g} or clip the gradients"
        )

    def _zeros(self):
        """A state vector (velocity, running square, ...) the size of all parameters together."""
        return np.zeros(self._size)

    # --- saving and restoring ----------------------------------------------------------------

    def state_dict(self):
        """The optimiser's state as named arrays: ``t``, the hyperparameters and the state vectors."""
        state = {"t": np.array(self.t)}
        for name in self._hyper_names:
            state[name] = np.array(getattr(self, name))
        for name in self._state_names:
            state[name] = getattr(self, name).copy()
        return state

    def load_state_dict(self, state):
        """Restore what ``state_dict`` returned (into an optimiser built on the same parameters)."""
        owner = type(self).__name__
        missing = [k for k in ("t", *self._hyper_names, *self._state_names) if k not in state]
        if missing:
            raise ValueError(f"{owner}: the saved state lacks {missing} (saved from another optimiser?)")
        for name in self._state_names:
            if np.shape(state[name]) != (self._size,):
                raise ValueError(f"{owner}: saved state {name!r} has shape {np.shape(state[name])}, "
                                 f"expected ({self._size},) for these parameters")
        hypers = {name: self._checked_hyper(name, np.asarray(state[name]).item()) for name in self._hyper_names}
        t = np.asarray(state["t"])
        if t.shape != () or t.dtype.kind not in "iu" or t < 0:
            raise ValueError(f"{owner}: saved step count t must be an integer >= 0, got {t.tolist()!r}")
        vectors = {name: real_array(owner, f"saved state {name!r}", state[name]) for name in self._state_names}
        for name, value in hypers.items():  # only now, once everything was checked
            setattr(self, name, value)
        self.t = int(t)
        for name, value in vectors.items():
            getattr(self, name)[...] = value

    def _checked_hyper(self, name, value):
        """A saved hyperparameter, checked as the constructor checks it."""
        owner = f"{type(self).__name__} (loading its state)"
        if name in ("lr", "eps"):
            return positive_number(owner, name, value)
        if name.startswith("beta"):
            return fraction(owner, name, value)
        if name == "form":
            return one_of(owner, "form", value, ("average", "classic"))
        return boolean(owner, name, value)  # bias_correction, eps_inside_sqrt

    # copy and pickle: the vectors w and g are views of the parameters, found again on arrival
    def __getstate__(self):
        state = self.__dict__.copy()
        state["_w"] = state["_g"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)


class SGD(Optimizer):
    """Plain gradient descent: w <- w - eta g."""

    def _update(self, w, g):
        w -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum, in one of two forms.

    form='average' (the notes' form, Sheet 5): an exponentially weighted average ::

        m <- beta m + (1 - beta) g,    w <- w - eta m

    form='classic' (PyTorch's SGD(momentum=beta)): a velocity that sums gradients ::

        v <- beta v + g,               w <- w - eta v

    The two are the same method: the classic form with eta equals the average
    form with eta / (1 - beta).
    """

    def __init__(self, parameters, lr, beta=0.9, form="average"):
        super().__init__(parameters, lr)
        self.beta = fraction("Momentum", "beta", beta)
        self.form = one_of("Momentum", "form", form, ("average", "classic"))
        self.velocity = self._zeros()

    _state_names = ("velocity",)
    _hyper_names = ("lr", "beta", "form")

    def _update(self, w, g):
        v = self.velocity
        v *= self.beta
        v += (1.0 - self.beta) * g if self.form == "average" else g
        w -= self.lr * v


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of the gradient.

        s <- beta s + (1 - beta) g^2
        w <- w - eta g / (sqrt(s) + eps)        (eps_inside_sqrt=False, the usual form)
        w <- w - eta g / sqrt(s + eps)          (eps_inside_sqrt=True, as Sheet 5 writes it)
    """

    def __init__(self, parameters, lr, beta=0.9, eps=1e-8, eps_inside_sqrt=False):
        super().__init__(parameters, lr)
        self.beta = fraction("RMSProp", "beta", beta)
        self.eps = positive_number("RMSProp", "eps", eps)
        self.eps_inside_sqrt = boolean("RMSProp", "eps_inside_sqrt", eps_inside_sqrt)
        self.square_avg = self._zeros()

    _state_names = ("square_avg",)
    _checked_states = ("square_avg",)
    _hyper_names = ("lr", "beta", "eps", "eps_inside_sqrt")

    def _update(self, w, g):
        s = self.square_avg
        s *= self.beta
        s += (1.0 - self.beta) * g * g
        denom = np.sqrt(s + self.eps) if self.eps_inside_sqrt else np.sqrt(s) + self.eps
        w -= self.lr * g / denom


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSProp scaling, with bias correction.

        m <- beta1 m + (1 - beta1) g
        v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)      (bias_correction=True)
        w <- w - eta m_hat / (sqrt(v_hat) + eps)

    With bias_correction=False it uses m and v directly, as Sheet 5 writes Adam.
    Since m and v start at zero, that step is (1 - beta1^t) / sqrt(1 - beta2^t) times
    the corrected one: with the defaults 3.2 times too large at t = 1, about 6.5 times
    near t = 10, and still 1.26 times at t = 1000 (chapter 9, ``book/09_optimizers.ipynb``).
    """

    def __init__(self, parameters, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        super().__init__(parameters, lr)
        self.beta1 = fraction("Adam", "beta1", beta1)
        self.beta2 = fraction("Adam", "beta2", beta2)
        self.eps = positive_number("Adam", "eps", eps)
        self.bias_correction = boolean("Adam", "bias_correction", bias_correction)
        self.m, self.v = self._zeros(), self._zeros()

    _state_names = ("m", "v")
    _checked_states = ("v",)
    _hyper_names = ("lr", "beta1", "beta2", "eps", "bias_correction")

    def _update(self, w, g):
        m, v = self.m, self.v
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        if self.bias_correction:
            m_scale = 1.0 / (1.0 - self.beta1**self.t)
            v_scale = 1.0 / (1.0 - self.beta2**self.t)
            w -= (self.lr * m_scale) * m / (np.sqrt(v_scale * v) + self.eps)
        else:
            w -= self.lr * m / (np.sqrt(v) + self.eps)


def clip_gradient_norm(parameters, max_norm):
    """Scale all gradients together so that their joint L2 norm is at most ``max_norm``.

    norm = sqrt(sum over parameters of ||g||^2); if norm > max_norm every g is
    multiplied by max_norm / norm (the direction is kept). Returns the norm
    before clipping. Chapter 10 uses it against exploding gradients.
    If the squares overflow (gradients of 1e200), the norm is computed again as
    s * sqrt(sum (g / s)^2) with s the largest abs(g). NaN or inf gradients are refused.
    """
    max_norm = positive_number("clip_gradient_norm", "max_norm", max_norm)
    parameters = _parameter_list("clip_gradient_norm", parameters)
    for p in parameters:
        if not all_finite(p.grad):
            raise ValueError(f"clip_gradient_norm: the gradient of {p.name!r} contains NaN or inf values")
    with np.errstate(over="ignore", under="ignore"):
        norm = float(np.sqrt(sum(np.sum(p.grad * p.grad) for p in parameters)))
    if not np.isfinite(norm):  # the squares overflowed: scale by the largest entry first
        largest = max(float(np.max(np.abs(p.grad))) for p in parameters if p.size)
        norm = largest * float(np.sqrt(sum(np.sum((p.grad / largest) ** 2) for p in parameters)))
    if norm > max_norm:
        scale = max_norm / norm
        for p in parameters:
            p.grad *= scale
    return norm
