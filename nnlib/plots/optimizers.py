"""Figures of chapter 9 (book/09_optimizers.ipynb): loss per epoch and time per epoch of batch,
mini-batch and stochastic gradient descent; loss curves for several learning rates; optimiser
paths on the contour lines of a 2-D loss surface; a coarse-to-fine random search.

Each ``plot_*`` function returns a matplotlib Figure (or draws on a given Axes). The chapter
prints the numbers each figure is drawn from, since nbval does not compare pixels.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator

#: one colour per method, used the same way in every figure of the chapter
COLOURS = {
    "batch": "#1f5fa8", "mini-batch": "#2a9d5c", "stochastic": "#c0392b",
    "SGD": "#555555", "Momentum": "#1f5fa8", "RMSProp": "#2a9d5c", "Adam": "#c0392b",
}
_CYCLE = ["#1f5fa8", "#c0392b", "#2a9d5c", "#8e44ad", "#d68910", "#555555", "#17a2b8"]


def _no_minor_ticks(ax):
    """Drop the minor ticks of log axes: they add little and make drawing several times slower."""
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())


def _colour(label, i):
    for key, colour in COLOURS.items():
        if label.startswith(key):
            return colour
    return _CYCLE[i % len(_CYCLE)]


def plot_batch_comparison(losses, seconds_per_epoch):
    """Two panels: training loss per epoch (left) and time per epoch (right, a bar chart).

    ``losses``: {label: list of per-epoch losses}; ``seconds_per_epoch``: {label: seconds}.
    The right panel shows each method's time relative to the fastest.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [3, 2]})
    for i, (label, curve) in enumerate(losses.items()):
        epochs = np.arange(1, len(curve) + 1)
        ax1.plot(epochs, curve, "o-", ms=3, color=_colour(label, i), label=label)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss (BCE)")
    ax1.set_title("progress per epoch")
    ax1.legend(frameon=False)
    ax1.grid(alpha=0.3)
    labels = list(seconds_per_epoch)
    fastest = min(seconds_per_epoch.values())
    ratios = [seconds_per_epoch[k] / fastest for k in labels]
    bars = ax2.bar([k.replace(" (", "\n(") for k in labels], ratios, color=[_colour(k, i) for i, k in enumerate(labels)])
    for bar, r in zip(bars, ratios):
        ax2.annotate(f"{r:.0f}x", (bar.get_x() + bar.get_width() / 2, r), ha="center", va="bottom")
    ax2.set_yscale("log")
    _no_minor_ticks(ax2)
    ax2.set_ylabel("time per epoch / fastest")
    ax2.set_title("cost per epoch")
    ax2.set_ylim(0.5, max(ratios) * 3)
    fig.tight_layout()
    return fig


def draw_loss_curves(ax, curves, *, logy=True, diverged=(), ylim=None):
    """Draw {label: per-epoch losses} on ``ax``; labels in ``diverged`` are marked with an x
    where their training stopped (at the top edge when ``ylim`` cuts the curve off)."""
    for i, (label, curve) in enumerate(curves.items()):
        colour = _CYCLE[i % len(_CYCLE)]
        epochs = np.arange(1, len(curve) + 1)
        curve = np.minimum(np.asarray(curve, dtype=float), 1e30)  # a diverging run: keep the log axis finite
        ax.plot(epochs, curve, "-", color=colour, label=label)
        if label in diverged and len(curve):
            top = curve[-1] if ylim is None else min(curve[-1], ylim[1])
            ax.plot(epochs[-1], top, "x", color=colour, ms=10, mew=2, clip_on=False)
    if logy:
        ax.set_yscale("log")
        _no_minor_ticks(ax)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (MSE)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=9)


