"""A playground explorer after playground.tensorflow.org (chapter 8: ``book/08_xor_xnor.ipynb``).

Choose a data set, the hidden layer sizes, the activation and the learning rate; press "train"
(or the play button) and watch the decision boundary and the loss curve change as nnlib trains
the network (``nnlib.chapters.playground.Playground``, the class behind the chapter's figures). The epoch
slider is the training so far: "train" and each tick of the play control move it forward by
``epochs_per_step``; dragging it back retrains from the start (the same seed, so the same run).

One figure is kept and updated in place (see ``nnlib.explorers._render``): a tick trains 25 epochs
and redraws in a few tens of milliseconds, far inside the play control's 500 ms interval, and a
tick that arrives while the previous one is still fresh is dropped, so ticks never back up.
``explorer.to_html(dataset=[...], hidden=[...], epoch=[...])`` precomputes it for the HTML book.
"""

import time

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.colors import ListedColormap
from PIL import Image

from ..chapters.playground import DATASETS, HIDDEN_ACTIVATIONS, Playground
from ..plots.boundaries import CLASS_COLOURS, PROBABILITY_CMAP
from ._render import Explorer, LiveFigure


#: the loss plot's x range grows in these steps (its backgrounds are drawn when the explorer is built)
SPANS = (100, 250, 500, 1000, 2000, 3000)


class _PixelField(Artist):
    """An RGBA image (rows bottom to top) that fills its axes, scaled to the axes' pixels by
    nearest neighbour and pasted onto the canvas: what ``imshow(..., interpolation="nearest")``
    shows when the image spans the axes' limits, without matplotlib's general resampling (the
    dearest part of an update once the figure is drawn at twice the CSS resolution)."""

    def __init__(self, rgba):
        super().__init__()
        self.rgba = np.asarray(rgba, dtype=np.uint8)

    def set_data(self, rgba):
        self.rgba = np.asarray(rgba, dtype=np.uint8)
        self.stale = True

    def draw(self, renderer):
        if not self.get_visible():
            return
        box = self.axes.bbox
        x0, y0 = int(round(box.x0)), int(round(box.y0))
        width, height = int(round(box.x1)) - x0, int(round(box.y1)) - y0
        if width <= 0 or height <= 0:
            return
        picture = Image.fromarray(np.ascontiguousarray(self.rgba[::-1]), "RGBA").resize(
            (width, height), Image.Resampling.NEAREST)
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.axes.bbox)
        renderer.draw_image(gc, x0, y0, np.array(picture))
        gc.restore()
        self.stale = False


