"""Loss functions. Each returns the batch value and its gradient with respect to
its own input (the prediction), with the scale written in its docstring.

Chapter 4 (``book/04_losses.ipynb``) compares them; chapter 5 and 7 use their
gradients to start backpropagation.

Usage: ``value = loss(prediction, target)``, ``grad = loss.gradient(prediction, target)``,
or both at once with ``loss.value_and_gradient(prediction, target)``.
Shapes: prediction and target are (n_samples, n_outputs) and must match exactly
(``SparseCategoricalCrossEntropy`` takes integer labels of shape (n,) instead).
"""

import numpy as np

from ._validation import _as_numeric_array, as_batch, boolean, one_of, positive_number, same_shape
from .activations import log_softmax, sigmoid, softmax

#: predictions are clipped to [EPS, 1 - EPS] before a log, so log(0) never happens
EPS = 1e-12


class Loss:
    """Base class: a loss maps a prediction P and a target Y, both (n, k), to one number L
    (averaged or summed over the batch, as each subclass says); ``gradient`` returns dL/dP, of
    P's shape (n, k). Subclasses implement ``_value`` and ``_gradient`` on checked arrays."""

    name = "Loss"

    def _value(self, prediction, target):
        raise NotImplementedError(f"{self.name}: a Loss subclass must implement _value and _gradient")

    def _gradient(self, prediction, target):
        raise NotImplementedError(f"{self.name}: a Loss subclass must implement _value and _gradient")

    def _check(self, prediction, target):
        prediction = as_batch(self.name, "prediction", prediction)
        target = as_batch(self.name, "target", target)
        same_shape(self.name, prediction, target)
        return prediction, target

    def __call__(self, prediction, target):
        prediction, target = self._check(prediction, target)
        return float(self._value(prediction, target))

    def gradient(self, prediction, target):
        prediction, target = self._check(prediction, target)
        return self._gradient(prediction, target)

    def value_and_gradient(self, prediction, target):
        prediction, target = self._check(prediction, target)
        return self._value_and_gradient(prediction, target)

    def _value_and_gradient(self, prediction, target):
        """Subclasses may override this to share work between value and gradient."""
        return float(self._value(prediction, target)), self._gradient(prediction, target)

    def __repr__(self):
        return self.name


class MeanSquaredError(Loss):
    """Squared error, L = c * sum (p - y)^2.

    reduction='mean': c = 1 / (number of entries)   (the usual MSE)
    reduction='sum':  c = 1
    half=True multiplies by 1/2, the convention of the notes' worked examples
    (E = sum 1/2 (target - out)^2), so that the gradient has no factor 2.
    Gradient: dL/dp = 2 c (p - y), or c (p - y) with half=True.
    """

    def __init__(self, reduction="mean", half=False):
        self.reduction = one_of("MeanSquaredError", "reduction", reduction, ("mean", "sum"))
        self.half = boolean("MeanSquaredError", "half", half)
        self.name = f"MeanSquaredError(reduction={reduction!r}, half={self.half})"

    def _scale(self, prediction):
        c = 1.0 / prediction.size if self.reduction == "mean" else 1.0
        return c * (0.5 if self.half else 1.0)

    def _value(self, p, y):
        d = p - y
        return self._scale(p) * np.sum(d * d)

    def _gradient(self, p, y):
        return (2.0 * self._scale(p)) * (p - y)

    def _value_and_gradient(self, p, y):
        d = p - y
        c = self._scale(p)
        return float(c * np.vdot(d, d)), (2.0 * c) * d


class MeanAbsoluteError(Loss):
    """L = mean abs(p - y); gradient sign(p - y) / N (we take 0 at p = y)."""

    name = "MeanAbsoluteError"

    def _value(self, p, y):
        return np.mean(np.abs(p - y))

    def _gradient(self, p, y):
        return np.sign(p - y) / p.size


