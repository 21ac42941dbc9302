"""Figures for chapter 1, the neuron and the perceptron (``book/01_neuron_perceptron.ipynb``).

A linear unit computes f(x) = w . x + b and a perceptron predicts +1 where f(x) >= 0,
-1 elsewhere. Its decision line is the set of points where f(x) = 0::

    w1 x1 + w2 x2 + b = 0,   that is   x2 = -(w1 x1 + b) / w2   (when w2 != 0).

The small numeric helpers here (``predict_sign``, ``misclassified``, ``decision_line``)
are the numbers each figure is drawn from; the chapter prints them and the tests check them.
Every plotting function returns a matplotlib ``Figure``.
"""

import matplotlib.pyplot as plt
import numpy as np

# The book's class colours (the same in every chapter): class 1 / +1 orange (matplotlib "C1"),
# class 0 / -1 blue ("C0"); a misclassified point gets a black ring.
POSITIVE_COLOUR = "#ff7f0e"
NEGATIVE_COLOUR = "#1f77b4"
WRONG_COLOUR = "#000000"


def _as_points(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"perceptron plot: X must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"perceptron plot: y must have {X.shape[0]} labels, got shape {y.shape}")
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError(f"perceptron plot: labels must be -1 or +1, got {np.unique(y).tolist()}")
    return X, y


def predict_sign(X, w, b):
    """The perceptron's prediction for each row of X (n, 2): +1 where w . x + b >= 0, else -1."""
    X = np.asarray(X, dtype=np.float64)
    return np.where(X @ np.asarray(w, dtype=np.float64) + float(b) >= 0, 1, -1)


def misclassified(X, y, w, b):
    """Boolean mask (n,): True where the line (w, b) puts a point on the wrong side."""
    X, y = _as_points(X, y)
    return predict_sign(X, w, b) != y


def decision_line(w, b, x1_range, x2_range):
    """Two end points ((x1, x2), (x1', x2')) of the line w1 x1 + w2 x2 + b = 0 inside the box.

    A steep line (abs(w2) <= abs(w1)) is parametrised by x2, a flat one by x1, so a vertical line
    (w2 = 0) works too. Returns None when w = (0, 0): there is no line, every point gets the
    same prediction (the sign of b).
    """
    w1, w2 = (float(v) for v in w)
    b = float(b)
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):
        x1 = np.array(x1_range, dtype=np.float64)
        x2 = -(w1 * x1 + b) / w2
    else:
        x2 = np.array(x2_range, dtype=np.float64)
        x1 = -(w2 * x2 + b) / w1
    return (float(x1[0]), float(x2[0])), (float(x1[1]), float(x2[1]))


def _limits(X, margin=0.15):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1.0)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def draw_decision_line(ax, X, y, w, b, title=None, labels=("x1", "x2"), legend=True):
    """Draw the points, the two half-planes, the decision line and the misclassified points on ``ax``.

    Returns the number of misclassified points (the number in the panel's title).
    """
    X, y = _as_points(X, y)
    xlim, ylim = _limits(X)
    g1, g2 = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    f = np.asarray(w, dtype=np.float64)[0] * g1 + np.asarray(w, dtype=np.float64)[1] * g2 + float(b)
    ax.contourf(g1, g2, (f >= 0).astype(float), levels=[-0.5, 0.5, 1.5],
                colors=[NEGATIVE_COLOUR, POSITIVE_COLOUR], alpha=0.12)
    line = decision_line(w, b, xlim, ylim)
    if line is not None:
        (a1, a2), (c1, c2) = line
        ax.plot([a1, c1], [a2, c2], color="black", lw=1.8, label="w·x + b = 0")
    pos, neg = y == 1, y == -1
    ax.scatter(X[pos, 0], X[pos, 1], marker="o", s=45, color=POSITIVE_COLOUR, label="y = +1",
               edgecolors="white", linewidths=0.5, zorder=3)
    ax.scatter(X[neg, 0], X[neg, 1], marker="s", s=40, color=NEGATIVE_COLOUR, label="y = −1",
               edgecolors="white", linewidths=0.5, zorder=3)
    wrong = misclassified(X, y, w, b)
    if wrong.any():
        ax.scatter(X[wrong, 0], X[wrong, 1], s=170, facecolors="none", edgecolors=WRONG_COLOUR,
                   linewidths=1.6, label="misclassified", zorder=4)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    n_wrong = int(wrong.sum())
    if title is None:
        title = f"w = ({float(w[0]):.2g}, {float(w[1]):.2g}), b = {float(b):.2g}"
    ax.set_title(f"{title}\nmisclassified: {n_wrong} of {len(y)}", fontsize=10)
    if legend:
        ax.legend(loc="best", fontsize=9, framealpha=0.85)
    return n_wrong


