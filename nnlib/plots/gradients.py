"""Figures of chapter 10 (book/10_vanishing_gradients.ipynb): the per-layer gradient norms of deep
networks, the bound 0.25^L on a product of sigmoid derivatives, and weights against epoch.

Each ``plot_*`` function returns a matplotlib Figure; ``draw_*`` functions draw on a given Axes
(the explorer in ``nnlib.explorers.gradients`` uses them too). The chapter prints the numbers
each figure is drawn from, since nbval does not compare pixels.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator
from matplotlib.ticker import MaxNLocator

_CYCLE = ["#1f5fa8", "#2a9d5c", "#d68910", "#c0392b", "#8e44ad", "#555555", "#17a2b8"]


def _no_minor_ticks(ax):
    """Drop the minor ticks of log axes: they add little and make drawing several times slower."""
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())


def draw_gradient_norms(ax, norms, *, title=None, ylim=None, legend=True):
    """Draw ||dL/dW^[l]|| against the layer number l = 1..L, one line per entry of
    ``norms`` = {label: list of norms, first layer first}, on a log scale. Zero norms
    (a dead network) are drawn at the bottom edge."""
    for i, (label, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, len(values) + 1)
        shown = np.where(values > 0, values, np.nan)
        ax.plot(layers, shown, "o-", ms=3, lw=1.4, color=_CYCLE[i % len(_CYCLE)], label=label)
    ax.set_yscale("log")
    _no_minor_ticks(ax)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("layer $l$ (1 = next to the input)")
    ax.set_ylabel(r"$\|\partial L/\partial W^{[l]}\|$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3, which="major")
    if title:
        ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(frameon=True, framealpha=0.85, fontsize=8.5, loc="best")


def plot_gradient_norms_grid(panels, *, ylim=None, ncols=3, size=(3.6, 3.0)):
    """One panel per entry of ``panels`` = {title: {label: norms}}, sharing the y-axis."""
    n = len(panels)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False,
                             sharey=True)
    # panels that share their lines' labels share one legend, in the first panel
    shared = len({tuple(norms) for norms in panels.values()}) == 1
    for k, (ax, (title, norms)) in enumerate(zip(axes.flat, panels.items())):
        draw_gradient_norms(ax, norms, title=title, ylim=ylim, legend=k == 0 or not shared)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def plot_derivative_bound(depths, bound, measured=None):
    """The bound 0.25^L on a product of L sigmoid derivatives, and (optionally) the product
    measured in a network, {label: values at the same depths}, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    ax.plot(depths, bound, "k--", lw=1.5, label=r"bound $0.25^L$")
    for i, (label, values) in enumerate((measured or {}).items()):
        ax.plot(depths, values, "o-", ms=4, color=_CYCLE[i % len(_CYCLE)], label=label)
    ax.set_yscale("log")
    _no_minor_ticks(ax)
    ax.set_xlabel("number of sigmoid layers $L$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("product of derivatives")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_weights_vs_epoch(runs, layers, *, n_traces=8):
    """Weights against epoch, the diagnosis note 004 suggests.

    ``runs`` = {run label: list of arrays (epochs + 1, n_weights), one per Dense layer} (from
    ``nnlib.diagnostics.WeightRecorder.weights``); ``layers`` = the layer indices (0-based) to
    show. One row per run, one column per layer; each panel shows the change
    w(epoch) - w(0) of the first ``n_traces`` weights, so that all traces start at zero.
    """
    nrows, ncols = len(runs), len(layers)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows), squeeze=False, sharey="row")
    for r, (label, weights) in enumerate(runs.items()):
        for c, layer in enumerate(layers):
            ax = axes[r, c]
            W = weights[layer]
            change = W[:, :n_traces] - W[0, :n_traces]
            ax.plot(np.arange(W.shape[0]), change, lw=1.1)
            ax.axhline(0.0, color="black", lw=0.6)
            ax.set_title(f"{label}: layer {layer + 1}", fontsize=10)
            ax.set_xlabel("epoch")
            if c == 0:
                ax.set_ylabel(r"$w - w_{\mathrm{start}}$")
            ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_loss_curves(curves, *, title=None, logy=True):
    """Training loss per epoch, {label: losses}."""
    fig, ax = plt.subplots(figsize=(9.0, 3.8))
    styles = ["-", "--", "-.", ":"]
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(np.arange(1, len(values) + 1), values, lw=1.5, color=_CYCLE[i % len(_CYCLE)],
                ls=styles[(i // len(_CYCLE) + i) % len(styles)], label=label)
    if logy:
        ax.set_yscale("log")
        _no_minor_ticks(ax)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