class Huber(Loss):
    """Huber loss with threshold delta, averaged over entries:
    l(d) = d^2 / 2 for abs(d) <= delta, delta (abs(d) - delta / 2) otherwise, d = p - y.
    Quadratic near zero (like MSE), linear for outliers (like MAE).
    Gradient: clip(d, -delta, delta) / N.
    """

    def __init__(self, delta=1.0):
        self.delta = positive_number("Huber", "delta", delta)
        self.name = f"Huber(delta={self.delta:g})"

    def _value(self, p, y):
        d = np.abs(p - y)
        quadratic = 0.5 * d * d
        linear = self.delta * (d - 0.5 * self.delta)
        return np.mean(np.where(d <= self.delta, quadratic, linear))

    def _gradient(self, p, y):
        return np.clip(p - y, -self.delta, self.delta) / p.size


def _check_unit_interval(owner, name, array):
    if array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"{owner}: {name} must lie in [0, 1], got values from {array.min():g} to {array.max():g}"
        )


class BinaryCrossEntropy(Loss):
    """BCE, averaged over entries: L = -mean[ y log p + (1 - y) log(1 - p) ].

    With from_logits=False (default) the prediction is a probability p in [0, 1],
    clipped to [EPS, 1 - EPS] so that p = 0 or 1 gives a large finite loss.
    Gradient: (p - y) / (p (1 - p)) / N.
    With from_logits=True the prediction is the logit z (p = sigma(z)) and the
    loss is computed stably as mean[ log(1 + e^z) - y z ]; gradient (sigma(z) - y) / N.
    Targets must lie in [0, 1].
    """

    def __init__(self, from_logits=False):
        self.from_logits = boolean("BinaryCrossEntropy", "from_logits", from_logits)
        self.name = "BinaryCrossEntropy" + ("(from_logits=True)" if self.from_logits else "")

    def _check(self, prediction, target):
        prediction, target = super()._check(prediction, target)
        _check_unit_interval(self.name, "target", target)
        if not self.from_logits:
            _check_unit_interval(self.name, "prediction (a probability)", prediction)
        return prediction, target

    def _value(self, p, y):
        if self.from_logits:
            return np.mean(np.logaddexp(0.0, p) - y * p)
        p = np.clip(p, EPS, 1.0 - EPS)
        return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))

    def _gradient(self, p, y):
        if self.from_logits:
            return (sigmoid(p) - y) / p.size
        p = np.clip(p, EPS, 1.0 - EPS)
        return (p - y) / (p * (1.0 - p)) / p.size


def _check_distribution_rows(owner, target):
    """Each target row must be one-hot (or, more generally, a probability distribution)."""
    row_sums = target.sum(axis=1)
    if target.min() < 0 or np.abs(row_sums - 1.0).max() > 1e-6:
        bad = int(np.argmax((target.min(axis=1) < 0) | (np.abs(row_sums - 1.0) > 1e-6)))
        raise ValueError(
            f"{owner}: each target row must be one-hot (non-negative, summing to 1), "
            f"row {bad} is {target[bad].tolist()}"
        )


def _check_probability_rows(owner, prediction):
    """Each predicted row must be a probability distribution (a softmax output): rows summing to 1."""
    error = np.abs(prediction.sum(axis=1) - 1.0)
    if error.max() > 1e-4:  # loose enough for finite differences (h = 1e-6) to step off the simplex
        bad = int(np.argmax(error))
        raise ValueError(
            f"{owner}: each prediction row must be probabilities summing to 1 (a softmax output; "
            f"use from_logits=True for raw scores), row {bad} sums to {prediction[bad].sum():g}"
        )


