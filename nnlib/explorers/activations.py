"""The activation explorer of chapter 2 (``book/02_activations.ipynb``).

Pick an activation (and, for leaky ReLU, its slope alpha) and a range of z; the figure shows
f(z) and f'(z), and the status line the largest value of f' on the range. The curves come from
``nnlib.plots.activations.activation_curves``, the numbers behind the chapter's static figure.

One figure is kept and updated in place (see ``nnlib.explorers._render``);
``explorer.to_html(name=[...], range=[...])`` precomputes it for the HTML book.
"""

import ipywidgets as widgets
import numpy as np

from nnlib import activations as act
from nnlib.plots.activations import NAMES, TITLES, _break_jumps, activation_curves
from ._render import Explorer, LiveFigure, snap_limits


class ActivationExplorer(Explorer):
    """A dropdown for the activation, sliders for alpha and the z range, and a live figure.

    >>> explorer = ActivationExplorer()     # in Jupyter, shows the controls and the figure

    ``explorer.controls`` maps 'name', 'alpha', 'range' to the widgets; ``explorer.max_derivative``
    is the largest f'(z) on the current range.
    """

    name = "activation"

    def __init__(self, name="sigmoid", alpha=0.1, z_range=(-5.0, 5.0)):
        self.controls = {
            "name": widgets.Dropdown(options=list(NAMES), value=name, description="activation"),
            "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=0.5, step=0.01,
                                         description="leaky α"),
            # a new range changes the axis, which redraws the whole figure: update on release
            "range": widgets.FloatRangeSlider(value=z_range, min=-10.0, max=10.0, step=0.5,
                                              description="z range", continuous_update=False,
                                              # ".2f" ("-5.00 – 5.00", the default) did not fit the readout's box
                                              readout_format=".1f"),
        }
        self.max_derivative = None
        self.live = LiveFigure((5.4, 3.8), left=0.11, right=0.97, bottom=0.13, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        self.f_line = self.live.dynamic(ax.plot([], [], lw=2.2, label="f(z)")[0])
        self.df_line = self.live.dynamic(ax.plot([], [], lw=2.0, ls="--", label="f′(z)")[0])
        self.kink = self.live.dynamic(ax.plot([], [], marker="o", ms=5, color="C1", mfc="white", ls="none",
                                              zorder=4, label="f′(0) in nnlib")[0])
        ax.set_xlabel("z")
        ax.legend(fontsize=8, loc="upper left")
        self._start()

    def compute(self, values):
        name, alpha = values["name"], float(values["alpha"])
        lo, hi = values["range"]
        if lo == hi:      # the range slider allows an empty range: widen it a little
            lo, hi = lo - 0.5, hi + 0.5
        z, f, df = activation_curves(name, alpha, lo, hi, n=301)
        d0 = None
        if name in ("relu", "leaky_relu", "step"):     # the value nnlib uses at the kink z = 0
            d0 = act.ACTIVATIONS[name][1](0.0, alpha) if name == "leaky_relu" else act.ACTIVATIONS[name][1](0.0)
        return name, alpha, lo, hi, z, f, df, d0

    def draw(self, result):
        name, alpha, lo, hi, z, f, df, d0 = result
        self.controls["alpha"].disabled = name != "leaky_relu"
        self.f_line.set_data(z, _break_jumps(f))
        self.df_line.set_data(z, _break_jumps(df))
        show_kink = d0 is not None and lo <= 0 <= hi
        self.kink.set_data([0.0] if show_kink else [], [float(d0)] if show_kink else [])
        both = np.concatenate([f, df])
        self.live.set_limits(self.ax, xlim=(lo, hi), ylim=snap_limits(both.min(), both.max()))
        self.max_derivative = float(df.max())
        title = TITLES[name] + (f", α = {alpha:g}" if name == "leaky_relu" else "")
        kink = f"; f′(0) = {float(d0):g} in nnlib" if d0 is not None else ""
        return f"{title}: max f′ on [{lo:g}, {hi:g}] = {df.max():.4g}{kink}"
