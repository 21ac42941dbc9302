"""Decision boundaries, truth tables and loss curves (chapter 8: ``book/08_xor_xnor.ipynb``).

Every function returns a matplotlib Figure (or draws into a given Axes and returns
its Figure). Class 1 is drawn orange, class 0 blue (the book's class colours), in the
points and in the shaded probability P(class 1) behind them; the decision boundary is
the contour P = 0.5, and a point the model gets wrong has a black edge.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from ..chapters.playground import probability_grid

CLASS_COLOURS = ("#1f77b4", "#ff7f0e")  # class 0 blue, class 1 orange
#: P(class 1) from 0 (blue) through 0.5 (white) to 1 (orange), matching the point colours
PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "class_probability", [CLASS_COLOURS[0], "#ffffff", CLASS_COLOURS[1]]
)


def _axes(ax, figsize=(4.2, 4.0)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def plot_points(X, y, ax=None, size=28, edge="white", wrong=None):
    """Scatter the points X (n, 2) coloured by their 0/1 label y (n,) or (n, 1).

    ``wrong``: an optional boolean mask (n,) of misclassified points, drawn with a black edge
    (the others get ``edge``).
    """
    fig, ax = _axes(ax)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).ravel()
    wrong = np.zeros(len(y), dtype=bool) if wrong is None else np.asarray(wrong, dtype=bool).ravel()
    for label in (0, 1):
        mask = y == label
        edges = np.where(wrong[mask], "black", edge)
        widths = np.where(wrong[mask], 1.2, 0.6)
        ax.scatter(X[mask, 0], X[mask, 1], s=size, c=CLASS_COLOURS[label], edgecolors=list(edges),
                   linewidths=widths, label=f"class {label}", zorder=3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return fig


def plot_decision_boundary(predict, X, y, ax=None, title=None, resolution=150, margin=0.3,
                           show_colorbar=False, point_size=22):
    """Shade P(class 1) = predict(points) over the plane and draw the boundary P = 0.5.

    predict: (k, 2) -> (k, 1) probabilities; X (n, 2) and labels y (n,) or (n, 1). Points the
    model gets wrong (P >= 0.5 against label 0, or P < 0.5 against label 1) have a black edge.
    """
    fig, ax = _axes(ax)
    xx, yy, P = probability_grid(predict, X, resolution, margin)
    mesh = ax.imshow(P, extent=(xx.min(), xx.max(), yy.min(), yy.max()), origin="lower",
                     cmap=PROBABILITY_CMAP, vmin=0.0, vmax=1.0, alpha=0.45, interpolation="bilinear",
                     aspect="auto")
    if P.min() < 0.5 < P.max():
        ax.contour(xx, yy, P, levels=[0.5], colors="black", linewidths=1.4)
    wrong = (np.asarray(predict(np.asarray(X, dtype=np.float64))).ravel() >= 0.5) != (np.asarray(y).ravel() == 1)
    plot_points(X, y, ax=ax, size=point_size, edge="white", wrong=wrong)
    if show_colorbar:
        fig.colorbar(mesh, ax=ax, label="P(class 1)")
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_aspect("equal", adjustable="box")
    return fig


def _line_in_box(ax, w, b, lo=-0.5, hi=1.5, **style):
    """Draw the line w1 x1 + w2 x2 + b = 0 inside the square [lo, hi]^2."""
    w1, w2 = float(w[0]), float(w[1])
    t = np.linspace(lo, hi, 200)
    if abs(w2) > 1e-12:
        ax.plot(t, -(w1 * t + b) / w2, **style)
    elif abs(w1) > 1e-12:
        ax.plot(np.full_like(t, -b / w1), t, **style)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)


def plot_truth_table(X, y, ax=None, title=None, lines=(), lo=-0.5, hi=1.5):
    """The four (or more) corners of a boolean function, with optional lines.

    lines: iterable of (w (2,), b, label) drawn as w . x + b = 0; the side where
    w . x + b >= 0 (the unit fires) is the side the line's label refers to.
    """
    fig, ax = _axes(ax, figsize=(3.4, 3.4))
    styles = ["-", "--", ":", "-."]
    for k, (w, b, label) in enumerate(lines):
        _line_in_box(ax, w, b, lo, hi, color="black", linestyle=styles[k % 4], linewidth=1.3, label=label)
    plot_points(X, y, ax=ax, size=110, edge="black")
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_perceptron_attempts(results, figsize=(10, 3.5)):
    """One panel per boolean function: its points and the perceptron's final line.

    results: list of (title, X, y, w, b) with the perceptron's weights w (2,) and bias b.
    """
    fig, axes = plt.subplots(1, len(results), figsize=figsize, layout="constrained")
    for ax, (title, X, y, w, b) in zip(np.atleast_1d(axes), results):
        lo, hi = -0.5, 1.5
        xx, yy = np.meshgrid(np.linspace(lo, hi, 200), np.linspace(lo, hi, 200))
        side = (w[0] * xx + w[1] * yy + b >= 0).astype(float)
        ax.contourf(xx, yy, side, levels=[-0.5, 0.5, 1.5], colors=[CLASS_COLOURS[0], CLASS_COLOURS[1]],
                    alpha=0.18)
        plot_truth_table(X, y, ax=ax, title=title, lines=[(w, b, None)], lo=lo, hi=hi)
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black",
                          markersize=9, label=f"class {k}") for k, c in enumerate(CLASS_COLOURS)]
    fig.legend(handles=handles, loc="outside right center", fontsize=9)
    return fig


def plot_step_network(W1, b1, X, y, predict, figsize=(9, 4)):
    """Left: the hidden units' lines w_j . x + b_j = 0 over the truth table.
    Right: the network's output region (where it says 1) and the points.

    W1 (2, k), b1 (k,): the hidden step units; predict: (m, 2) -> (m, 1) in {0, 1}.
    """
    W1 = np.asarray(W1, dtype=np.float64)
    b1 = np.asarray(b1, dtype=np.float64).ravel()
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    lines = [(W1[:, j], b1[j], f"$Z_{j + 1}$ boundary") for j in range(W1.shape[1])]
    plot_truth_table(X, y, ax=left, title="hidden units: one line each", lines=lines)
    for j in range(W1.shape[1]):
        # an arrow from the line's point nearest the centre (0.5, 0.5), along w: the side where Z_j = 1
        w, b = W1[:, j], b1[j]
        unit = w / np.linalg.norm(w)
        start = np.array([0.5, 0.5]) - (np.dot(w, [0.5, 0.5]) + b) * w / np.dot(w, w)
        along = np.array([-unit[1], unit[0]])  # a direction along the line, for the label
        left.annotate("", xy=start + 0.22 * unit, xytext=start,
                      arrowprops=dict(arrowstyle="->", color="black"))
        left.text(*(start + 0.2 * unit + 0.32 * along), f"$Z_{j + 1}=1$", fontsize=9, ha="center",
                  va="center")
    left.legend(loc="upper left", fontsize=8, framealpha=0.9)
    lo, hi = -0.5, 1.5
    xx, yy = np.meshgrid(np.linspace(lo, hi, 300), np.linspace(lo, hi, 300))
    out = np.asarray(predict(np.column_stack([xx.ravel(), yy.ravel()]))).reshape(xx.shape)
    right.contourf(xx, yy, out, levels=[-0.5, 0.5, 1.5], colors=[CLASS_COLOURS[0], CLASS_COLOURS[1]],
                   alpha=0.25)
    plot_truth_table(X, y, ax=right, title="output: Y = 1 in the orange regions")
    return fig


def plot_loss_curves(curves, ax=None, title=None, logy=True, highlight=None, xlabel="epoch"):
    """Loss against epoch. curves: dict label -> list of losses, or an array (epochs, S).

    highlight: optional boolean array (S,) for an array of curves; True curves are drawn red.
    """
    fig, ax = _axes(ax, figsize=(5.5, 3.6))
    if isinstance(curves, dict):
        for label, values in curves.items():
            ax.plot(np.arange(1, len(values) + 1), values, label=label)
        if len(curves) > 1:
            ax.legend(fontsize=9)
    else:
        curves = np.asarray(curves, dtype=np.float64)
        epochs = np.arange(1, curves.shape[0] + 1)
        flags = np.zeros(curves.shape[1], bool) if highlight is None else np.asarray(highlight, bool)
        for s in range(curves.shape[1]):
            ax.plot(epochs, curves[:, s], color="#d62728" if flags[s] else "#2ca02c", alpha=0.7, linewidth=1)
        if highlight is not None:
            ax.plot([], [], color="#2ca02c", label=f"solved ({int((~flags).sum())})")
            ax.plot([], [], color="#d62728", label=f"stuck ({int(flags.sum())})")
            ax.legend(fontsize=9)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_playground(playground, resolution=120, figsize=(9, 4)):
    """A playground's state: its decision boundary over the data (left) and its loss curve (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    pg = playground
    plot_decision_boundary(pg.predict, pg.X, pg.Y, ax=left, resolution=resolution,
                           title=f"{pg.dataset}: epoch {pg.epochs}, training accuracy {pg.accuracy():.2f}")
    if pg.losses:
        plot_loss_curves({"training loss": pg.losses}, ax=right, title="BCE loss", logy=False)
    else:
        right.text(0.5, 0.5, "not trained yet", ha="center", va="center", transform=right.transAxes)
        right.set_axis_off()
    return fig


def plot_playground_grid(playgrounds, ncols=4, resolution=100, panel=3.0):
    """Final decision boundaries of several trained playgrounds, side by side."""
    playgrounds = list(playgrounds)
    nrows = int(np.ceil(len(playgrounds) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel * ncols, panel * nrows + 0.2), squeeze=False)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.08, top=0.92, wspace=0.3, hspace=0.45)
    for ax, pg in zip(axes.ravel(), playgrounds):
        hidden = "-".join(str(h) for h in pg.hidden)
        plot_decision_boundary(pg.predict, pg.X, pg.Y, ax=ax, resolution=resolution, point_size=10,
                               title=f"{pg.dataset}, {hidden} {pg.activation}\n"
                                     f"{pg.epochs} epochs, training accuracy {pg.accuracy():.2f}")
        ax.xaxis.labelpad = 1
        ax.yaxis.labelpad = 1
    for ax in axes.ravel()[len(playgrounds):]:
        ax.set_axis_off()
    return fig
