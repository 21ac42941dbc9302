"""The explorer of chapter 11 (``book/11_training_in_practice.ipynb``): a polynomial's degree
and its L2 strength against training and validation error.

The fit comes from ``nnlib.chapters.polynomial`` (``fit_polynomial``, ``evaluate_polynomial``), like the
chapter's static grid of fits (``nnlib.plots.training.plot_polynomial_fits``). One figure is kept
and updated in place (see ``nnlib.explorers._render``); ``to_html`` precomputes it for the book.
"""

import ipywidgets as widgets
import numpy as np

from ..plots.training import TRAIN_COLOR, TRUE_COLOR, VAL_COLOR
from ..chapters.polynomial import evaluate_polynomial, fit_polynomial, mse
from ._render import Explorer, LiveFigure


class PolynomialExplorer(Explorer):
    """Sliders for the degree (0..max_degree) and log10 of lambda, and a checkbox for the penalty.

    >>> PolynomialExplorer(x_train, y_train, x_val, y_val, true_function)   # in Jupyter

    ``explorer.setting()`` is the current (degree, lam).
    """

    name = "polynomial fit"

    def __init__(self, x_train, y_train, x_val, y_val, true_function=None, max_degree=9):
        self.data = (x_train, y_train, x_val, y_val)
        self.true_function = true_function
        self.degree = widgets.IntSlider(value=3, min=0, max=max_degree, description="degree")
        self.log10_lam = widgets.FloatSlider(value=-2, min=-8, max=1, step=0.5, description="log10 λ")
        self.regularise = widgets.Checkbox(value=False, description="L2 penalty on")
        self.controls = {"degree": self.degree, "log10_lam": self.log10_lam, "regularise": self.regularise}
        self.live = LiveFigure((5.6, 3.9), left=0.1, right=0.97, bottom=0.13, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        self.grid = np.linspace(min(x_train.min(), x_val.min()), max(x_train.max(), x_val.max()), 300)
        if true_function is not None:
            ax.plot(self.grid, true_function(self.grid), color=TRUE_COLOR, lw=1.5, ls="--", label="true function")
        self.fit = self.live.dynamic(ax.plot([], [], color="tab:red", lw=2, label="fitted polynomial")[0])
        ax.scatter(x_val, y_val, s=14, color=VAL_COLOR, alpha=0.7, label="validation")
        # the training points above the fitted curve
        self.live.dynamic(ax.scatter(x_train, y_train, s=30, color=TRAIN_COLOR, edgecolor="k", zorder=3,
                                     label="training"))
        ax.set_ylim(-2.0, 2.0)
        ax.set_xlim(self.grid[0] - 0.05, self.grid[-1] + 0.05)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="upper left", fontsize=8)
        self._start()

    def setting(self):
        lam = 10.0 ** self.log10_lam.value if self.regularise.value else 0.0
        return self.degree.value, lam

    def format_value(self, name, value):
        if name == "regularise":
            return "on" if value else "off"
        return super().format_value(name, value)

    def compute(self, values):
        degree = int(values["degree"])
        lam = 10.0 ** float(values["log10_lam"]) if values["regularise"] else 0.0
        x_train, y_train, x_val, y_val = self.data
        c = fit_polynomial(x_train, y_train, degree, lam)
        return degree, lam, evaluate_polynomial(c, self.grid), \
            mse(evaluate_polynomial(c, x_train), y_train), mse(evaluate_polynomial(c, x_val), y_val)

    def draw(self, result):
        degree, lam, curve, train_err, val_err = result
        # from the values drawn, not the widget (to_html draws frames the widgets never show)
        self.log10_lam.disabled = lam == 0
        self.fit.set_data(self.grid, curve)
        lam_text = "no penalty" if lam == 0 else f"λ = {lam:.3g}"
        return f"degree {degree}, {lam_text}: train MSE {train_err:.3f}, validation MSE {val_err:.3f}"
