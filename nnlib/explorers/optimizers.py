"""The explorers of chapter 8 (``book/08_optimizers.ipynb``).

- ``LearningRateExplorer``: a slider for log10 of the learning rate; the figure shows the
  training loss per epoch of full-batch gradient descent, and says when training diverged.
  It draws with ``nnlib.plots.optimizers.draw_loss_curves``, like the chapter's static figure.
- ``TrajectoryExplorer``: an optimiser, its learning rate and beta; the figure shows its path
  on a 2-D loss surface (``nnlib.plots.optimizers.draw_trajectories``).
"""

import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.optimizers import SGD, Adam, Momentum, RMSProp
from nnlib.plots.optimizers import draw_loss_curves, draw_trajectories
from nnlib.surfaces import trajectory
from nnlib.training import TrainingDivergedError, train
from ._render import figure_to_png


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


class LearningRateExplorer:
    """Slide the learning rate; watch the loss curve of full-batch gradient descent.

    >>> LearningRateExplorer(make_net, nnlib.MSE(), X, Y, epochs=60)
    ``make_net()`` returns a fresh network (the same seed each time).
    """

    def __init__(self, make_net, loss, X, Y, *, epochs=60, log10_lr=-1.0, log10_range=(-3.0, 0.5)):
        self.make_net, self.loss, self.X, self.Y, self.epochs = make_net, loss, X, Y, epochs
        self.slider = widgets.FloatSlider(value=log10_lr, min=log10_range[0], max=log10_range[1],
                                          step=0.05, description="log10 lr", continuous_update=False)
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.slider.observe(lambda change: self.redraw(), names="value")
        self.widget = widgets.VBox([self.slider, self.status, self.image])
        self.redraw()

    def redraw(self):
        lr = 10.0 ** self.slider.value
        losses, diverged = run_learning_rate(self.make_net, self.loss, self.X, self.Y, lr, self.epochs)
        label = f"lr = {lr:.3g}"
        state = "diverged (TrainingDivergedError)" if diverged else f"final loss {losses[-1]:.4g}"
        self.status.value = f"<b>{label}: {state}</b>"
        fig, ax = plt.subplots(figsize=(6.0, 3.8))
        draw_loss_curves(ax, {label: losses}, diverged={label} if diverged else ())
        ax.set_xlim(0, self.epochs + 1)
        fig.tight_layout()
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


OPTIMIZERS = {
    "SGD": lambda ps, lr, beta: SGD(ps, lr),
    "Momentum": lambda ps, lr, beta: Momentum(ps, lr, beta=beta),
    "RMSProp": lambda ps, lr, beta: RMSProp(ps, lr, beta=beta),
    "Adam": lambda ps, lr, beta: Adam(ps, lr, beta1=beta),
}


class TrajectoryExplorer:
    """Pick an optimiser, its learning rate and beta; watch its path on ``surface``."""

    def __init__(self, surface, start, *, steps=60):
        self.surface, self.start, self.steps = surface, np.asarray(start, dtype=float), steps
        self.choice = widgets.Dropdown(options=list(OPTIMIZERS), value="Momentum", description="optimiser")
        self.lr = widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0.5, step=0.05, description="lr",
                                         continuous_update=False)
        self.beta = widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta",
                                        continuous_update=False)
        self.image = widgets.Image(format="png")
        for w in (self.choice, self.lr, self.beta):
            w.observe(lambda change: self.redraw(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.choice, self.lr, self.beta]), self.image])
        self.redraw()

    def redraw(self):
        make = OPTIMIZERS[self.choice.value]
        lr, beta = self.lr.value, self.beta.value
        path = trajectory(self.surface, lambda ps: make(ps, lr, beta), self.start, self.steps)
        fig, ax = plt.subplots(figsize=(6.0, 4.0))
        draw_trajectories(ax, self.surface, {f"{self.choice.value}, lr={lr:.3g}": path},
                          title=f"{self.steps} steps")
        fig.tight_layout()
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