class CategoricalCrossEntropy(Loss):
    """CCE, averaged over samples: L = -(1/n) sum_samples sum_k y_k log p_k.

    Targets are one-hot rows (n, K). With from_logits=False the prediction is
    the softmax output p (clipped to [EPS, 1]); gradient -y / p / n.
    With from_logits=True the prediction is the logit z; the loss uses
    log_softmax(z) and the gradient is (softmax(z) - y) / n: the famous
    "Y - y" of chapter 7 (``book/07_softmax_backprop.ipynb``).
    """

    def __init__(self, from_logits=False):
        self.from_logits = boolean(type(self).__name__, "from_logits", from_logits)
        self.name = "CategoricalCrossEntropy" + ("(from_logits=True)" if self.from_logits else "")

    def _check(self, prediction, target):
        prediction, target = super()._check(prediction, target)
        _check_distribution_rows(self.name, target)
        if not self.from_logits:
            _check_unit_interval(self.name, "prediction (probabilities)", prediction)
            _check_probability_rows(self.name, prediction)
        return prediction, target

    def _value(self, p, y):
        log_p = log_softmax(p) if self.from_logits else np.log(np.clip(p, EPS, 1.0))
        return -np.sum(y * log_p) / p.shape[0]

    def _gradient(self, p, y):
        if self.from_logits:
            return (softmax(p) - y) / p.shape[0]
        return -y / np.clip(p, EPS, 1.0) / p.shape[0]

    def _value_and_gradient(self, p, y):
        if not self.from_logits:
            return super()._value_and_gradient(p, y)
        # one log-softmax serves both: softmax = exp(log_softmax)
        log_p = log_softmax(p)
        n = p.shape[0]
        return float(-np.vdot(y, log_p) / n), (np.exp(log_p) - y) / n


class SparseCategoricalCrossEntropy(CategoricalCrossEntropy):
    """CCE with integer class labels (n,) instead of one-hot rows:
    L = -(1/n) sum_i log p_{i, label_i}. Same options and gradients as CCE."""

    def __init__(self, from_logits=False):
        super().__init__(from_logits)
        self.name = "Sparse" + self.name

    def _check(self, prediction, labels):
        prediction = as_batch(self.name, "prediction", prediction)
        labels = _as_numeric_array(self.name, "labels", labels)
        n, k = prediction.shape
        if labels.dtype.kind not in "iu":
            raise TypeError(f"{self.name}: labels must be integers, got dtype {labels.dtype}")
        if labels.shape != (n,):
            raise ValueError(f"{self.name}: labels must have shape ({n},), got {labels.shape}")
        if labels.min() < 0 or labels.max() >= k:
            raise ValueError(
                f"{self.name}: labels must lie in 0..{k - 1}, got values from {labels.min()} to {labels.max()}"
            )
        if not self.from_logits:
            _check_unit_interval(self.name, "prediction (probabilities)", prediction)
            _check_probability_rows(self.name, prediction)
        one_hot = np.zeros_like(prediction)
        one_hot[np.arange(n), labels] = 1.0
        return prediction, one_hot


def _check_signs(owner, target):
    if not np.all(np.abs(target) == 1):
        raise ValueError(f"{owner}: target labels must be -1 or +1, got values {np.unique(target).tolist()}")


class Hinge(Loss):
    """Hinge loss (the SVM's), averaged: L = mean max(0, 1 - y f) with labels y in {-1, +1}.
    Gradient: -y / N where y f < 1, else 0 (we take 0 at the kink y f = 1)."""

    name = "Hinge"

    def _check(self, prediction, target):
        prediction, target = super()._check(prediction, target)
        _check_signs(self.name, target)
        return prediction, target

    def _value(self, f, y):
        return np.mean(np.maximum(0.0, 1.0 - y * f))

    def _gradient(self, f, y):
        return np.where(y * f < 1.0, -y, 0.0) / f.size


class PerceptronLoss(Hinge):
    """Perceptron loss, averaged: L = mean max(0, -y f), labels y in {-1, +1}.
    Zero for every correctly classified point, however close to the line.
    Gradient: -y / N where y f < 0, else 0 (0 at the kink y f = 0)."""

    name = "PerceptronLoss"

    def _value(self, f, y):
        return np.mean(np.maximum(0.0, -y * f))

    def _gradient(self, f, y):
        return np.where(y * f < 0.0, -y, 0.0) / f.size


# short names, as the chapters use them
MSE = MeanSquaredError
MAE = MeanAbsoluteError
BCE = BinaryCrossEntropy
CCE = CategoricalCrossEntropy
SparseCCE = SparseCategoricalCrossEntropy
