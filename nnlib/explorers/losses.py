"""Explorer for chapter 4 (``book/04_losses.ipynb``): a loss against the prediction.

Choose a loss, a target and (for Huber) delta; the figure shows the loss of one sample
against the prediction and, below it, its derivative dL/dp, both computed by nnlib.
It draws with ``nnlib.plots.losses.plot_losses``, the same function that makes the
chapter's static figure, so the HTML book shows what the explorer would.
Needs a running Jupyter kernel:

    from nnlib.explorers.losses import loss_explorer
    loss_explorer()

The picture is shown in an ``ipywidgets.Image`` that is redrawn when a control moves
(no ``Output`` widget, so the notebook also executes cleanly without storing widget state).
"""

import ipywidgets as widgets
from IPython.display import display

from ..plots.losses import LOSS_NAMES, plot_losses
from ._render import figure_to_png


def effective_target(name, target):
    """The target the plot uses: clipped to [0, 1] for BCE, its sign (-1 or +1) for hinge."""
    if name == "bce":
        return min(max(float(target), 0.0), 1.0)
    if name == "hinge":
        return 1.0 if target >= 0 else -1.0
    return float(target)


def render_png(name, target, delta):
    """PNG bytes of ``plot_losses([(name, effective_target(name, target), delta)])``."""
    fig = plot_losses([(name, effective_target(name, target), delta)])
    return figure_to_png(fig)


def loss_explorer(name="huber", target=0.0, delta=1.0):
    """Show a loss dropdown, a target slider, a delta slider and the live figure.

    For BCE the target is clipped to [0, 1]; for the hinge loss its sign is the label.
    Returns the VBox holding the controls and the image.
    """
    if name not in LOSS_NAMES:
        raise ValueError(f"loss_explorer: name must be one of {sorted(LOSS_NAMES)}, got {name!r}")
    choose = widgets.Dropdown(options=list(LOSS_NAMES), value=name, description="loss")
    target_slider = widgets.FloatSlider(value=target, min=-2.0, max=2.0, step=0.1, description="target y")
    delta_slider = widgets.FloatSlider(value=delta, min=0.1, max=3.0, step=0.1, description="delta")
    image = widgets.Image(format="png", value=render_png(name, target, delta))

    def redraw(_change=None):
        image.value = render_png(choose.value, target_slider.value, delta_slider.value)

    for control in (choose, target_slider, delta_slider):
        control.observe(redraw, names="value")
    box = widgets.VBox([widgets.HBox([choose, target_slider, delta_slider]), image])
    display(box)
    return box
