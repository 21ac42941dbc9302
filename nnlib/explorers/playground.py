"""A playground explorer after playground.tensorflow.org (chapter 7: ``book/07_xor_xnor.ipynb``).

Choose a data set, the hidden layer sizes, the activation and the learning rate;
press "train" (or the play button) and watch the decision boundary and the loss
curve change as nnlib trains the network. It draws with
``nnlib.plots.boundaries.plot_playground``, the function behind the chapter's figures.

The figure is rendered to PNG and shown in an ``ipywidgets.Image`` (not an ``Output``
widget), so it also works while a notebook is executed headless by nbclient.
"""

import ipywidgets as widgets

from ..playground import DATASETS, HIDDEN_ACTIVATIONS, Playground
from ..plots.boundaries import plot_playground
from ._render import figure_to_png


def parse_hidden(text):
    """'8, 8' -> (8, 8). Raises ValueError for anything that is not positive integers."""
    try:
        sizes = tuple(int(part) for part in str(text).replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(f"hidden sizes must be integers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden sizes must be positive integers, e.g. 4 or 8,8, got {text!r}")
    return sizes


class PlaygroundExplorer:
    """Controls for a ``Playground`` and a live figure of its decision boundary and loss.

    >>> explorer = PlaygroundExplorer()   # shows the controls and the figure in Jupyter
    >>> explorer.train_more()             # what the "train" button does

    Changing a setting starts a fresh network (the same ``seed``); each press of
    "train" (or tick of the play control) trains ``epochs_per_step`` more epochs.
    ``explorer.playground`` is the current ``Playground``.
    """

    def __init__(self, dataset="xor", hidden="4", activation="tanh", lr=0.03, seed=0, epochs_per_step=25):
        self.seed = int(seed)
        self.epochs_per_step = int(epochs_per_step)
        self.dataset = widgets.Dropdown(options=sorted(DATASETS), value=dataset, description="data set")
        self.hidden = widgets.Text(value=str(hidden), description="hidden", placeholder="e.g. 4 or 8,8")
        self.activation = widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value=activation,
                                           description="activation")
        self.lr = widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.25,
                                         description="learning rate", readout_format=".3g",
                                         style={"description_width": "initial"})
        self.train_button = widgets.Button(description=f"train {self.epochs_per_step} epochs")
        self.reset_button = widgets.Button(description="reset")
        self.play = widgets.Play(value=0, min=0, max=400, step=1, interval=500, description="run")
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        for control in (self.dataset, self.hidden, self.activation, self.lr):
            control.observe(self.reset, names="value")
        self.reset_button.on_click(self.reset)
        self.train_button.on_click(self.train_more)
        self.play.observe(self.train_more, names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.dataset, self.activation]),
            widgets.HBox([self.hidden, self.lr]),
            widgets.HBox([self.train_button, self.play, self.reset_button]),
            self.status,
            self.image,
        ])
        self.playground = None
        self.reset()

    def reset(self, *_):
        """Build a fresh Playground from the current settings and draw it."""
        try:
            sizes = parse_hidden(self.hidden.value)
        except ValueError as error:
            self.status.value = f"<b>{error}</b>"
            return
        self.playground = Playground(self.dataset.value, sizes, self.activation.value, self.lr.value,
                                     seed=self.seed)
        self.redraw()

    def train_more(self, *_):
        """Train ``epochs_per_step`` more epochs and redraw."""
        if self.playground is not None:
            self.playground.train(self.epochs_per_step)
            self.redraw()

    def redraw(self):
        pg = self.playground
        loss = f", loss {pg.losses[-1]:.4f}" if pg.losses else ""
        self.status.value = f"<b>epoch {pg.epochs}{loss}, accuracy {pg.accuracy():.3f}</b>"
        fig = plot_playground(pg, resolution=80, figsize=(8.5, 3.8))
        self.image.value = figure_to_png(fig, dpi=80)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground_explorer(**kwargs):
    """Build the explorer (a notebook cell's last line displays it)."""
    return PlaygroundExplorer(**kwargs)
