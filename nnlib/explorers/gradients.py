"""The explorer of chapter 10 (``book/10_vanishing_gradients.ipynb``).

``GradientNormExplorer``: choose the depth, the hidden activation and the initial scale of the
weights (Xavier, He, or a normal distribution with a chosen standard deviation); the figure shows
the gradient norm ||dL/dW^[l]|| of each layer for one backward pass on the chapter's data
(``network_gradient_norms``, which the chapter's static figure uses too).

One figure is kept and updated in place (see ``nnlib.explorers._render``); the sliders update on
release (a deep backward pass takes a few milliseconds). ``to_html`` precomputes it for the book.
"""

import ipywidgets as widgets
import numpy as np

from nnlib.chapters.deep_networks import deep_mlp
from nnlib.diagnostics import gradient_norms
from nnlib.initializers import normal
from nnlib.losses import BinaryCrossEntropy
from ._render import Explorer, LiveFigure


def network_gradient_norms(X, Y, *, depth, activation, init, width=16, seed=1):
    """Per-layer gradient norms of a fresh ``deep_mlp`` (logit output, BCE from logits).

    ``init`` is 'xavier', 'he' or a standard deviation (a float) for N(0, std^2) weights.
    """
    init_fn = normal(float(init)) if not isinstance(init, str) else init
    net = deep_mlp(X.shape[1], width, depth, Y.shape[1], hidden=activation, output="linear",
                   init=init_fn, rng=np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        return gradient_norms(net, BinaryCrossEntropy(from_logits=True), X, Y)


#: The fixed y range, from the vanishing sigmoid networks to the exploding ones with std 1
YLIM = (1e-30, 1e12)
#: the x range grows in steps, so that most depths keep the axes (and their drawn background)
SPANS = (5, 10, 20, 40)


class GradientNormExplorer(Explorer):
    """Depth, activation and initial scale -> gradient norm per layer.

    >>> GradientNormExplorer(X, Y)     # X (n, d), Y (n, 1) with labels 0/1
    """

    name = "gradient norms"

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
        self.controls = {"depth": self.depth, "activation": self.activation, "init": self.scheme,
                         "std": self.std}
        self.live = LiveFigure((6.0, 3.8), left=0.14, right=0.97, bottom=0.14, top=0.97)
        ax = self.ax = self.live.fig.add_subplot()
        self.line = self.live.dynamic(ax.plot([], [], "o-", ms=3, lw=1.4, color="C0")[0])
        self.dead = self.live.dynamic(ax.plot([], [], "v", ms=6, color="C3", clip_on=False)[0])
        ax.set_yscale("log")
        ax.set_xlabel("layer $l$ (1 = next to the input)")
        ax.set_ylabel(r"$\|\partial L/\partial W^{[l]}\|$")
        ax.grid(alpha=0.3, which="major")
        ax.set_ylim(*YLIM)
        self.live.warm([[(ax, (0.5, span + 1.5), None)] for span in SPANS])
        self._start(rows=[[self.depth, self.activation], [self.scheme, self.std]])

    def current_init(self):
        return self.std.value if self.scheme.value == "normal(std)" else self.scheme.value

    def compute(self, values):
        init = float(values["std"]) if values["init"] == "normal(std)" else values["init"]
        norms = network_gradient_norms(self.X, self.Y, depth=int(values["depth"]),
                                       activation=values["activation"], init=init, width=self.width)
        return values["activation"], init, int(values["depth"]), np.asarray(norms, dtype=float)

    def draw(self, result):
        activation, init, depth, norms = result
        # from the values drawn, not the widget (to_html draws frames the widgets never show)
        self.std.disabled = isinstance(init, str)
        layers = np.arange(1, len(norms) + 1)
        positive = np.isfinite(norms) & (norms > 0)
        # the last layer is the output layer, so a depth-L network has L + 1 norms
        span = next((s for s in SPANS if s + 1 >= len(norms)), len(norms))
        self.live.set_limits(self.ax, xlim=(0.5, span + 1.5))
        self.line.set_data(layers, np.clip(np.where(positive, norms, np.nan), *YLIM))
        # zero gradients (a dead network) as triangles on the bottom edge
        self.dead.set_data(layers[~positive], np.full((~positive).sum(), YLIM[0]))
        first, last = norms[0], norms[-1]
        ratio = f"{first / last:.2e}" if last > 0 else "undefined (last layer gets no gradient)"
        init_label = f"N(0, {init:.3g}^2)" if not isinstance(init, str) else init
        return f"{activation}, {init_label}, depth {depth}: first layer / last layer = {ratio}"
