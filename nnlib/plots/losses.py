"""Figures for chapter 4, loss functions (``book/04_losses.ipynb``).

Every curve is computed by nnlib's own losses (``nnlib.losses``), one prediction at a time:
the value ``loss([[p]], [[t]])`` and the derivative ``loss.gradient([[p]], [[t]])`` for a
single sample and a single output, where the mean over the batch is the value itself.

- ``make_loss(name, delta)``: the nnlib loss behind a short name ("mse", "mae", "huber", ...).
- ``plot_losses(settings)``: loss (top row) and its derivative (bottom row) against the
  prediction, one column per (name, target, delta) setting. The explorer
  (``nnlib.explorers.losses``) draws one column of it live.
- ``compare_regression_losses(delta)``: MSE, MAE and Huber on one pair of axes, against the
  error p - y.
- ``plot_outlier_fits(x, y, fits, outlier)``: a regression data set with its outlier and one
  fitted line per loss.

Each function returns a matplotlib ``Figure``.
"""

import matplotlib.pyplot as plt
import numpy as np

from ..losses import BCE, MAE, MSE, Hinge, Huber

#: short name -> the label written over its plot
LOSS_NAMES = {
    "mse": "MSE  (p - y)^2",
    "mse_half": "half MSE  (p - y)^2 / 2",
    "mae": "MAE  |p - y|",
    "huber": "Huber",
    "bce": "BCE  -y log p - (1 - y) log(1 - p)",
    "hinge": "hinge  max(0, 1 - y f)",
}


def make_loss(name, delta=1.0):
    """The nnlib loss for a short name in ``LOSS_NAMES`` (``delta`` is used by Huber only)."""
    if name not in LOSS_NAMES:
        raise ValueError(f"make_loss: name must be one of {sorted(LOSS_NAMES)}, got {name!r}")
    return {
        "mse": lambda: MSE(),
        "mse_half": lambda: MSE(half=True),
        "mae": lambda: MAE(),
        "huber": lambda: Huber(delta),
        "bce": lambda: BCE(),
        "hinge": lambda: Hinge(),
    }[name]()


def _check_target(name, target):
    if name == "bce" and not 0.0 <= target <= 1.0:
        raise ValueError(f"plot_losses: the BCE target must lie in [0, 1], got {target}")
    if name == "hinge" and target not in (-1, 1):
        raise ValueError(f"plot_losses: the hinge target must be -1 or +1, got {target}")


def prediction_grid(name, target, n=401):
    """Predictions to draw against: probabilities in (0, 1) for BCE, scores for hinge,
    and target +- 3 for the regression losses."""
    if name == "bce":
        return np.linspace(0.005, 0.995, n)
    if name == "hinge":
        return np.linspace(-3.0, 3.0, n)
    return np.linspace(target - 3.0, target + 3.0, n)


def loss_curve(name, target, delta=1.0, predictions=None):
    """(predictions, values, derivatives) of one loss for one target, computed by nnlib.

    predictions default to ``prediction_grid(name, target)``.
    """
    _check_target(name, target)
    loss = make_loss(name, delta)
    p = prediction_grid(name, target) if predictions is None else np.asarray(predictions, float)
    t = np.array([[float(target)]])
    values = np.array([loss(np.array([[q]]), t) for q in p])
    derivatives = np.array([loss.gradient(np.array([[q]]), t)[0, 0] for q in p])
    return p, values, derivatives


