"""The perceptron explorer of chapter 1 (``book/01_neuron_perceptron.ipynb``).

Three sliders set w1, w2 and b of f(x) = w1 x1 + w2 x2 + b; the figure shows the decision
line f(x) = 0 over a 2-D data set with labels -1/+1, shades the half-plane where the perceptron
predicts +1, rings the misclassified points and counts them. The numbers come from
``nnlib.plots.perceptron`` (``misclassified``, ``decision_line``), like the chapter's static figure.

One figure is kept and updated in place (see ``nnlib.explorers._render``);
``explorer.to_html(w1=[...], b=[...])`` precomputes it for the HTML book.
"""

import ipywidgets as widgets
import numpy as np

from nnlib.plots.perceptron import (NEGATIVE_COLOUR, POSITIVE_COLOUR, WRONG_COLOUR, _as_points, _limits,
                                    decision_line, misclassified)
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon

from ._render import Explorer, LiveFigure


def _tint(colour, alpha):
    """``colour`` at opacity ``alpha`` over white, as an opaque RGB triple."""
    return tuple(1 - alpha + alpha * c for c in to_rgb(colour))


def half_plane(w, b, xlim, ylim):
    """Corners (k, 2) of the part of the box xlim x ylim where w . x + b >= 0 (k = 0 if none).

    The box's corners on the +1 side plus the points where the decision line crosses the box's
    edges, in order around the box.
    """
    (x0, x1), (y0, y1) = xlim, ylim
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    f = [w[0] * x + w[1] * y + b for x, y in corners]
    points = []
    for i in range(4):
        j = (i + 1) % 4
        if f[i] >= 0:
            points.append(corners[i])
        if (f[i] >= 0) != (f[j] >= 0):     # the line crosses this edge
            t = f[i] / (f[i] - f[j])
            (ax, ay), (bx, by) = corners[i], corners[j]
            points.append((ax + t * (bx - ax), ay + t * (by - ay)))
    return np.array(points, dtype=np.float64).reshape(-1, 2)


class PerceptronExplorer(Explorer):
    """Sliders for (w1, w2, b) and a live decision-line figure.

    >>> explorer = PerceptronExplorer(X, y)    # X (n, 2), y (n,) in {-1, +1}
    >>> explorer                               # shows the sliders and the figure in Jupyter

    ``explorer.sliders`` maps 'w1', 'w2', 'b' to the sliders; ``explorer.n_wrong`` is the
    number of misclassified points at the current setting.
    """

    name = "perceptron"

    def __init__(self, X, y, w1=1.0, w2=1.0, b=0.0, weight_range=(-3.0, 3.0), bias_range=(-6.0, 6.0)):
        self.X, self.y = _as_points(X, y)
        lo, hi = weight_range
        self.sliders = self.controls = {
            "w1": widgets.FloatSlider(value=w1, min=lo, max=hi, step=0.05, description="w1"),
            "w2": widgets.FloatSlider(value=w2, min=lo, max=hi, step=0.05, description="w2"),
            "b": widgets.FloatSlider(value=b, min=bias_range[0], max=bias_range[1], step=0.1,
                                     description="b"),
        }
        self.n_wrong = None
        self._setup_figure()
        self._start()

    def _setup_figure(self):
        self.live = LiveFigure((5.0, 4.2), left=0.12, right=0.97, bottom=0.2, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        self.xlim, self.ylim = _limits(self.X)
        # the half-plane where the perceptron says +1, as a polygon (much cheaper to draw than an image)
        self.shade = self.live.dynamic(ax.add_patch(Polygon(np.zeros((0, 2)), closed=True,
                                                            facecolor=_tint(POSITIVE_COLOUR, 0.12), lw=0,
                                                            zorder=0)))
        self.line = self.live.dynamic(ax.plot([], [], color="black", lw=1.8, label="w·x + b = 0")[0])
        pos, neg = self.y == 1, self.y == -1
        # the points are drawn above the shading: dynamic too, so they stay on top of it
        self.live.dynamic(ax.scatter(self.X[pos, 0], self.X[pos, 1], marker="o", s=45, color=POSITIVE_COLOUR,
                                     label="y = +1", edgecolors="white", linewidths=0.5, zorder=3))
        self.live.dynamic(ax.scatter(self.X[neg, 0], self.X[neg, 1], marker="s", s=40, color=NEGATIVE_COLOUR,
                                     label="y = −1", edgecolors="white", linewidths=0.5, zorder=3))
        self.rings = self.live.dynamic(ax.scatter(self.X[:0, 0], self.X[:0, 1], s=170, facecolors="none",
                                                  edgecolors=WRONG_COLOUR, linewidths=1.6,
                                                  label="misclassified", zorder=4))
        ax.set_xlim(self.xlim)
        ax.set_ylim(self.ylim)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_facecolor(_tint(NEGATIVE_COLOUR, 0.12))   # the -1 side; the +1 side is the polygon
        # below the axes, so the changing shading never covers it (it is drawn once, with the axes)
        self.live.fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=8,
                             frameon=False)

    def current(self):
        """The current (w, b) as ((w1, w2), b)."""
        return (self.sliders["w1"].value, self.sliders["w2"].value), self.sliders["b"].value

    def compute(self, values):
        w, b = (float(values["w1"]), float(values["w2"])), float(values["b"])
        wrong = misclassified(self.X, self.y, w, b)
        return w, b, wrong, half_plane(w, b, self.xlim, self.ylim), decision_line(w, b, self.xlim, self.ylim)

    def draw(self, result):
        w, b, wrong, positive, line = result
        self.shade.set_xy(positive if len(positive) else np.zeros((0, 2)))
        if line is None:
            self.line.set_data([], [])
        else:
            (a1, a2), (c1, c2) = line
            self.line.set_data([a1, c1], [a2, c2])
        self.rings.set_offsets(self.X[wrong])
        self.n_wrong = int(wrong.sum())
        return f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: misclassified: {self.n_wrong} of {len(self.y)}"