def parse_hidden(text):
    """'8, 8' -> (8, 8). Raises ValueError for anything that is not positive integers."""
    try:
        sizes = tuple(int(part) for part in str(text).replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(f"hidden sizes must be integers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden sizes must be positive integers, e.g. 4 or 8,8, got {text!r}")
    return sizes


class PlaygroundExplorer(Explorer):
    """Controls for a ``Playground`` and a live figure of its decision boundary and loss.

    >>> explorer = PlaygroundExplorer()   # shows the controls and the figure in Jupyter
    >>> explorer.train_more()             # what the "train" button does

    Changing a setting starts a fresh network (the same ``seed``); each press of "train" (or tick
    of the play control) trains ``epochs_per_step`` more epochs. ``explorer.playground`` is the
    current ``Playground``.
    """

    name = "playground"

    def __init__(self, dataset="xor", hidden="4", activation="tanh", lr=0.03, seed=0, epochs_per_step=25,
                 resolution=100):
        self.seed = int(seed)
        self.epochs_per_step = int(epochs_per_step)
        self.resolution = int(resolution)
        self.controls = {
            "dataset": widgets.Dropdown(options=sorted(DATASETS), value=dataset, description="data set"),
            "hidden": widgets.Text(value=str(hidden), description="hidden", placeholder="e.g. 4 or 8,8",
                                   continuous_update=False),
            "activation": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value=activation,
                                           description="activation"),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.25,
                                         description="learning rate", readout_format=".3g",
                                         continuous_update=False, style={"description_width": "initial"}),
            "epoch": widgets.IntSlider(value=0, min=0, max=3000, step=self.epochs_per_step, description="epoch",
                                       continuous_update=False),
        }
        self.dataset, self.hidden, self.activation, self.lr, self.epoch = self.controls.values()
        self.train_button = widgets.Button(description=f"train {self.epochs_per_step} epochs")
        self.reset_button = widgets.Button(description="reset")
        self.play = widgets.Play(value=0, min=0, max=10_000, step=1, interval=500, description="run")
        self.reset_button.on_click(self.reset)
        self.train_button.on_click(self.train_more)
        self.play.observe(self._tick, names="value")
        self._last_tick = 0.0
        self.dropped_ticks = 0
        self.playground = None
        self._settings = None
        self._build_figure()
        c = self.controls
        self._start(rows=[[c["dataset"], c["activation"]], [c["hidden"], c["lr"]],
                          [self.train_button, self.play, self.reset_button, c["epoch"]]])

    def _build_figure(self):
        self.live = LiveFigure((8.4, 3.7), left=0.075, right=0.98, bottom=0.14, top=0.97, wspace=0.22)
        self.left, self.right = self.live.fig.subplots(1, 2)
        r = self.resolution
        # the chapter's colours at 55 % over white, opaque, and no smoothing: the cheapest image to draw
        # The probabilities are coloured here, on the r x r grid, and the image is handed to matplotlib
        # as RGBA bytes: resampling those to the (HiDPI) pixels is cheap, colouring every pixel is not.
        self.cmap = ListedColormap(0.45 + 0.55 * PROBABILITY_CMAP(np.linspace(0, 1, 256))[:, :3])
        self.field = self.live.dynamic(_PixelField(self.cmap(np.full((r, r), 0.5), bytes=True)))
        self.left.add_artist(self.field)
        self.points = self.live.dynamic(self.left.scatter([], [], s=14, edgecolors="black", linewidths=0.4,
                                                          zorder=3))
        self.left.set_xlabel("$x_1$")
        self.left.set_ylabel("$x_2$")
        self.loss_line = self.live.dynamic(self.right.plot([], [], color="C2", lw=1.6)[0])
        self.right.set_xlabel("epoch")
        self.right.set_ylabel("training loss (BCE)")
        self.right.grid(True, alpha=0.3)
        self.right.set_ylim(0.0, 1.0)
        # one window for every data set, so that changing the data set keeps the axes
        extents = [Playground(name, (1,), seed=self.seed).probability_grid(2) for name in sorted(DATASETS)]
        lo = np.min([[xx.min(), yy.min()] for xx, yy, _ in extents], axis=0)
        hi = np.max([[xx.max(), yy.max()] for xx, yy, _ in extents], axis=0)
        self.window = (lo[0], hi[0], lo[1], hi[1])
        self.left.set_xlim(lo[0], hi[0])
        self.left.set_ylim(lo[1], hi[1])
        self.live.warm([[(self.right, (0, span), None)] for span in SPANS])
        self._data_key = None

    # -- the buttons and the play control -------------------------------------------------------

    def _on_change(self, change):
        # a new setting starts a fresh network: back to epoch 0 (that change redraws)
        epoch = self.controls["epoch"]
        if change["owner"] is not epoch and epoch.value != 0:
            epoch.value = 0
            return
        self.refresh()

    def reset(self, *_):
        """Back to epoch 0 (a fresh network with the same seed)."""
        self.controls["epoch"].value = 0

    def train_more(self, *_):
        """Train ``epochs_per_step`` more epochs and redraw."""
        self.controls["epoch"].value = self.controls["epoch"].value + self.epochs_per_step

    def _tick(self, change):
        # A tick that arrives less than half an interval after the previous one finished was queued
        # behind it: drop it rather than let the ticks back up.
        now = time.perf_counter()
        if now - self._last_tick < 0.5 * self.play.interval / 1000:
            self.dropped_ticks += 1
            return
        self.train_more()
        self._last_tick = time.perf_counter()

    # -- compute and draw -------------------------------------------------------------------------

    def compute(self, values):
        sizes = parse_hidden(values["hidden"])
        key = (values["dataset"], sizes, values["activation"], float(values["lr"]))
        epoch = int(values["epoch"])
        pg = self.playground
        if pg is None or self._settings != key or pg.epochs > epoch:
            pg = Playground(key[0], sizes, key[2], key[3], seed=self.seed)
            self._settings = key
        if epoch > pg.epochs:
            pg.train(epoch - pg.epochs)
        self.playground = pg
        x0, x1, y0, y1 = self.window
        xx, yy = np.meshgrid(np.linspace(x0, x1, self.resolution), np.linspace(y0, y1, self.resolution))
        P = pg.predict(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
        return pg, P

    def refresh(self):
        try:
            parse_hidden(self.controls["hidden"].value)
        except ValueError as error:
            self.status.value = f"<b>{error}</b>"
            return
        super().refresh()

    def draw(self, result):
        pg, P = result
        self.field.set_data(self.cmap(np.clip(P, 0.0, 1.0), bytes=True))
        if self._data_key != (pg.dataset, self.seed):      # new points
            self._data_key = (pg.dataset, self.seed)
            self.points.set_offsets(pg.X)
            self.points.set_facecolor([CLASS_COLOURS[int(v)] for v in np.asarray(pg.Y).ravel()])
        # a misclassified point gets a black edge (the book's convention), the others a white one
        wrong = (pg.predict(pg.X).ravel() >= 0.5) != (np.asarray(pg.Y).ravel() == 1)
        self.points.set_edgecolor(np.where(wrong[:, None], (0.0, 0.0, 0.0, 1.0), (1.0, 1.0, 1.0, 1.0)))
        losses = np.asarray(pg.losses, dtype=float)
        self.loss_line.set_data(np.arange(1, len(losses) + 1), losses)
        span = next((s for s in SPANS if s >= pg.epochs), pg.epochs)
        top = max(1.0, float(np.nanmax(losses))) if len(losses) else 1.0
        self.live.set_limits(self.right, xlim=(0, span), ylim=(0.0, np.ceil(top * 4) / 4))
        loss = f", loss {losses[-1]:.4f}" if len(losses) else ""
        hidden = "-".join(str(h) for h in pg.hidden)
        # At epoch 0 the learning rate has not acted yet (the same seed, the same starting network):
        # say so, or a reader who moves the rate sees nothing change and thinks it does nothing.
        waiting = " (untrained: press train or run to see this rate at work)" if pg.epochs == 0 else ""
        return (f"{pg.dataset}, hidden {hidden} {pg.activation}, learning rate {pg.lr:.3g}: "
                f"epoch {pg.epochs}{loss}, training accuracy {pg.accuracy():.3f}{waiting}")


def playground_explorer(**kwargs):
    """Build the explorer (a notebook cell's last line displays it)."""
    return PlaygroundExplorer(**kwargs)
