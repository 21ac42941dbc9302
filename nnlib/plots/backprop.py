"""Figures of chapters 5 and 6 (book/05_backpropagation.ipynb, book/06_backprop_worked_examples.ipynb): the computation graph of a small
network with its forward values and backward gradients, and loss curves during training.

Each ``plot_*`` function returns a matplotlib Figure. The numbers a figure is drawn from come
from a separate function (``graph_values``, ``learning_rate_curves``), so the chapter prints
them and the tests check them; nbval does not compare pixels.
"""


import matplotlib.pyplot as plt
import numpy as np

from ..layers import Dense
from ..network import Sequential
from ..optimizers import SGD
from ..training import TrainingDivergedError, train

#: colours of the two passes, used the same way in every figure of the chapter
FORWARD_COLOUR = "#1f5fa8"
BACKWARD_COLOUR = "#c0392b"


def graph_values(net, X, Y, loss):
    """Forward values and backward gradients of ``net`` on a single sample.

    ``net`` is a Sequential of Dense layers, each followed by an element-wise activation
    (Sigmoid, Tanh, ReLU, Linear). X has shape (1, n_in), Y shape (1, n_out).

    Returns a dict of plain Python lists (one entry per Dense layer l = 1..L)::

        "x":       the input, length n_in
        "z":       z^[l] = a^[l-1] W^[l] + b^[l]        ("net" in note 004)
        "a":       a^[l] = f(z^[l])                      ("out" in note 004)
        "W", "b":  the parameters, W^[l] as rows (n_in, n_out)
        "delta":   delta^[l] = dE/dz^[l]                 (equals dE/db^[l])
        "grad_W":  dE/dW^[l] = (a^[l-1])^T delta^[l]      rows (n_in, n_out)
        "dE_da":   dE/da^[L] at the output, length n_out
        "loss":    the loss value E (a float)

    The parameters' ``grad`` arrays are filled as a side effect (it runs net.backward).
    """
    if not isinstance(net, Sequential):
        raise TypeError(f"graph_values: net must be an nnlib Sequential, got {type(net).__name__}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 1:
        raise ValueError(f"graph_values: X must be one sample of shape (1, n_in), got {X.shape}")
    layers = net.layers
    if len(layers) % 2 or not all(isinstance(layers[i], Dense) for i in range(0, len(layers), 2)):
        raise ValueError(
            "graph_values: net must alternate Dense and activation layers "
            f"(Dense, f, Dense, f, ...), got {net!r}"
        )
    z, a = [], []
    h = X
    for dense, activation in zip(layers[0::2], layers[1::2]):
        h = dense.forward(h)
        z.append(h)
        h = activation.forward(h)
        a.append(h)
    value, grad = loss.value_and_gradient(h, Y)
    dE_da = grad
    delta = [None] * len(z)
    for k in reversed(range(len(z))):
        grad = layers[2 * k + 1].backward(grad)
        delta[k] = grad
        grad = layers[2 * k].backward(grad)
    dense_layers = layers[0::2]
    return {
        "x": X[0].tolist(),
        "z": [v[0].tolist() for v in z],
        "a": [v[0].tolist() for v in a],
        "W": [d.W.value.tolist() for d in dense_layers],
        "b": [d.b.value[0].tolist() for d in dense_layers],
        "delta": [v[0].tolist() for v in delta],
        "grad_W": [d.W.grad.tolist() for d in dense_layers],
        "dE_da": dE_da[0].tolist(),
        "loss": float(value),
    }


def _unit_positions(sizes, dx=4.2, dy=2.2):
    """Centre of unit j of layer l (layer 0 = inputs), layers left to right, centred vertically."""
    return [[(l * dx, (n - 1) / 2 * dy - j * dy) for j in range(n)] for l, n in enumerate(sizes)]


# Text sizes of the computation graph, in points. The figure is about 15 in wide and the book shows it
# about 9.4 in (940 px) wide at a 1280 px window: 10.5 pt comes out at about 9.5 CSS px there.
EDGE_PT, LABEL_PT, UNIT_PT, LOSS_PT = 10.5, 11, 13, 15


def plot_computation_graph(values, *, unit_names=None, weight_names=None, show_backward=True,
                           decimals=4, title=None):
    """Draw a small network as a graph, with the numbers of ``graph_values`` on it.

    Blue (above each unit): the forward pass, the pre-activation z and the activation a. Red
    (below each unit): the backward pass, delta = dL/dz (which is also dL/db). On each edge: the
    weight and, in red, dL/dw. On the far right: the loss L and dL/da of each output.
    ``unit_names``: one list of names per layer, inputs first (e.g. [["i1", "i2"], ["h1", "h2"],
    ["o1", "o2"]]). ``weight_names``: {name: (layer index, row, column)} as
    ``nnlib.chapters.examples.note004_weight_names()`` returns. ``show_backward=False`` shows only the
    forward pass (the first half of the algorithm).
    """
    sizes = [len(values["x"])] + [len(a) for a in values["a"]]
    if unit_names is None:
        unit_names = [[f"x{j + 1}" for j in range(sizes[0])]] + [
            [f"u{l}.{j + 1}" for j in range(n)] for l, n in enumerate(sizes[1:], start=1)
        ]
    if [len(u) for u in unit_names] != sizes:
        raise ValueError(
            f"plot_computation_graph: unit_names must have the layer sizes {sizes}, "
            f"got {[len(u) for u in unit_names]}"
        )
    names = {}
    for name, (layer, row, col) in (weight_names or {}).items():
        names[(layer, row, col)] = name
    fmt = f"{{:.{decimals}f}}"
    pos = _unit_positions(sizes)
    n_layers = len(sizes)
    height = max(sizes)
    fig, ax = plt.subplots(figsize=(4.2 * n_layers + 2.2, 2.2 * height + 1.8))
    radius = 0.42

    # edges, with the weight and its gradient
    for l in range(1, n_layers):
        W, gW = values["W"][l - 1], values["grad_W"][l - 1]
        for i, (x0, y0) in enumerate(pos[l - 1]):
            for j, (x1, y1) in enumerate(pos[l]):
                ax.plot([x0 + radius, x1 - radius], [y0, y1], color="0.55", lw=1.2, zorder=1)
                # label near the target for straight edges, further back for crossing ones
                # (crossing edges are labelled near their source, away from the crossing)
                t = 0.72 if i == j else 0.3
                lx, ly = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                label = names.get((l - 1, i, j), f"w{i + 1}{j + 1}")
                text = f"{label} = {W[i][j]:g}"
                ax.text(lx, ly + 0.13, text, ha="center", va="bottom", fontsize=EDGE_PT,
                        color="0.15", zorder=3,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
                if show_backward:
                    ax.text(lx, ly - 0.05, f"∂L/∂{label} = {gW[i][j]:.4g}", ha="center",
                            va="top", fontsize=EDGE_PT, color=BACKWARD_COLOUR, zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))

    # units
    for l in range(n_layers):
        for j, (x, y) in enumerate(pos[l]):
            face = "#e8eef7" if l == 0 else "white"
            ax.add_patch(plt.Circle((x, y), radius, fc=face, ec="0.2", lw=1.4, zorder=2))
            ax.text(x, y, unit_names[l][j], ha="center", va="center", fontsize=UNIT_PT,
                    weight="bold", zorder=4)
            if l == 0:
                ax.text(x, y + radius + 0.08, f"{values['x'][j]:g}", ha="center", va="bottom",
                        fontsize=LABEL_PT, color=FORWARD_COLOUR)
                continue
            z, a = values["z"][l - 1][j], values["a"][l - 1][j]
            ax.text(x, y + radius + 0.08, f"z = {fmt.format(z)}\na = {fmt.format(a)}",
                    ha="center", va="bottom", fontsize=LABEL_PT, color=FORWARD_COLOUR, zorder=4)
            bias = values["b"][l - 1][j]
            lines = [f"b = {bias:g}"]
            if show_backward:
                lines.append(f"δ = {values['delta'][l - 1][j]:.4g}")
            ax.text(x, y - radius - 0.08, "\n".join(lines), ha="center", va="top", fontsize=LABEL_PT,
                    color=BACKWARD_COLOUR if show_backward else "0.3", zorder=4)

    # the loss node
    xl = pos[-1][0][0] + 2.6
    ax.add_patch(plt.Rectangle((xl - 0.45, -0.4), 0.9, 0.8, fc="#fdf2e9", ec="0.2", lw=1.4, zorder=2))
    ax.text(xl, 0, "L", ha="center", va="center", fontsize=LOSS_PT, weight="bold", zorder=4)
    ax.text(xl, 0.5, f"L = {values['loss']:.{max(decimals, 6)}f}", ha="center", va="bottom",
            fontsize=LABEL_PT, color=FORWARD_COLOUR)
    for j, (x, y) in enumerate(pos[-1]):
        ax.annotate("", xy=(xl - 0.45, 0), xytext=(x + radius, y),
                    arrowprops=dict(arrowstyle="->", color="0.55", lw=1.2), zorder=1)
        if show_backward:
            ax.text((x + radius + xl - 0.45) / 2, (y + 0) / 2 + (0.25 if y >= 0 else -0.25),
                    f"∂L/∂a = {values['dE_da'][j]:.4g}", ha="center",
                    va="bottom" if y >= 0 else "top", fontsize=EDGE_PT, color=BACKWARD_COLOUR)

    top = (height - 1) / 2 * 2.2 + 1.25
    ax.set_xlim(-0.9, xl + 0.9)
    ax.set_ylim(-top, top)
    ax.set_aspect("equal")
    ax.axis("off")
    legend = "blue: forward pass (z, a, the loss L)"
    if show_backward:
        legend += "    red: backward pass (δ = ∂L/∂z = ∂L/∂b, ∂L/∂w, ∂L/∂a)"
    ax.text((xl - 0.9) / 2, -top + 0.1, legend, ha="center", va="bottom", fontsize=LABEL_PT, color="0.25")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def learning_rate_curves(make_net, loss, X, Y, learning_rates, *, epochs, batch_size=1,
                         shuffle=False, rng=None):
    """Train a fresh ``make_net()`` with plain SGD at each learning rate; return
    {lr: [mean loss of each epoch]}.

    A run that diverges (the loss becomes inf or NaN) stops there: its list holds the
    epochs completed before it blew up (possibly none), so the curve ends where training failed.
    """
    curves = {}
    for lr in learning_rates:
        net = make_net()
        done = []

        def remember(epoch, history):
            done[:] = history.loss
            return False

        try:
            history = train(net, loss, SGD(net.parameters(), lr), X, Y, epochs=epochs,
                            batch_size=batch_size, shuffle=shuffle, rng=rng, callback=remember)
            done = list(history.loss)
        except TrainingDivergedError:
            pass  # keep the epochs completed before it blew up
        curves[lr] = [float(v) for v in done if np.isfinite(v)]
    return curves


def plot_loss_curves(curves, *, ax=None, logy=False, title=None, xlabel="epoch",
                     ylabel="mean loss per epoch", epochs=None, ymax=None):
    """Loss against epoch, one line per entry of ``curves`` ({label: list of losses}).

    A curve shorter than ``epochs`` diverged: it is marked with an x where it stopped
    (or listed as "diverged" in the legend if it has no finite point). So that a diverging
    curve does not flatten the others, the y axis stops at ``ymax`` (default: 10 times the
    largest first-epoch loss of the curves that did not diverge), and a diverged curve that
    leaves the plot gets its x on the top edge.
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"plot_loss_curves: curves must be a non-empty dict, got {curves!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
    else:
        fig = ax.figure
    if ymax is None and epochs is not None:
        firsts = [c[0] for c in curves.values() if len(c) >= epochs]
        diverging = any(len(c) < epochs for c in curves.values())
        if firsts and diverging:
            ymax = 10.0 * max(firsts)
    for label, losses in curves.items():
        losses = list(losses)
        diverged = epochs is not None and len(losses) < epochs
        name = f"{label} (diverged)" if diverged else str(label)
        if not losses:
            ax.plot([], [], ls="--", color="0.5", label=name)
            continue
        (line,) = ax.plot(range(1, len(losses) + 1), losses, lw=1.8, label=name)
        if diverged:
            last = losses[-1] if ymax is None else min(losses[-1], ymax)
            ax.plot([len(losses)], [last], "x", color=line.get_color(), ms=9, mew=2, clip_on=False)
    if logy:
        ax.set_yscale("log")
    if ymax is not None:
        shown = [v for c in curves.values() for v in c if v <= ymax]
        bottom = 0.5 * min(shown) if (logy and shown) else None
        ax.set_ylim(bottom=bottom, top=ymax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_learning_slowdown(runs, *, title=None):
    """The learning slowdown of chapter 5: loss and :math:`|\\partial L/\\partial z|` per epoch.

    ``runs`` maps a label (the loss used, say) to a dict with the lists ``"loss"`` and ``"dL_dz"``,
    one entry per epoch, as the chapter's ``train_saturated_neuron`` records them for one sigmoid
    neuron. Left panel: each run's own loss against the epoch. Right panel: the size of the factor
    :math:`\\partial L/\\partial z` that reaches the weights, on a log scale; it is
    :math:`(a - y)\\,\\sigma'(z)` for squared error and :math:`a - y` for binary cross-entropy, so a
    saturated neuron (small :math:`\\sigma'`) learns slowly under squared error only.
    Chapter: :doc:`/book/05_backpropagation`. (The loss of the one example is :math:`L`.)
    """
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"plot_learning_slowdown: runs must be a non-empty dict label -> run, got {runs!r:.80}")
    for label, run in runs.items():
        if not isinstance(run, dict) or not {"loss", "dL_dz"} <= set(run):
            raise ValueError(f"plot_learning_slowdown: run {label!r} must be a dict with lists 'loss' and 'dL_dz'")
        if len(run["loss"]) != len(run["dL_dz"]) or not run["loss"]:
            raise ValueError(f"plot_learning_slowdown: run {label!r} needs equally long, non-empty 'loss' and "
                             f"'dL_dz', got {len(run['loss'])} and {len(run['dL_dz'])}")
    fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for label, run in runs.items():
        epochs = np.arange(1, len(run["loss"]) + 1)
        ax_loss.plot(epochs, run["loss"], lw=1.8, label=str(label))
        ax_grad.plot(epochs, np.abs(run["dL_dz"]), lw=1.8, label=str(label))
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss L")
    ax_loss.set_title("the loss")
    ax_grad.set_yscale("log")
    ax_grad.set_xlabel("epoch")
    ax_grad.set_ylabel("|∂L/∂z|")
    ax_grad.set_title("the factor that reaches the weights")
    for ax in (ax_loss, ax_grad):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