def plot_learning_rates(curves, *, diverged=(), title=None, ylim=None):
    """Loss per epoch for several learning rates, {label: losses}, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    draw_loss_curves(ax, curves, diverged=diverged, ylim=ylim)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def draw_trajectories(ax, surface, paths, *, title=None, levels=None):
    """Contour lines of ``surface`` and each path {label: array (steps + 1, 2)} on ``ax``."""
    W1, W2, F = surface.grid(n=120)
    if levels is None:
        levels = np.geomspace(max(F.min(), 1e-3) + 1e-3, F.max(), 14)
    ax.contour(W1, W2, F, levels=levels, colors="#bbbbbb", linewidths=0.8)
    ax.plot(*surface.minimum, "*", color="black", ms=12, zorder=5)
    used = set()
    for i, (label, path) in enumerate(paths.items()):
        ok = np.all(np.isfinite(path), axis=1)
        colour, style = _colour(label, i), "-"
        if colour in used:  # two variants of one method in a panel: a second colour, dashed
            colour, style = next(c for c in _CYCLE[::-1] if c not in used), "--"
        used.add(colour)
        ax.plot(path[ok, 0], path[ok, 1], ".", ls=style, ms=3, lw=1.3, color=colour, label=label)
        ax.plot(path[0, 0], path[0, 1], "o", color="black", ms=5)
    x0, x1, y0, y1 = surface.window
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title)
    ax.legend(frameon=True, fontsize=9, loc="lower right")


def plot_trajectories(surface, panels, *, ncols=2, size=(5.0, 3.6)):
    """A grid of contour plots, one per panel: ``panels`` = {panel title: {label: path}}."""
    n = len(panels)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False)
    for ax, (title, paths) in zip(axes.flat, panels.items()):
        draw_trajectories(ax, surface, paths, title=title)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def plot_search(coarse, fine, fine_space, *, x="lr", y="one_minus_beta", labels=None):
    """The two rounds of a random search in the (x, y) plane, both on log axes, coloured by score.

    ``coarse`` and ``fine`` are lists of (score, setting) from ``nnlib.search.random_search``;
    ``fine_space`` is the narrowed space, drawn as a box. Diverged trials (score inf) are grey crosses.
    """
    labels = labels or {x: x, y: y}
    fig, ax = plt.subplots(figsize=(6.8, 4.6))
    finite = [s for s, _ in coarse + fine if np.isfinite(s)]
    vmin, vmax = min(finite), max(finite)
    for results, marker, name in ((coarse, "o", "coarse round"), (fine, "^", "fine round")):
        ok = [(s, p) for s, p in results if np.isfinite(s)]
        bad = [p for s, p in results if not np.isfinite(s)]
        sc = ax.scatter([p[x] for _, p in ok], [p[y] for _, p in ok], c=[s for s, _ in ok],
                        cmap="viridis_r", norm=plt.matplotlib.colors.LogNorm(vmin, vmax), marker=marker,
                        s=46, edgecolors="black", linewidths=0.5, label=name)
        if bad:
            ax.scatter([p[x] for p in bad], [p[y] for p in bad], marker="x", color="#999999", s=40,
                       label=f"{name}: diverged")
    (x0, x1, _), (y0, y1, _) = fine_space[x], fine_space[y]
    ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ls="--", lw=1.2, color="#c0392b"))
    best_score, best = min(coarse + fine, key=lambda r: r[0])
    ax.plot(best[x], best[y], "*", color="#c0392b", ms=16, mec="black", label="best")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _no_minor_ticks(ax)
    ax.set_xlabel(labels[x])
    ax.set_ylabel(labels[y])
    fig.colorbar(sc, ax=ax, label="validation loss")
    ax.legend(frameon=True, fontsize=9, loc="upper left")
    ax.set_title("random search: coarse round, then fine round inside the dashed box")
    fig.tight_layout()
    return fig


def plot_optimizer_histories(histories, *, title=None):
    """Training loss (solid) and validation loss (dashed) per epoch for {label: History}, one
    colour per optimiser (labels that start with SGD, Momentum, RMSProp or Adam get the chapter's
    colours), on a log scale: the digits comparison of chapter 9."""
    fig, ax = plt.subplots(figsize=(6.6, 4.0))
    for i, (label, history) in enumerate(histories.items()):
        colour = _colour(label, i)
        epochs = np.arange(1, len(history.loss) + 1)
        ax.plot(epochs, history.loss, "-", color=colour, label=f"{label}: training")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, "--", color=colour, label=f"{label}: validation")
    ax.set_yscale("log")
    _no_minor_ticks(ax)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (cross-entropy)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, ncol=2)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_schedule(runs):
    """Two panels for {label: (rates per epoch, History)}: the learning rate of each epoch (left,
    log scale) and the training (solid) and validation (dashed) loss per epoch (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, (label, (rates, history)) in enumerate(runs.items()):
        colour = _CYCLE[i % len(_CYCLE)]
        epochs = np.arange(1, len(history.loss) + 1)
        left.step(epochs, np.asarray(rates[:len(epochs)]), where="post", color=colour, label=label)
        right.plot(epochs, history.loss, "-", color=colour, label=f"{label}: training")
        right.plot(epochs, history.val_loss, "--", color=colour, label=f"{label}: validation")
    left.set_yscale("log")
    right.set_yscale("log")
    for ax in (left, right):
        _no_minor_ticks(ax)
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8)
    rates = sorted({float(r) for rates, history in runs.values() for r in rates[:len(history.loss)]})
    left.set_yticks(rates, [f"{r:g}" for r in rates])
    left.set_ylabel("learning rate $\\eta$ (log scale)")
    right.set_ylabel("loss (cross-entropy)")
    fig.tight_layout()
    return fig


def learning_rate_outcome(losses, diverged, epochs):
    """One line about a run of ``epochs`` epochs: 'diverged after k epochs', 'growing: loss ...'
    (it ended above where it started) or 'final loss ...'."""
    if diverged:
        return f"diverged after {len(losses)} epochs"
    if losses[-1] > losses[0]:
        return f"growing: loss {losses[-1]:.3e} after {epochs} epochs"
    return f"final loss {losses[-1]:.4f}"


def plot_learning_rate_panels(runs, epochs, *, ncols=3, ylim=(1e-2, 1e4)):
    """One panel per run of {learning rate: (losses per epoch, diverged?)}, titled with its outcome
    (``learning_rate_outcome``); the panels share the y axis (log scale)."""
    nrows = -(-len(runs) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(13, 3.5 * nrows), sharey=True, squeeze=False)
    for ax in axes.flat[len(runs):]:
        ax.set_visible(False)
    for ax, (lr, (losses, diverged)) in zip(axes.flat, runs.items()):
        label = f"lr = {lr:g}"
        draw_loss_curves(ax, {label: losses}, diverged={label} if diverged else (), ylim=ylim)
        ax.set_xlim(0, epochs + 1)
        ax.set_title(learning_rate_outcome(losses, diverged, epochs), fontsize=10)
    fig.tight_layout()
    return fig
