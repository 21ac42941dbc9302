"""The activation explorer of chapter 2 (``book/02_activations.ipynb``).

Pick an activation (and, for leaky ReLU, its slope alpha) and a range of z; the figure shows
f(z) and f'(z) and the largest value of f' on the range. It draws with
``nnlib.plots.activations.draw_activation``, the function behind the chapter's static figure.

The figure is rendered to PNG and shown in an ``ipywidgets.Image`` (not an ``Output`` widget):
this needs no pyplot state and also works while a notebook is executed headless by nbclient.
"""

import ipywidgets as widgets
from matplotlib.figure import Figure

from nnlib.plots.activations import NAMES, draw_activation
from ._render import figure_to_png


class ActivationExplorer:
    """A dropdown for the activation, sliders for alpha and the z range, and a live figure.

    >>> explorer = ActivationExplorer()     # in Jupyter, shows the controls and the figure

    ``explorer.controls`` maps 'name', 'alpha', 'range' to the widgets; ``explorer.max_derivative``
    is the largest f'(z) on the current range.
    """

    def __init__(self, name="sigmoid", alpha=0.1, z_range=(-5.0, 5.0)):
        self.controls = {
            "name": widgets.Dropdown(options=list(NAMES), value=name, description="activation"),
            "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=0.5, step=0.01,
                                         description="leaky α"),
            "range": widgets.FloatRangeSlider(value=z_range, min=-10.0, max=10.0, step=0.5,
                                              description="z range"),
        }
        self.image = widgets.Image(format="png")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values())), self.image])
        self.max_derivative = None
        self.redraw()

    def _on_change(self, change):
        self.redraw()

    def redraw(self):
        """Redraw f and f' for the current controls."""
        name = self.controls["name"].value
        self.controls["alpha"].disabled = name != "leaky_relu"
        lo, hi = self.controls["range"].value
        if lo == hi:      # the range slider allows an empty range: widen it a little
            lo, hi = lo - 0.5, hi + 0.5
        fig = Figure(figsize=(5.6, 4.0))
        self.max_derivative = draw_activation(fig.add_subplot(), name, self.controls["alpha"].value, lo, hi)
        fig.tight_layout()
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