def plot_decision_line(X, y, w, b, title=None, labels=("x1", "x2"), figsize=(5.2, 4.4)):
    """One panel: the data, the perceptron's decision line (w, b) and its mistakes. Returns the Figure."""
    fig, ax = plt.subplots(figsize=figsize)
    draw_decision_line(ax, X, y, w, b, title=title, labels=labels)
    fig.tight_layout()
    return fig


def plot_decision_grid(X, y, settings, ncols=3, labels=("x1", "x2")):
    """The explorer's static fallback: one panel per (w1, w2, b) in ``settings``. Returns the Figure."""
    settings = list(settings)
    nrows = int(np.ceil(len(settings) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.9 * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(settings):
            ax.axis("off")
            continue
        w1, w2, b = settings[k]
        draw_decision_line(ax, X, y, (w1, w2), b, labels=labels, legend=(k == 0))
    fig.tight_layout()
    return fig


def perceptron_and_hinge(margins):
    """The two losses as functions of the margin m = y f(x): (max(0, -m), max(0, 1 - m))."""
    m = np.asarray(margins, dtype=np.float64)
    return np.maximum(0.0, -m), np.maximum(0.0, 1.0 - m)


def plot_losses_vs_margin(lo=-3.0, hi=3.0):
    """Perceptron loss max(0, -y f) and hinge loss max(0, 1 - y f) against the margin y f. Returns the Figure."""
    m = np.linspace(lo, hi, 601)
    perceptron, hinge = perceptron_and_hinge(m)
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    ax.axvspan(lo, 0, color="grey", alpha=0.12, label="misclassified (y f < 0)")
    ax.plot(m, perceptron, lw=2.2, label="perceptron loss max(0, −y f)")
    ax.plot(m, hinge, lw=2.2, ls="--", label="hinge loss max(0, 1 − y f)")
    ax.axvline(0, color="grey", lw=0.8)
    ax.axvline(1, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("margin  y · f(x)")
    ax.set_ylabel("loss")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.1, max(hi, -lo) + 1.1)
    ax.legend(fontsize=9)
    ax.set_title("Two losses for labels y ∈ {−1, +1}", fontsize=11)
    fig.tight_layout()
    return fig


def draw_class_regions(ax, predict, X, labels, title, n_grid=200):
    """Colour the plane by ``predict`` (a function (m, 2) -> integer class (m,)) and draw the points."""
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    xlim, ylim = _limits(X)
    g1, g2 = np.meshgrid(np.linspace(*xlim, n_grid), np.linspace(*ylim, n_grid))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    classes = np.unique(labels)
    if len(classes) == 2 and classes[0] == -1 and classes[1] == 1:
        colours = [NEGATIVE_COLOUR, POSITIVE_COLOUR]      # the colours of the other chapter-1 figures
    else:
        colours = list(plt.get_cmap("tab10")(np.arange(len(classes))))
    pred = np.searchsorted(classes, np.asarray(predict(grid)).reshape(-1)).reshape(g1.shape)
    ax.contourf(g1, g2, pred, levels=np.arange(len(classes) + 1) - 0.5, colors=colours, alpha=0.15)
    for k, c in enumerate(classes):
        mask = labels == c
        ax.scatter(X[mask, 0], X[mask, 1], s=22, color=colours[k], label=f"class {c:g}",
                   edgecolors="white", linewidths=0.4)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best")


def plot_four_uses(classifiers, regression):
    """The one-model-four-uses figure (chapter 1).

    ``classifiers``: three tuples (title, predict, X, labels) for the hinge/step, BCE/sigmoid
    and CCE/softmax models; ``regression``: (title, X, y, predict) for the MSE/linear model,
    drawn as predicted against true values. Returns the Figure.
    """
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4))
    for ax, (title, predict, X, labels) in zip(axes.flat[:3], classifiers):
        draw_class_regions(ax, predict, X, labels, title)
    title, X, y, predict = regression
    ax = axes.flat[3]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    p = np.asarray(predict(X), dtype=np.float64).reshape(-1)
    lo, hi = min(y.min(), p.min()), max(y.max(), p.max())
    ax.plot([lo, hi], [lo, hi], color="grey", lw=1, label="predicted = true")
    ax.scatter(y, p, s=22, color="#1f77b4", edgecolors="white", linewidths=0.4, label="samples")
    ax.set_xlabel("true value y")
    ax.set_ylabel("predicted value")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_perceptron_progress(X, y, states, labels=("x1", "x2")):
    """The decision line after successive epochs of perceptron training, on one panel.

    ``states`` is a list of (label, w, b), oldest first; the last one is drawn bold. A line that
    misses the plotted box (or w = 0) is listed in the legend but not visible. Returns the Figure.
    """
    X, y = _as_points(X, y)
    xlim, ylim = _limits(X)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(states)))
    for k, (label, w, b) in enumerate(states):
        line = decision_line(w, b, xlim, ylim)
        if line is None:
            continue
        (a1, a2), (c1, c2) = line
        last = k == len(states) - 1
        ax.plot([a1, c1], [a2, c2], color="black" if last else colours[k], lw=2.4 if last else 1.3,
                ls="-" if last else "--", label=label)
    pos, neg = y == 1, y == -1
    ax.scatter(X[pos, 0], X[pos, 1], marker="o", s=60, color=POSITIVE_COLOUR, label="y = +1", zorder=3)
    ax.scatter(X[neg, 0], X[neg, 1], marker="s", s=55, color=NEGATIVE_COLOUR, label="y = −1", zorder=3)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title("The decision line during training", fontsize=11)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    return fig


