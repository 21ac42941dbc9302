"""Figures for chapter 3, forward propagation and shapes (``book/03_forward_propagation.ipynb``).

``network_diagram`` draws a fully connected network as columns of circles, one column per
layer, and writes under each gap the shapes nnlib uses there: W of shape (n_in, n_out) and
b of shape (1, n_out), so that Z = X @ W + b. Optionally each neuron shows a number (for
example its activation in a worked forward pass).

``timing_bars`` draws the measured time of a loop-over-samples forward pass against the
vectorised one.

Each function returns a matplotlib ``Figure``.
"""

import matplotlib.pyplot as plt
import numpy as np


def _check_sizes(sizes):
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"network_diagram: sizes needs at least [n_inputs, n_outputs], got {sizes}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"network_diagram: every layer size must be a positive integer, got {sizes}")
    return [int(n) for n in sizes]


def network_diagram(sizes, *, layer_names=None, node_values=None, node_labels=None,
                    show_shapes=True, title=None, figsize=None):
    """Draw a fully connected network with layer sizes ``sizes`` (e.g. [4, 5, 3]).

    layer_names: one caption per layer (default "input", "hidden 1", ..., "output").
    node_values: optional list with one sequence of numbers per layer (length sizes[l]);
    each neuron shows its number (4 significant digits) and is shaded by it.
    node_labels: optional list with one sequence of strings per layer, written inside
    the neurons instead of numbers (for example ["x1", "x2", "x3"]).
    show_shapes: write W (n_in, n_out) and b (1, n_out) under each gap between layers.
    Returns the Figure.
    """
    sizes = _check_sizes(sizes)
    n_layers = len(sizes)
    if layer_names is None:
        layer_names = ["input"] + [f"hidden {i}" for i in range(1, n_layers - 1)] + ["output"]
    if len(layer_names) != n_layers:
        raise ValueError(
            f"network_diagram: layer_names needs {n_layers} names, got {len(layer_names)}"
        )
    for label, per_layer in (("node_values", node_values), ("node_labels", node_labels)):
        if per_layer is not None:
            if len(per_layer) != n_layers or any(len(v) != n for v, n in zip(per_layer, sizes)):
                raise ValueError(
                    f"network_diagram: {label} needs one entry per neuron, layer sizes {sizes}, "
                    f"got lengths {[len(v) for v in per_layer]}"
                )

    tallest = max(sizes)
    if figsize is None:
        figsize = (1.8 * n_layers + 1.0, 0.7 * tallest + 2.4)
    fig, ax = plt.subplots(figsize=figsize)
    x_of = [2.3 * l for l in range(n_layers)]
    # each column centred vertically, one unit between neurons
    y_of = [[(n - 1) / 2 - i for i in range(n)] for n in sizes]

    for l in range(n_layers - 1):
        for y0 in y_of[l]:
            for y1 in y_of[l + 1]:
                ax.plot([x_of[l], x_of[l + 1]], [y0, y1], color="0.75", lw=0.8, zorder=1)

    cmap = plt.get_cmap("Blues")
    radius = 0.3
    for l, n in enumerate(sizes):
        for i in range(n):
            face = "white" if l == 0 else "#dbe9f6"
            text = None
            if node_values is not None:
                v = float(node_values[l][i])
                face = cmap(0.1 + 0.35 * float(np.clip(abs(v), 0, 1)))
                text = f"{v:.4g}"
            if node_labels is not None:
                text = str(node_labels[l][i])
            circle = plt.Circle((x_of[l], y_of[l][i]), radius, facecolor=face,
                                edgecolor="0.2", lw=1.2, zorder=2)
            ax.add_patch(circle)
            if text is not None:
                ax.text(x_of[l], y_of[l][i], text, ha="center", va="center",
                        fontsize=8 if node_values is not None else 10, zorder=3)
        ax.text(x_of[l], (tallest - 1) / 2 + 0.75, f"{layer_names[l]}\n{n} unit" + ("s" if n > 1 else ""),
                ha="center", va="bottom", fontsize=10)

    if show_shapes:
        bottom = -(tallest - 1) / 2 - 0.7
        for l in range(n_layers - 1):
            n_in, n_out = sizes[l], sizes[l + 1]
            ax.text((x_of[l] + x_of[l + 1]) / 2, bottom,
                    f"W[{l + 1}]: ({n_in}, {n_out})\nb[{l + 1}]: (1, {n_out})\n"
                    f"{n_in}·{n_out} + {n_out} = {n_in * n_out + n_out}",
                    ha="center", va="top", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.3", facecolor="#fff7e0", edgecolor="0.6"))

    ax.set_xlim(-0.8, x_of[-1] + 0.8)
    ax.set_ylim(-(tallest - 1) / 2 - (2.0 if show_shapes else 0.6), (tallest - 1) / 2 + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def timing_bars(labels, seconds, *, title="Forward pass over the same batch"):
    """Horizontal bars of run times (seconds), each labelled with its ratio to the fastest.

    labels: names of the methods; seconds: their measured times (same length).
    """
    seconds = np.asarray(seconds, dtype=np.float64)
    if len(labels) != seconds.size or seconds.size == 0:
        raise ValueError(
            f"timing_bars: needs one time per label, got {len(labels)} labels and {seconds.size} times"
        )
    if np.any(seconds <= 0):
        raise ValueError(f"timing_bars: times must be positive, got {seconds.tolist()}")
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.4))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, seconds * 1e3, color="#4c78a8")
    slowest, fastest = seconds.max(), seconds.min()
    for yi, s in zip(y, seconds):
        note = "  fastest" if s == fastest else f"  {s / fastest:.0f} times the fastest"
        ax.text(s * 1e3, yi, note, va="center", fontsize=9)
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.set_xscale("log")
    ax.set_xlabel("time (milliseconds, log scale)")
    ax.set_xlim(fastest * 1e3 / 2, slowest * 1e3 * 30)
    ax.set_title(title)
    fig.tight_layout()
    return fig
