"""The explorer of chapter 9 (``book/09_vanishing_gradients.ipynb``).

``GradientNormExplorer``: choose the depth, the hidden activation and the initial scale of the
weights (Xavier, He, or a normal distribution with a chosen standard deviation); the figure shows
the gradient norm ||dL/dW^[l]|| of each layer for one backward pass on the chapter's data. It
draws with ``nnlib.plots.gradients.draw_gradient_norms``, like the chapter's static figure.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.deep_networks import deep_mlp
from nnlib.diagnostics import gradient_norms
from nnlib.initializers import normal
from nnlib.losses import BinaryCrossEntropy
from nnlib.plots.gradients import draw_gradient_norms
from ._render import figure_to_png


def network_gradient_norms(X, Y, *, depth, activation, init, width=16, seed=1):
    """Per-layer gradient norms of a fresh ``deep_mlp`` (logit output, BCE from logits).

    ``init`` is 'xavier', 'he' or a standard deviation (a float) for N(0, std^2) weights.
    """
    init_fn = normal(float(init)) if not isinstance(init, str) else init
    net = deep_mlp(X.shape[1], width, depth, Y.shape[1], hidden=activation, output="linear",
                   init=init_fn, rng=np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        return gradient_norms(net, BinaryCrossEntropy(from_logits=True), X, Y)


class GradientNormExplorer:
    """Depth, activation and initial scale -> gradient norm per layer.

    >>> GradientNormExplorer(X, Y)     # X (n, d), Y (n, 1) with labels 0/1
    """

    def __init__(self, X, Y, *, depth=10, activation="sigmoid", width=16):
        self.X, self.Y, self.width = X, Y, width
        self.depth = widgets.IntSlider(value=depth, min=1, max=40, description="depth",
                                       continuous_update=False)
        self.activation = widgets.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation,
                                           description="activation")
        self.scheme = widgets.Dropdown(options=["xavier", "he", "normal(std)"], value="xavier",
                                       description="init")
        self.std = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=1, step=0.05,
                                          description="std", continuous_update=False)
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        for w in (self.depth, self.activation, self.scheme, self.std):
            w.observe(lambda change: self.redraw(), names="value")
        controls = widgets.HBox([widgets.VBox([self.depth, self.activation]),
                                 widgets.VBox([self.scheme, self.std])])
        self.widget = widgets.VBox([controls, self.status, self.image])
        self.redraw()

    def current_init(self):
        return self.std.value if self.scheme.value == "normal(std)" else self.scheme.value

    def redraw(self):
        init = self.current_init()
        norms = network_gradient_norms(self.X, self.Y, depth=self.depth.value,
                                       activation=self.activation.value, init=init, width=self.width)
        first, last = norms[0], norms[-1]
        ratio = f"{first / last:.2e}" if last > 0 else "undefined (last layer gets no gradient)"
        self.status.value = f"<b>first layer / last layer: {ratio}</b>"
        init_label = f"N(0, {init:.3g}^2)" if not isinstance(init, str) else init
        fig, ax = plt.subplots(figsize=(6.4, 3.9))
        draw_gradient_norms(ax, {f"{self.activation.value}, {init_label}, depth {self.depth.value}": norms})
        fig.tight_layout()
        self.image.value = figure_to_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