def neuron_values(x, w, b, activation):
    """The numbers a neuron diagram shows: the products w_i x_i, z = sum_i w_i x_i + b and a = g(z).

    ``x`` and ``w`` are 1-D of the same length d, ``b`` a number and ``activation`` a function of one
    number. Returns ``(products, z, a)`` as Python floats (``products`` a list of d floats).
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 1 or w.shape != x.shape:
        raise ValueError(f"neuron_values: x and w must be 1-D of the same length, got shapes {x.shape} and {w.shape}")
    products = [float(v) for v in w * x]
    z = float(np.sum(w * x) + float(b))
    return products, z, float(activation(z))


def plot_neuron(x, w, b, activation, activation_name="g", title="One neuron"):
    """A neuron drawn as a diagram: inputs x_i, a weight w_i on each edge, the sum node (with the
    bias b), the activation box g and the output a = g(z), each labelled with its value.

    ``activation`` is a function of one number (for example ``nnlib.sigmoid``) and
    ``activation_name`` its label in the box. Returns the Figure; the numbers come from
    :func:`neuron_values`.
    """
    products, z, a = neuron_values(x, w, b, activation)
    d = len(products)
    fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.75 * max(d, 3)))
    ys = np.linspace(d - 1, 0, d) - (d - 1) / 2 if d > 1 else np.zeros(1)
    x_in, x_sum, x_act, x_out = 0.0, 3.2, 4.9, 6.5
    node = dict(boxstyle="circle,pad=0.3", fc="white", ec="black", lw=1.2)
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    for k, (yi, xi, wi) in enumerate(zip(ys, x, w), start=1):
        i = str(k).translate(sub)
        ax.annotate("", xy=(x_sum - 0.32, 0.0), xytext=(x_in + 0.42, yi),
                    arrowprops=dict(arrowstyle="-|>", color=POSITIVE_COLOUR if wi >= 0 else NEGATIVE_COLOUR,
                                    lw=1.0 + 1.5 * min(abs(wi), 1.0)))
        ax.text(x_in, yi, f"x{i} = {xi:g}", ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.3", fc="#f2f2f2", ec="grey"))
        t = 0.3                                  # label the edge near its start, where edges are apart
        ax.text(x_in + 0.42 + t * (x_sum - 0.32 - x_in - 0.42), yi * (1 - t) + 0.08,
                f"w{i} = {wi:g}", ha="center", va="bottom", fontsize=9, rotation=np.degrees(
                    np.arctan2(-yi * 0.55, x_sum - x_in - 0.74)), rotation_mode="anchor")
    ax.text(x_sum, 0.0, "Σ", ha="center", va="center", fontsize=16, bbox=node)
    ax.annotate("", xy=(x_sum, 0.38), xytext=(x_sum, 1.25 if d > 1 else 1.0),
                arrowprops=dict(arrowstyle="-|>", color="black"))
    ax.text(x_sum, 1.35 if d > 1 else 1.1, f"bias b = {float(b):g}", ha="center", va="bottom", fontsize=9)
    ax.annotate("", xy=(x_act - 0.42, 0.0), xytext=(x_sum + 0.38, 0.0), arrowprops=dict(arrowstyle="-|>"))
    ax.text((x_sum + x_act) / 2 - 0.05, -0.18, f"z = {z:.4g}", ha="center", va="top", fontsize=9)
    ax.text(x_act, 0.0, activation_name, ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round,pad=0.4", fc="#fff3d6", ec="black"))
    ax.annotate("", xy=(x_out - 0.15, 0.0), xytext=(x_act + 0.5, 0.0), arrowprops=dict(arrowstyle="-|>"))
    ax.text(x_out, 0.0, f"a = {a:.4g}", ha="left", va="center", fontsize=10)
    ax.set_xlim(-0.8, 8.0)
    ax.set_ylim(min(ys) - 0.6, max(1.9, max(ys) + 0.6))
    ax.axis("off")
    ax.set_title(title + "\nz = w · x + b,   a = g(z)", fontsize=11)
    fig.tight_layout()
    return fig


def digit_weight_colours():
    """A colour map for a weight image: blue (class 0, "C0") for negative weights, white at 0,
    orange (class 1, "C1") for positive ones."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("blue_white_orange", [NEGATIVE_COLOUR, "#ffffff", POSITIVE_COLOUR])