def plot_losses(settings, *, figsize=None):
    """Loss (top row) and derivative dL/dp (bottom row) for each (name, target, delta).

    settings: a list of tuples (name, target) or (name, target, delta).
    """
    settings = [tuple(s) + ((1.0,) if len(s) == 2 else ()) for s in settings]
    if not settings:
        raise ValueError("plot_losses: settings needs at least one (name, target, delta), got none")
    k = len(settings)
    if figsize is None:
        figsize = (3.6 * k if k > 1 else 6.0, 5.2)
    fig, axes = plt.subplots(2, k, figsize=figsize, sharex="col", squeeze=False)
    for j, (name, target, delta) in enumerate(settings):
        p, values, derivatives = loss_curve(name, target, delta)
        top, bottom = axes[0, j], axes[1, j]
        top.plot(p, values, color="#1f77b4", lw=2)
        bottom.plot(p, derivatives, color="#d62728", lw=2)
        title = LOSS_NAMES[name] if name != "huber" else f"Huber, delta = {delta:g}"
        top.set_title(f"{title}\ntarget y = {target:g}", fontsize=10)
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
            # the target (for the hinge loss: the margin, y f = 1 at f = y)
            ax.axvline(target, color="0.5", ls=":", lw=1)
        bottom.axhline(0.0, color="0.3", lw=0.8)
        if name == "huber":
            for edge in (target - delta, target + delta):
                for ax in (top, bottom):
                    ax.axvline(edge, color="#2ca02c", ls="--", lw=1)
        if name == "bce":
            bottom.set_ylim(-12, 12)
        bottom.set_xlabel("score f" if name == "hinge" else "prediction p")
        if j == 0:
            top.set_ylabel("loss L")
            bottom.set_ylabel("derivative dL/dp")
    fig.tight_layout()
    return fig


def compare_regression_losses(delta=1.0, *, span=3.0):
    """MSE, MAE and Huber(delta) against the error e = p - y (left), with derivatives (right)."""
    e = np.linspace(-span, span, 601)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    styles = [("mse", "MSE", "#1f77b4"), ("mae", "MAE", "#ff7f0e"), ("huber", f"Huber (delta = {delta:g})", "#2ca02c")]
    for name, label, color in styles:
        _, values, derivatives = loss_curve(name, 0.0, delta, predictions=e)
        left.plot(e, values, label=label, color=color, lw=2)
        right.plot(e, derivatives, label=label, color=color, lw=2)
    left.set_ylim(-0.2, span)
    left.set_title("loss of one sample")
    right.set_title("its derivative: how hard the sample pulls")
    for ax in (left, right):
        ax.axvline(-delta, color="0.6", ls="--", lw=1)
        ax.axvline(delta, color="0.6", ls="--", lw=1)
        ax.set_xlabel("error e = p - y")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center")
    left.set_ylabel("L")
    right.set_ylabel("dL/dp")
    fig.tight_layout()
    return fig


def plot_outlier_fits(x, y, fits, outlier, *, true_line=None):
    """Scatter (x, y), ring the outlier points, and draw one line per fit.

    x, y: 1-D arrays; fits: dict label -> (slope, intercept); outlier: index or list of
    indices into x of the outliers; true_line: optional (slope, intercept) that made the data.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"plot_outlier_fits: x and y need the same length, got {x.size} and {y.size}")
    outlier = np.atleast_1d(outlier)
    fig, ax = plt.subplots(figsize=(7, 4.6))
    inlier = np.ones(x.size, dtype=bool)
    inlier[outlier] = False
    ax.scatter(x[inlier], y[inlier], color="0.3", s=22, label="data", zorder=3)
    ax.scatter(x[outlier], y[outlier], facecolor="none", edgecolor="#d62728", s=120, lw=2,
               label="outlier", zorder=3)
    ax.scatter(x[outlier], y[outlier], color="#d62728", s=22, zorder=3)
    grid = np.linspace(x.min(), x.max(), 50)
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]
    for (label, (slope, intercept)), color in zip(fits.items(), colors):
        ax.plot(grid, slope * grid + intercept, color=color, lw=2,
                label=f"{label}: slope {slope:.2f}")
    if true_line is not None:
        slope, intercept = true_line
        ax.plot(grid, slope * grid + intercept, color="0.5", ls=":", lw=1.5,
                label=f"line that made the data: slope {slope:.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


def plot_training_curves(curves, *, ylabel="training accuracy", title=None):
    """Curves against the epoch, one per run: ``curves`` maps a label to a list of values (one per
    epoch). Returns the Figure (chapter 4: two losses training the same digit classifier)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.9))
    styles = ["-", "--", ":", "-."]
    for k, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=np.float64)
        ax.plot(np.arange(1, len(values) + 1), values, lw=2.0, ls=styles[k % len(styles)], label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
