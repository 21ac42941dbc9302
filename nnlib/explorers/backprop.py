"""The explorer of chapter 5 (book/05_backpropagation.ipynb): learning rate and epochs -> loss curve.

Two sliders (the learning rate on a log scale, the number of epochs) retrain a fresh network
with plain SGD, row by row, and redraw its loss curve with ``nnlib.plots.backprop.plot_loss_curves``,
the same function the chapter's static figure uses over a small grid of learning rates.
It needs a running Jupyter kernel; in the HTML book the static figure stands in its place.
"""

import ipywidgets as widgets
import numpy as np

from ..plots.backprop import learning_rate_curves, plot_loss_curves
from ._render import figure_to_png


class LearningRateExplorer:
    """Sliders for the learning rate and the number of epochs over one training problem.

    ``make_net()`` returns a fresh network (the same starting weights every call);
    ``loss``, ``X``, ``Y`` are the training problem. ``log_lr_range`` = (min, max) of
    log10(learning rate). After each redraw, ``curve`` holds the losses that were drawn.

        explorer = LearningRateExplorer(make_net, nn.MSE(), X, Y, lr=0.01)
        explorer        # in Jupyter: shows the sliders and the plot
    """

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
        # the figure is shown as a PNG in an Image widget (not an Output widget, whose captured
        # outputs trip nbclient when a notebook is executed without storing widget state)
        self.image = widgets.Image(format="png")
        self.curve = []
        self.widget = widgets.VBox([widgets.HBox([self.lr_slider, self.epochs_slider]), self.image])
        self.lr_slider.observe(self._on_change, names="value")
        self.epochs_slider.observe(self._on_change, names="value")
        self.redraw()

    def _on_change(self, change):
        self.redraw()

    def redraw(self):
        """Retrain with the sliders' values and redraw the loss curve."""
        lr, epochs = self.lr_slider.value, self.epochs_slider.value
        self.curve = learning_rate_curves(
            self.make_net, self.loss, self.X, self.Y, [lr], epochs=epochs
        )[lr]
        fig = plot_loss_curves({f"lr = {lr:.2g}": self.curve}, logy=self.logy,
                               title=self.title, epochs=epochs)
        self.image.value = figure_to_png(fig)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
