"""Explorer for chapter 4 (``book/04_losses.ipynb``): a loss against the prediction.

Choose a loss, a target and (for Huber) delta; the figure shows the loss of one sample
against the prediction and, below it, its derivative dL/dp, both computed by nnlib
(``nnlib.plots.losses.loss_curve``, the numbers behind the chapter's static figure).

    from nnlib.explorers.losses import loss_explorer
    explorer = loss_explorer()                       # shows it in Jupyter
    explorer.to_html(name=[...], target=[...])       # precomputed, for the HTML book

One figure is kept and updated in place (see ``nnlib.explorers._render``).
"""

import ipywidgets as widgets
import numpy as np

from ..plots.losses import LOSS_NAMES, loss_curve
from ._render import Explorer, LiveFigure, snap_limits


def effective_target(name, target):
    """The target the plot uses: clipped to [0, 1] for BCE, its sign (-1 or +1) for hinge."""
    if name == "bce":
        return min(max(float(target), 0.0), 1.0)
    if name == "hinge":
        return 1.0 if target >= 0 else -1.0
    return float(target)


def predictions(name, n=161):
    """The predictions drawn for ``name``: fixed per loss, so the axes stay put as the target moves."""
    if name == "bce":
        return np.linspace(0.005, 0.995, n)
    if name == "hinge":
        return np.linspace(-3.0, 3.0, n)
    return np.linspace(-5.0, 5.0, n)


class LossExplorer(Explorer):
    """A loss dropdown, a target slider, a delta slider (Huber) and the live two-panel figure."""

    name = "loss"

    def __init__(self, name="huber", target=0.0, delta=1.0):
        if name not in LOSS_NAMES:
            raise ValueError(f"loss_explorer: name must be one of {sorted(LOSS_NAMES)}, got {name!r}")
        self.controls = {
            "name": widgets.Dropdown(options=list(LOSS_NAMES), value=name, description="loss"),
            "target": widgets.FloatSlider(value=target, min=-2.0, max=2.0, step=0.1, description="target y"),
            "delta": widgets.FloatSlider(value=delta, min=0.1, max=3.0, step=0.1, description="delta"),
        }
        self._limits = {}
        self.live = LiveFigure((5.6, 4.6), left=0.13, right=0.97, bottom=0.11, top=0.97, hspace=0.12)
        self.top, self.bottom = self.live.fig.subplots(2, 1, sharex=True)
        self.loss_line = self.live.dynamic(self.top.plot([], [], color="#1f77b4", lw=2)[0])
        self.grad_line = self.live.dynamic(self.bottom.plot([], [], color="#d62728", lw=2)[0])
        self.marks = []
        for ax in (self.top, self.bottom):
            ax.grid(alpha=0.3)
            self.marks.append([self.live.dynamic(ax.axvline(0, color="0.5", ls=":", lw=1))]
                              + [self.live.dynamic(ax.axvline(0, color="#2ca02c", ls="--", lw=1)) for _ in range(2)])
        self.bottom.axhline(0.0, color="0.3", lw=0.8)
        self.top.set_ylabel("loss L")
        self.bottom.set_ylabel("derivative dL/dp")
        self.bottom.set_xlabel("prediction p")
        # one background per loss, drawn now rather than on the first visit
        self.live.warm([[(self.top, (predictions(n)[0], predictions(n)[-1]), self.limits(n)[0]),
                         (self.bottom, None, self.limits(n)[1])] for n in LOSS_NAMES if n != "hinge"])
        self._start()

    def limits(self, name):
        """Fixed y limits per loss, wide enough for every target and delta the sliders allow (so
        the axes only change with the loss)."""
        if name not in self._limits:
            curves = [loss_curve(name, effective_target(name, t), d, predictions=predictions(name, 41))
                      for t in (self.controls["target"].min, self.controls["target"].max)
                      for d in (self.controls["delta"].min, self.controls["delta"].max)]
            top = max(c[1].max() for c in curves)
            low, high = min(c[2].min() for c in curves), max(c[2].max() for c in curves)
            grad = (-12.0, 12.0) if name == "bce" else snap_limits(low, high)
            self._limits[name] = (snap_limits(0.0, min(top, 60.0)), grad)
        return self._limits[name]

    def compute(self, values):
        name, delta = values["name"], float(values["delta"])
        target = effective_target(name, values["target"])
        p, loss, grad = loss_curve(name, target, delta, predictions=predictions(name))
        return name, target, delta, p, loss, grad

    def draw(self, result):
        name, target, delta, p, loss, grad = result
        self.loss_line.set_data(p, loss)
        self.grad_line.set_data(p, grad)
        for target_mark, left, right in self.marks:
            target_mark.set_xdata([target, target])
            for mark, edge in ((left, target - delta), (right, target + delta)):
                mark.set_xdata([edge, edge])
                mark.set_visible(name == "huber")
        loss_limits, grad_limits = self.limits(name)
        self.live.set_limits(self.top, xlim=(p[0], p[-1]), ylim=loss_limits)
        self.live.set_limits(self.bottom, ylim=grad_limits)
        xlabel = "score f" if name == "hinge" else "prediction p"
        if self.bottom.get_xlabel() != xlabel:
            self.bottom.set_xlabel(xlabel)
        title = LOSS_NAMES[name] if name != "huber" else f"Huber, delta = {delta:g}"
        return f"{title}; target y = {target:g}"


def loss_explorer(name="huber", target=0.0, delta=1.0):
    """Build a ``LossExplorer`` and show it (a cell can keep it: ``explorer = loss_explorer()``).

    For BCE the target is clipped to [0, 1]; for the hinge loss its sign is the label.
    """
    from IPython.display import display

    explorer = LossExplorer(name, target, delta)
    display(explorer)
    return explorer
