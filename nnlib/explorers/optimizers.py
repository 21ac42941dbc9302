"""The explorers of chapter 9 (``book/09_optimizers.ipynb``).

- ``LearningRateExplorer``: a slider for log10 of the learning rate; the figure shows the
  training loss per epoch of full-batch gradient descent, and says when training diverged
  (the numbers come from ``run_learning_rate``, which the chapter's static figure uses too).
- ``TrajectoryExplorer``: an optimiser, its learning rate and beta; the figure shows its path
  on a 2-D loss surface (``nnlib.chapters.surfaces.trajectory``).

Each keeps one figure and updates it in place (see ``nnlib.explorers._render``); ``to_html``
precomputes it over a grid of settings for the HTML book.
"""

import warnings

import ipywidgets as widgets
import numpy as np

from nnlib.optimizers import SGD, Adam, Momentum, RMSProp
from nnlib.chapters.surfaces import trajectory
from nnlib.training import TrainingDivergedError, train
from ._render import Explorer, LiveFigure


def run_learning_rate(make_net, loss, X, Y, lr, epochs):
    """Train a fresh network with full-batch SGD at ``lr``; return (losses per epoch, diverged?)."""
    net = make_net()
    losses = []

    def remember(epoch, history):
        losses.append(history.loss[-1])

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            train(net, loss, SGD(net.parameters(), lr), X, Y, epochs=epochs, callback=remember)
        except TrainingDivergedError:
            return losses, True
    return losses, False


class LearningRateExplorer(Explorer):
    """Slide the learning rate; watch the loss curve of full-batch gradient descent.

    >>> LearningRateExplorer(make_net, nnlib.MSE(), X, Y, epochs=60)
    ``make_net()`` returns a fresh network (the same seed each time). The y axis is fixed to
    ``ylim`` (a curve that leaves it is cut at the top edge).
    """

    name = "learning rate (full batch)"

    def __init__(self, make_net, loss, X, Y, *, epochs=60, log10_lr=-1.0, log10_range=(-3.0, 0.5),
                 ylim=(1e-2, 1e4)):
        self.make_net, self.loss, self.X, self.Y, self.epochs = make_net, loss, X, Y, epochs
        self.slider = widgets.FloatSlider(value=log10_lr, min=log10_range[0], max=log10_range[1],
                                          step=0.05, description="log10 lr", continuous_update=False)
        self.controls = {"log10_lr": self.slider}
        self.live = LiveFigure((6.0, 3.8), left=0.12, right=0.97, bottom=0.13, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        self.line = self.live.dynamic(ax.plot([], [], "-", color="C0")[0])
        self.cross = self.live.dynamic(ax.plot([], [], "x", color="C0", ms=10, mew=2, clip_on=False)[0])
        ax.set_yscale("log")
        ax.set_ylim(*ylim)
        ax.set_xlim(0, epochs + 1)
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (MSE)")
        ax.grid(alpha=0.3)
        self._start()

    def label(self, name):
        return "learning rate"

    def format_value(self, name, value):
        return f"{10.0 ** value:.3g}"      # the slider's value is log10 of the rate

    def compute(self, values):
        lr = 10.0 ** float(values["log10_lr"])
        losses, diverged = run_learning_rate(self.make_net, self.loss, self.X, self.Y, lr, self.epochs)
        return lr, losses, diverged

    def draw(self, result):
        lr, losses, diverged = result
        top = self.ax.get_ylim()[1]
        curve = np.minimum(np.asarray(losses, dtype=float), 1e30)
        self.line.set_data(np.arange(1, len(curve) + 1), curve)
        if diverged and len(curve):
            self.cross.set_data([len(curve)], [min(curve[-1], top)])
        else:
            self.cross.set_data([], [])
        if diverged:
            state = f"diverged after {len(losses)} epochs (TrainingDivergedError)"
        else:
            growing = " (growing)" if losses[-1] > losses[0] else ""
            state = f"final loss {losses[-1]:.4g}{growing} after {self.epochs} epochs"
        return f"lr = {lr:.3g}: {state}"


OPTIMIZERS = {
    "SGD": lambda ps, lr, beta: SGD(ps, lr),
    "Momentum": lambda ps, lr, beta: Momentum(ps, lr, beta=beta),
    "RMSProp": lambda ps, lr, beta: RMSProp(ps, lr, beta=beta),
    "Adam": lambda ps, lr, beta: Adam(ps, lr, beta1=beta),
}


class TrajectoryExplorer(Explorer):
    """Pick an optimiser, its learning rate and beta; watch its path on ``surface``."""

    name = "optimiser trajectory"

    def __init__(self, surface, start, *, steps=60):
        self.surface, self.start, self.steps = surface, np.asarray(start, dtype=float), steps
        self.controls = {
            "optimizer": widgets.Dropdown(options=list(OPTIMIZERS), value="Momentum", description="optimiser"),
            "lr": widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0.5, step=0.05, description="lr"),
            "beta": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta"),
        }
        self.choice, self.lr, self.beta = (self.controls[k] for k in ("optimizer", "lr", "beta"))
        self.live = LiveFigure((6.0, 4.0), left=0.11, right=0.97, bottom=0.12, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        W1, W2, F = surface.grid(n=120)
        levels = np.geomspace(max(F.min(), 1e-3) + 1e-3, F.max(), 14)
        ax.contour(W1, W2, F, levels=levels, colors="#bbbbbb", linewidths=0.8)
        ax.plot(*surface.minimum, "*", color="black", ms=12, zorder=5)
        ax.plot(self.start[0], self.start[1], "o", color="black", ms=5)
        self.path = self.live.dynamic(ax.plot([], [], ".-", ms=3, lw=1.3, color="C3")[0])
        x0, x1, y0, y1 = surface.window
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        self._start()

    def compute(self, values):
        make = OPTIMIZERS[values["optimizer"]]
        lr, beta = float(values["lr"]), float(values["beta"])
        with np.errstate(all="ignore"):
            path = trajectory(self.surface, lambda ps: make(ps, lr, beta), self.start, self.steps)
        return values["optimizer"], lr, beta, np.asarray(path, dtype=float)

    def draw(self, result):
        name, lr, beta, path = result
        ok = np.all(np.isfinite(path), axis=1)
        self.path.set_data(path[ok, 0], path[ok, 1])
        end = path[ok][-1]
        value = float(self.surface.value(end))
        beta_text = "" if name == "SGD" else f", beta = {beta:g}"
        return (f"{name}, lr = {lr:.3g}{beta_text}: after {self.steps} steps at "
                f"({end[0]:.3g}, {end[1]:.3g}), loss {value:.3g}")