def plot_digit_neuron(images, labels, probabilities, weights, n_show=6):
    """A sigmoid neuron that tells the digit 0 from the digit 1 (chapter 1).

    Left: the 64 learned weights drawn as an 8x8 image, orange where a dark pixel pushes towards
    "1", blue where it pushes towards "0". Right: ``n_show`` test images (8x8 grey levels) with their
    true label and the neuron's probability of "1". ``images`` is (m, 64), ``labels`` (m,) in {0, 1},
    ``probabilities`` (m,), ``weights`` (64,). Returns the Figure.
    """
    images = np.asarray(images, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    weights = np.asarray(weights, dtype=np.float64).reshape(8, 8)
    fig = plt.figure(figsize=(10.0, 3.9))
    grid = fig.add_gridspec(2, 1 + (n_show + 1) // 2, width_ratios=[2.2] + [1] * ((n_show + 1) // 2))
    ax = fig.add_subplot(grid[:, 0])
    limit = float(np.abs(weights).max())
    shown = ax.imshow(weights, cmap=digit_weight_colours(), vmin=-limit, vmax=limit)
    ax.set_title("learned weights w (8 × 8)", fontsize=10)
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("weight (− favours 0, + favours 1)")
    for k in range(n_show):
        ax_k = fig.add_subplot(grid[k % 2, 1 + k // 2])
        ax_k.imshow(images[k].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
        colour = POSITIVE_COLOUR if labels[k] == 1 else NEGATIVE_COLOUR
        ax_k.set_title(f"label {int(labels[k])}\nP(1) = {probabilities[k]:.3f}", fontsize=9, color=colour)
        ax_k.set_xticks([])
        ax_k.set_yticks([])
        for side in ax_k.spines.values():
            side.set_edgecolor(colour)
            side.set_linewidth(2.0)
    fig.tight_layout()
    return fig
