"""Figures for chapter 2, activation functions (``book/02_activations.ipynb``).

The curves come from ``nnlib.activations``: each element-wise activation f and its
derivative f' (``ACTIVATIONS`` maps a name to the pair). ``activation_curves`` returns the
numbers a panel is drawn from, so the chapter can print them and the tests can check them.
Every plotting function returns a matplotlib ``Figure``.
"""

import matplotlib.pyplot as plt
import numpy as np

from nnlib import activations as act

#: the element-wise activations, in the order the chapter presents them
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "step")

TITLES = {
    "sigmoid": "sigmoid σ(z)",
    "tanh": "tanh(z)",
    "relu": "ReLU(z) = max(0, z)",
    "leaky_relu": "leaky ReLU",
    "linear": "linear f(z) = z",
    "step": "step",
}


def activation_curves(name, alpha=0.01, lo=-5.0, hi=5.0, n=401):
    """(z, f(z), f'(z)) on ``n`` evenly spaced points of [lo, hi] for the activation ``name``.

    ``alpha`` is the slope of leaky ReLU for z <= 0 (ignored by the others).
    """
    if name not in act.ACTIVATIONS:
        raise ValueError(f"activation_curves: name must be one of {sorted(act.ACTIVATIONS)}, got {name!r}")
    if not lo < hi:
        raise ValueError(f"activation_curves: need lo < hi, got lo={lo}, hi={hi}")
    f, df = act.ACTIVATIONS[name]
    z = np.linspace(lo, hi, n)
    if name == "leaky_relu":
        return z, f(z, alpha), df(z, alpha)
    return z, f(z), df(z)


def _break_jumps(values, threshold=0.25):
    """Copy of ``values`` with NaN inserted where it jumps, so a step is not drawn as a slope."""
    values = np.array(values, dtype=np.float64)
    jumps = np.flatnonzero(np.abs(np.diff(values)) > threshold)
    values[jumps + 1] = np.nan
    return values


def draw_activation(ax, name, alpha=0.01, lo=-5.0, hi=5.0, legend=True):
    """Draw f (solid) and f' (dashed) of one activation on ``ax``; returns max f' on [lo, hi]."""
    z, f, df = activation_curves(name, alpha, lo, hi)
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.plot(z, _break_jumps(f), lw=2.2, label="f(z)")
    ax.plot(z, _break_jumps(df), lw=2.0, ls="--", label="f′(z)")
    if name in ("relu", "leaky_relu", "step"):
        # the value nnlib uses at the kink z = 0
        f0, df0 = act.ACTIVATIONS[name]
        d0 = df0(0.0, alpha) if name == "leaky_relu" else df0(0.0)
        ax.plot([0], [float(d0)], marker="o", ms=5, color="C1", mfc="white", zorder=4,
                label=f"f′(0) = {float(d0):g} (nnlib)")
    title = TITLES[name] + (f", α = {alpha:g}" if name == "leaky_relu" else "")
    ax.set_title(f"{title}\nmax f′ on [{lo:g}, {hi:g}]: {df.max():.4g}", fontsize=10)
    ax.set_xlabel("z")
    ax.set_ylabel("f(z) and f′(z)")
    ax.set_xlim(lo, hi)
    if legend:
        ax.legend(fontsize=9, loc="upper left")
    return float(df.max())


def plot_activation(name, alpha=0.01, lo=-5.0, hi=5.0):
    """One activation and its derivative. Returns the Figure."""
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    draw_activation(ax, name, alpha, lo, hi)
    fig.tight_layout()
    return fig


def plot_all_activations(alpha=0.1, lo=-4.0, hi=4.0):
    """The six element-wise activations and their derivatives, one panel each. Returns the Figure."""
    # 13 in wide, shown about 948 px wide in the book: its 9 pt legends come out at about 9 CSS px.
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.2))
    for ax, name in zip(axes.flat, NAMES):
        draw_activation(ax, name, alpha, lo, hi)
    fig.tight_layout()
    return fig


