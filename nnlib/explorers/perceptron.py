"""The perceptron explorer of chapter 1 (``book/01_neuron_perceptron.ipynb``).

Three sliders set w1, w2 and b of f(x) = w1 x1 + w2 x2 + b; the figure shows the decision
line f(x) = 0 over a 2-D data set with labels -1/+1, shades the two half-planes, rings the
misclassified points and counts them. It draws with
``nnlib.plots.perceptron.draw_decision_line``, the function behind the chapter's static figure.

The figure is rendered to PNG and shown in an ``ipywidgets.Image`` (not an ``Output`` widget):
this needs no pyplot state and also works while a notebook is executed headless by nbclient.
"""

import ipywidgets as widgets
from matplotlib.figure import Figure

from nnlib.plots.perceptron import draw_decision_line, misclassified
from ._render import figure_to_png


class PerceptronExplorer:
    """Sliders for (w1, w2, b) and a live decision-line figure.

    >>> explorer = PerceptronExplorer(X, y)    # X (n, 2), y (n,) in {-1, +1}
    >>> explorer                               # shows the sliders and the figure in Jupyter

    ``explorer.sliders`` maps 'w1', 'w2', 'b' to the sliders; ``explorer.n_wrong`` is the
    number of misclassified points at the current setting.
    """

    def __init__(self, X, y, w1=1.0, w2=1.0, b=0.0, weight_range=(-3.0, 3.0), bias_range=(-6.0, 6.0)):
        self.X, self.y = X, y
        lo, hi = weight_range
        self.sliders = {
            "w1": widgets.FloatSlider(value=w1, min=lo, max=hi, step=0.05, description="w1"),
            "w2": widgets.FloatSlider(value=w2, min=lo, max=hi, step=0.05, description="w2"),
            "b": widgets.FloatSlider(value=b, min=bias_range[0], max=bias_range[1], step=0.1,
                                     description="b"),
        }
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.sliders.values())), self.status, self.image])
        self.n_wrong = None
        self.redraw()

    def _on_change(self, change):
        self.redraw()

    def current(self):
        """The current (w, b) as ((w1, w2), b)."""
        return (self.sliders["w1"].value, self.sliders["w2"].value), self.sliders["b"].value

    def redraw(self):
        """Recount the mistakes and redraw the figure for the sliders' current values."""
        w, b = self.current()
        self.n_wrong = int(misclassified(self.X, self.y, w, b).sum())
        self.status.value = f"<b>misclassified: {self.n_wrong} of {len(self.y)}</b>"
        fig = Figure(figsize=(5.2, 4.4))
        draw_decision_line(fig.add_subplot(), self.X, self.y, w, b)
        fig.tight_layout()
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
