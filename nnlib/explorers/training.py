"""The explorer of chapter 10 (``book/10_training_in_practice.ipynb``): a polynomial's degree
and its L2 strength against training and validation error.

It draws with ``nnlib.plots.training.plot_polynomial_fits``, the function behind the chapter's
static grid of fits. The figure is rendered to PNG and shown in an ``ipywidgets.Image`` (not an
``Output`` widget), which also works while a notebook is executed headless by nbclient.
Needs a running Jupyter kernel.
"""

import ipywidgets as widgets

from ..plots.training import plot_polynomial_fits
from ._render import figure_to_png


class PolynomialExplorer:
    """Sliders for the degree (0..max_degree) and log10 of lambda, and a checkbox for the penalty.

    >>> PolynomialExplorer(x_train, y_train, x_val, y_val, true_function)   # in Jupyter

    ``explorer.setting()`` is the current (degree, lam).
    """

    def __init__(self, x_train, y_train, x_val, y_val, true_function=None, max_degree=9):
        self.data = (x_train, y_train, x_val, y_val)
        self.true_function = true_function
        self.degree = widgets.IntSlider(value=3, min=0, max=max_degree, description="degree")
        self.log10_lam = widgets.FloatSlider(value=-2, min=-8, max=1, step=0.5, description="log10 λ")
        self.regularise = widgets.Checkbox(value=False, description="L2 penalty on")
        self.image = widgets.Image(format="png")
        for control in (self.degree, self.log10_lam, self.regularise):
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.degree, self.log10_lam, self.regularise]), self.image])
        self.redraw()

    def setting(self):
        lam = 10.0 ** self.log10_lam.value if self.regularise.value else 0.0
        return self.degree.value, lam

    def _on_change(self, change):
        self.redraw()

    def redraw(self):
        fig = plot_polynomial_fits(*self.data, [self.setting()], self.true_function)
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
