"""The softmax explorer of chapter 7 (``book/07_softmax_backprop.ipynb``).

Three logits z1, z2, z3, a temperature T and the true class. The left panel shows the
probabilities s = softmax(z / T), the right panel the gradient of the cross-entropy
L = -ln s_c with respect to the scaled logits z / T, which is s - y (chapter 7's result); the
status line gives the loss and the gradient with respect to z itself, (s - y) / T.

Both panels have fixed axes (probabilities in [0, 1], s - y in [-1, 1]), so every update only
moves the bars over a kept background (the numbers are in the status line) (see ``nnlib.explorers._render``).
``explorer.to_html(z1=[...], temperature=[...])`` precomputes it for the HTML book.
"""

import ipywidgets as widgets
import numpy as np

from ..activations import softmax
from ._render import Explorer, LiveFigure

#: The class colours of the whole book, as in NOTATION.md, for classes 1, 2 and 3 (C0 blue, C1 orange, C2 green).
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")
CLASSES = ("1", "2", "3")


def softmax_with_temperature(z, temperature):
    """softmax(z / T) for a logit vector ``z`` (K,) and a temperature T > 0."""
    z = np.asarray(z, dtype=np.float64)
    temperature = float(temperature)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"softmax_with_temperature: z must be a vector of at least 2 logits, got shape {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("softmax_with_temperature: the logits must be finite numbers")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"softmax_with_temperature: the temperature must be a positive number, got {temperature}")
    return softmax(z / temperature)


class SoftmaxExplorer(Explorer):
    """Sliders for three logits and the temperature, a drop-down for the true class.

    >>> explorer = SoftmaxExplorer(z=(2.0, 1.0, 0.1))     # in Jupyter, shows the controls and the figure

    ``explorer.controls`` maps 'z1', 'z2', 'z3', 'temperature' and 'target' to the widgets;
    after each update ``explorer.probabilities`` is s and ``explorer.loss`` is -ln s_c.
    """

    name = "softmax"

    def __init__(self, z=(2.0, 1.0, 0.1), temperature=1.0, target="1"):
        z = [float(v) for v in z]
        if len(z) != 3:
            raise ValueError(f"SoftmaxExplorer: z must hold three logits, got {len(z)}")
        if str(target) not in CLASSES:
            raise ValueError(f"SoftmaxExplorer: target must be one of {CLASSES}, got {target!r}")
        self.controls = {
            f"z{k + 1}": widgets.FloatSlider(value=z[k], min=-5.0, max=5.0, step=0.1, description=f"logit z{k + 1}")
            for k in range(3)
        }
        self.controls["temperature"] = widgets.FloatLogSlider(value=float(temperature), base=10, min=-1, max=1,
                                                             step=0.05, description="temperature T")
        self.controls["target"] = widgets.Dropdown(options=list(CLASSES), value=str(target),
                                                   description="true class")
        self.probabilities = self.loss = None

        self.live = LiveFigure((7.4, 3.3), left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.3)
        self.left, self.right = self.live.fig.subplots(1, 2)
        positions = np.arange(3)
        names = [f"class {c}" for c in CLASSES]
        self.prob_bars = [self.live.dynamic(bar) for bar in
                          self.left.bar(positions, np.zeros(3), color=CLASS_COLOURS, width=0.6)]
        self.grad_bars = [self.live.dynamic(bar) for bar in
                          self.right.bar(positions, np.zeros(3), color=CLASS_COLOURS, width=0.6)]
        self.left.axhline(1 / 3, color="0.4", ls=":", lw=1, label="uniform, $1/K$")
        self.right.axhline(0.0, color="0.3", lw=0.8)
        for ax in (self.left, self.right):
            ax.set_xticks(positions, names)
            ax.set_xlabel("class $k$ (black edge: the true class $c$)")
            ax.grid(axis="y", alpha=0.3)
        self.left.set_ylim(0.0, 1.12)
        self.right.set_ylim(-1.15, 1.15)
        self.left.set_ylabel("probability $s_k$")
        self.right.set_ylabel("gradient $s_k - y_k$")
        self.left.set_title(r"$s = \mathrm{softmax}(z / T)$", fontsize=10)
        self.right.set_title(r"$\partial L / \partial (z/T) = s - y$, with $L = -\ln s_c$", fontsize=10)
        self.left.legend(fontsize=8, loc="upper right")
        self._start(rows=[[self.controls["z1"], self.controls["z2"], self.controls["z3"]],
                          [self.controls["temperature"], self.controls["target"]]])

    def compute(self, values):
        z = np.array([float(values[f"z{k + 1}"]) for k in range(3)])
        temperature = float(values["temperature"])
        target = CLASSES.index(str(values["target"]))
        s = softmax_with_temperature(z, temperature)
        y = np.zeros(3)
        y[target] = 1.0
        loss = float(-np.log(max(s[target], 1e-300)))
        return z, temperature, target, s, s - y, loss

    def draw(self, result):
        z, temperature, target, s, gradient, loss = result
        for k in range(3):
            self.prob_bars[k].set_height(s[k])
            self.grad_bars[k].set_height(gradient[k])
            for bar in (self.prob_bars[k], self.grad_bars[k]):
                bar.set_edgecolor("black" if k == target else CLASS_COLOURS[k])
                bar.set_linewidth(2.0 if k == target else 0.0)
        self.probabilities, self.loss = s, loss
        dz = ", ".join(f"{v:+.3f}" for v in gradient / temperature)
        return (f"T = {temperature:.3g}: s = (" + ", ".join(f"{v:.3f}" for v in s) + f"); "
                f"true class {CLASSES[target]}: loss −ln s = {loss:.3f}; ∂L/∂z = (s − y)/T = ({dz})")


def softmax_explorer(z=(2.0, 1.0, 0.1), temperature=1.0, target="1"):
    """Build a ``SoftmaxExplorer`` and show it (a cell can keep it: ``explorer = softmax_explorer()``)."""
    from IPython.display import display

    explorer = SoftmaxExplorer(z, temperature, target)
    display(explorer)
    return explorer