def plot_sigmoid_tanh(lo=-6.0, hi=6.0):
    """Left: sigma and sigma' = sigma (1 - sigma) with its maximum 0.25 at 0.
    Right: tanh, 2 sigma(2z) - 1 (the same curve) and tanh' = sech^2 with its maximum 1 at 0.
    Returns the Figure."""
    z = np.linspace(lo, hi, 601)
    s, ds = act.sigmoid(z), act.sigmoid_derivative(z)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.9))
    a1.plot(z, s, lw=2.2, label="σ(z)")
    a1.plot(z, ds, lw=2.0, ls="--", label="σ′(z) = σ(z)(1 − σ(z))")
    a1.plot([0], [0.25], "o", color="C1", zorder=4)
    a1.annotate("maximum 0.25 at z = 0", (0, 0.25), xytext=(1.0, 0.36), fontsize=9,
                arrowprops=dict(arrowstyle="->", lw=0.8))
    a1.set_title("Sigmoid and its derivative", fontsize=11)
    t = act.tanh(z)
    a2.plot(z, t, lw=2.2, label="tanh(z)")
    a2.plot(z[::25], 2 * act.sigmoid(2 * z[::25]) - 1, "o", ms=4, color="black", label="2σ(2z) − 1")
    a2.plot(z, act.tanh_derivative(z), lw=2.0, ls="--", label="tanh′(z) = sech²(z)")
    a2.plot(z, ds, lw=1.2, ls=":", color="grey", label="σ′(z), for comparison")
    a2.set_title("tanh, a rescaled sigmoid", fontsize=11)
    for ax in (a1, a2):
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_xlabel("z")
        ax.set_ylabel("value")
        ax.set_xlim(lo, hi)
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def active_fraction(Z):
    """For pre-activations Z (n_samples, n_units): the fraction of samples with z > 0, per unit (n_units,).

    A ReLU unit whose fraction is 0 is *dead*: its output and its gradient are zero on every sample.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        raise ValueError(f"active_fraction: Z must be 2-D (n_samples, n_units), got shape {Z.shape}")
    return (Z > 0).mean(axis=0)


def plot_dying_relu(biases, Z):
    """Bar chart: the fraction of samples on which each ReLU unit is active, against its bias.

    ``biases`` (n_units,), ``Z`` the pre-activations (n_samples, n_units). Returns the Figure.
    """
    frac = active_fraction(Z)
    biases = np.asarray(biases, dtype=np.float64).reshape(-1)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    colours = ["#d62728" if f_ == 0 else "#1f77b4" for f_ in frac]
    ax.bar(np.arange(len(frac)), frac, color=colours)
    for k, f_ in enumerate(frac):
        ax.text(k, f_ + 0.02, "dead" if f_ == 0 else f"{f_:.2f}", ha="center", fontsize=9)
    ax.set_xticks(np.arange(len(frac)), [f"unit {k + 1}\nb = {b + 0.0:g}" for k, b in enumerate(biases)], fontsize=8)
    ax.set_xlabel("hidden unit and its bias b")
    ax.set_ylabel("fraction of samples with z > 0")
    ax.set_ylim(0, 1.12)
    ax.set_title("ReLU units with more and more negative biases", fontsize=11)
    fig.tight_layout()
    return fig


def plot_softmax(logits, class_names=None):
    """Bar charts of softmax(z) for each logit vector in ``logits`` (a list of 1-D vectors). Returns the Figure."""
    logits = [np.asarray(z, dtype=np.float64).reshape(-1) for z in logits]
    fig, axes = plt.subplots(1, len(logits), figsize=(3.8 * len(logits), 3.4), squeeze=False)
    for k, (ax, z) in enumerate(zip(axes.flat, logits)):
        p = act.softmax(z)
        names = class_names[k] if class_names is not None else [f"class {j + 1}" for j in range(len(z))]
        ax.bar(np.arange(len(z)), p, color="#1f77b4")
        for j, pj in enumerate(p):
            ax.text(j, pj + 0.02, f"{pj:.3g}", ha="center", fontsize=9)
        ax.set_xticks(np.arange(len(z)), names)
        ax.set_xlabel("class")
        ax.set_ylim(0, 1.12)
        ax.set_title("z = (" + ", ".join(f"{v:g}" for v in z) + ")", fontsize=10)
        ax.set_ylabel("softmax(z)")
    fig.tight_layout()
    return fig
