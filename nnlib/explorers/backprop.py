"""The explorer of chapter 6 (book/06_backprop_worked_examples.ipynb): learning rate and epochs -> loss curve.

Two sliders (the learning rate on a log scale, the number of epochs) retrain a fresh network
with plain SGD, row by row (``nnlib.plots.backprop.learning_rate_curves``, the function behind the
chapter's static figure), and redraw its loss curve. Training takes a few milliseconds, so the
sliders update on release. One figure is kept and updated in place (``nnlib.explorers._render``);
``explorer.to_html(lr=[...])`` precomputes it for the HTML book.
"""

import ipywidgets as widgets
import numpy as np

from ..plots.backprop import learning_rate_curves
from ._render import Explorer, LiveFigure, snap_limits


class LearningRateExplorer(Explorer):
    """Sliders for the learning rate and the number of epochs over one training problem.

    ``make_net()`` returns a fresh network (the same starting weights every call);
    ``loss``, ``X``, ``Y`` are the training problem. ``log_lr_range`` = (min, max) of
    log10(learning rate). After each redraw, ``curve`` holds the losses that were drawn.

        explorer = LearningRateExplorer(make_net, nn.MSE(), X, Y, lr=0.01)
        explorer        # in Jupyter: shows the sliders and the plot
    """

    name = "learning rate"

    def __init__(self, make_net, loss, X, Y, *, lr=0.01, epochs=50, log_lr_range=(-4, 0),
                 max_epochs=300, logy=True, title=None):
        if not callable(make_net):
            raise TypeError(
                f"LearningRateExplorer: make_net must be a function returning a network, "
                f"got {type(make_net).__name__}"
            )
        lo, hi = log_lr_range
        if not lo < hi:
            raise ValueError(f"LearningRateExplorer: log_lr_range must be (min, max) with min < max, got {log_lr_range}")
        if not 10.0 ** lo <= lr <= 10.0 ** hi:
            raise ValueError(
                f"LearningRateExplorer: lr must lie in [1e{lo}, 1e{hi}], got {lr}"
            )
        self.make_net, self.loss, self.X, self.Y = make_net, loss, np.asarray(X), np.asarray(Y)
        self.logy, self.title = logy, title
        self.lr_slider = widgets.FloatLogSlider(
            value=lr, base=10, min=lo, max=hi, step=0.1, description="learning rate",
            readout_format=".2g", continuous_update=False,
            style={"description_width": "initial"},
        )
        self.epochs_slider = widgets.IntSlider(
            value=epochs, min=1, max=max_epochs, step=1, description="epochs",
            continuous_update=False,
        )
        self.controls = {"lr": self.lr_slider, "epochs": self.epochs_slider}
        self.curve = []
        self.live = LiveFigure((6.0, 3.8), left=0.12, right=0.97, bottom=0.13, top=0.91 if title else 0.97)
        ax = self.ax = self.live.fig.add_subplot()
        self.line = self.live.dynamic(ax.plot([], [], color="C0", lw=1.8)[0])
        self.cross = self.live.dynamic(ax.plot([], [], "x", color="C3", ms=10, mew=2, clip_on=False)[0])
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean loss per epoch")
        ax.grid(alpha=0.3)
        if title:
            ax.set_title(title, fontsize=10)
        self.ylim = self._fixed_ylim(lo, hi, epochs)
        self.spans = sorted({s for s in (10, 20, 50, 100, 200, 300, 500, 1000) if s < max_epochs} | {max_epochs})
        self.live.warm([[(ax, (0, span + 1), self.ylim)] for span in self.spans])
        self._start()

    def _fixed_ylim(self, lo, hi, epochs):
        """y limits that hold the curves of five rates across the slider's range (computed once,
        so that moving the learning rate keeps the axes): from the lowest loss they reach to ten
        times the first epoch's loss of the slowest rate (about the untrained network's loss).
        A curve that diverges leaves the plot at the top edge (marked x). The top is not taken
        from a diverging rate's first loss (1e29 for the chapter's lr = 1), or every useful curve
        would be a flat line along the bottom of a 30-decade axis."""
        rates = list(10.0 ** np.linspace(lo, hi, 5))
        curves = learning_rate_curves(self.make_net, self.loss, self.X, self.Y, rates, epochs=epochs)
        finite = [v for c in curves.values() for v in c if np.isfinite(v) and v > 0]
        firsts = [c[0] for c in curves.values() if len(c) and np.isfinite(c[0]) and c[0] > 0]
        if not finite or not firsts:
            return None
        top = 10.0 * min(firsts)
        finite = [v for v in finite if v <= top] or finite
        if self.logy:
            return snap_limits(min(finite), top, log=True)
        return snap_limits(0.0, top)

    def label(self, name):
        return {"lr": "learning rate", "epochs": "epochs"}[name]

    def compute(self, values):
        lr, epochs = float(values["lr"]), int(values["epochs"])
        curve = learning_rate_curves(self.make_net, self.loss, self.X, self.Y, [lr], epochs=epochs)[lr]
        return lr, epochs, curve

    def draw(self, result):
        lr, epochs, curve = result
        self.curve = curve
        diverged = len(curve) < epochs
        values = np.asarray(curve, dtype=float)
        # the x range grows in steps (backgrounds drawn when the explorer was built)
        span = next(s for s in self.spans if s >= epochs)
        self.live.set_limits(self.ax, xlim=(0, span + 1), ylim=self.ylim)
        if len(values):
            shown = np.minimum(values, self.ax.get_ylim()[1])
            self.line.set_data(np.arange(1, len(values) + 1), shown)
        else:
            self.line.set_data([], [])
        if diverged and len(values):
            self.cross.set_data([len(values)], [min(values[-1], self.ax.get_ylim()[1])])
        else:
            self.cross.set_data([], [])
        if diverged:
            return f"lr = {lr:.2g}: diverged in epoch {len(curve) + 1} (x: the last finite loss)"
        return f"lr = {lr:.2g}: loss after {epochs} epochs {curve[-1]:.4f}"
