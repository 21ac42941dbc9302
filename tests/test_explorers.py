"""The explorers: one persistent figure each, updated in place, and the static HTML copy.

The timing itself is a benchmark (``python -m nnlib.bench --explorers``), not a test; these tests
check what the speed-ups must not break: a blitted picture equals a full redraw, every control
moves the figure, and ``to_html`` stores one frame per grid point with a working index.
"""

import json
import re

import numpy as np
import pytest

from nnlib.explorers._chapters import chapter_explorers, drive
from nnlib.explorers._render import StaticExplorer, snap_limits

EXPLORERS = chapter_explorers()


@pytest.fixture(scope="module")
def built():
    return {label: build() for label, (build, _) in EXPLORERS.items()}


@pytest.mark.parametrize("label", list(EXPLORERS))
def test_blitted_and_layered_updates_match_a_plain_full_draw(built, label):
    explorer = built[label]
    _, moves = EXPLORERS[label]
    for name, values in moves:
        for value in list(values)[:3]:
            drive(explorer, [(name, [value])])
            shown = explorer.live.rgb().copy()    # kept background (or one drawn in layers) + moved artists
            # the same pixels as matplotlib drawing everything at once, not merely a similar picture
            assert np.array_equal(shown, explorer.live.reference_rgb()), \
                f"{label}: after {name} = {value!r} the picture differs from a full draw"
    assert explorer.live.whole_redraws == 0, f"{label}: a layer's check failed, the figure was drawn whole"


def test_a_new_x_range_draws_only_the_x_axis_texts():
    from nnlib.explorers._chapters import _activation

    explorer = _activation()
    layers = explorer.live._texts
    explorer.controls["range"].value = (-4.0, 4.0)     # sigmoid: the y limits stay (0, 1)
    drawn, pasted = layers.drawn, layers.pasted
    explorer.controls["range"].value = (-3.0, 5.5)
    assert layers.drawn - drawn == 1                   # the x axis's texts
    assert layers.pasted - pasted == 2                 # the y axis's texts and the legend
    assert np.array_equal(explorer.live.rgb(), explorer.live.reference_rgb())


def test_layers_fall_back_to_a_full_draw_when_something_else_is_under_the_texts():
    from nnlib.explorers._chapters import _activation

    explorer = _activation()
    # a static band through the x tick labels: the texts are not over one plain colour any more
    explorer.ax.axhspan(-0.2, -0.05, color="yellow", clip_on=False)
    explorer.live.invalidate()
    whole = explorer.live.whole_redraws
    explorer.controls["range"].value = (-3.0, 5.5)
    assert explorer.live.whole_redraws == whole + 1
    assert np.array_equal(explorer.live.rgb(), explorer.live.reference_rgb())


def test_the_benchmark_comm_serializes_each_update_with_its_image():
    from nnlib.explorers._chapters import _activation, kernel_comms

    with kernel_comms() as comms:
        explorer = _activation()
        messages, sent = comms.messages, comms.bytes
        explorer.controls["range"].value = (-3.0, 5.5)
        assert comms.messages > messages
        # the message carries the new JPEG (as a buffer) next to its signed JSON header and content
        assert comms.bytes - sent > len(explorer.image.value)


@pytest.mark.parametrize("label", list(EXPLORERS))
def test_every_control_changes_the_picture(label):
    build, moves = EXPLORERS[label]
    explorer = build()          # a fresh one: each move starts from the chapter's setting
    for name, values in moves:
        if name == "tick":
            before = explorer.image.value
            explorer.train_more()
            assert explorer.image.value != before, f"{label}: a tick did not redraw"
            continue
        pictures = {explorer.image.value}
        for value in list(values)[:4]:
            control = explorer.controls[name]
            control.value = value if isinstance(control.value, tuple) else type(control.value)(value)
            pictures.add(explorer.image.value)
        assert len(pictures) > 1, f"{label}: moving {name!r} never changed the figure"
        assert explorer.status.value.startswith("<b>") and len(explorer.status.value) > 10


def test_the_perceptron_counts_its_mistakes(built):
    explorer = built["ch1 perceptron"]
    explorer.sliders["w1"].value, explorer.sliders["w2"].value, explorer.sliders["b"].value = 1.0, 1.0, 0.0
    from nnlib.plots.perceptron import misclassified

    assert explorer.n_wrong == int(misclassified(explorer.X, explorer.y, (1.0, 1.0), 0.0).sum())
    assert f"misclassified: {explorer.n_wrong} of 30" in explorer.status.value


def test_to_html_has_one_frame_per_grid_point_and_a_working_index(built):
    explorer = built["ch1 perceptron"]
    before = explorer.values()
    static = explorer.to_html(w1=[-1.0, 0.0, 1.0], b=[-2.0, 2.0])
    assert isinstance(static, StaticExplorer)
    assert explorer.values() == before
    assert repr(static) == ("<static explorer 'perceptron': 6 frames over w1 (3: -1 .. 1), "
                            "b (2: -2 .. 2)>")
    page = static._repr_html_()
    assert page.count('class="nnlib-explorer"') == 1
    assert page.count('type="range"') == 2
    data = json.loads(re.search(r'<script type="application/json" class="nnlib-explorer-data">(.*?)</script>',
                                page).group(1).replace("<\\/", "</"))
    assert sorted(data["index"]) == sorted(f"{i},{j}" for i in range(3) for j in range(2))
    assert len(data["images"]) == 6               # six different lines, six pictures
    # the frame shown first is the one for the explorer's own setting (w1 = 1, b = 0 -> nearest 2)
    assert 'value="2"' in page
    # the same frames every time: the page is deterministic
    assert explorer.to_html(w1=[-1.0, 0.0, 1.0], b=[-2.0, 2.0])._repr_html_() == page


def test_to_html_stores_equal_pictures_once(built):
    explorer = built["ch2 activation"]
    static = explorer.to_html(name=["sigmoid", "leaky_relu"], alpha=[0.1, 0.3])
    data = static._data()
    assert len(data["frames"]) == 4
    assert len(data["images"]) == 3               # alpha changes only leaky ReLU's picture


def test_to_html_rejects_unknown_controls_and_empty_grids(built):
    explorer = built["ch1 perceptron"]
    with pytest.raises(ValueError, match="no control 'w3'"):
        explorer.to_html(w3=[1.0])
    with pytest.raises(ValueError, match="at least one value"):
        explorer.to_html(w1=[])
    with pytest.raises(ValueError, match="name at least one control"):
        explorer.to_html()


def test_snap_limits_widens_to_a_coarse_ladder():
    assert snap_limits(0.0, 0.93) == (0.0, 1.0)
    assert snap_limits(-3.2, 7.9) == (-5.0, 10.0)
    assert snap_limits(0.0, 0.97) == snap_limits(0.0, 0.91)       # small changes keep the limits
    assert snap_limits(2e-3, 30.0, log=True) == (1e-3, 100.0)
    with pytest.raises(ValueError, match="finite"):
        snap_limits(0.0, np.inf)


def test_playground_drops_ticks_that_arrive_while_the_last_is_fresh(built):
    explorer = built["ch8 playground (ticks)"]
    explorer.reset()
    explorer.play.value += 1          # the first tick trains
    epoch = explorer.playground.epochs
    explorer.play.value += 1          # at once again: queued behind the first, dropped
    assert explorer.playground.epochs == epoch == explorer.epochs_per_step
    assert explorer.dropped_ticks >= 1
    assert "epoch 25, loss" in explorer.status.value


def test_playground_settings_start_a_fresh_network(built):
    explorer = built["ch8 playground (ticks)"]
    explorer.train_more()
    explorer.train_more()
    explorer.controls["dataset"].value = "circles"
    assert explorer.playground.epochs == 0 and explorer.playground.dataset == "circles"
    explorer.controls["hidden"].value = "0"
    assert "positive integers" in explorer.status.value
    explorer.controls["hidden"].value = "4"


# ---- issue 25: what a reader meets in JupyterLab and in the web copy --------------------------------


@pytest.mark.parametrize("label", list(EXPLORERS))
def test_an_unrun_explorer_is_one_friendly_line_of_plain_text(built, label):
    # JupyterLab shows text/plain where it cannot draw the widget (a notebook opened, not yet run)
    bundle = built[label]._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    text = data["text/plain"]
    assert "\n" not in text and "run this cell" in text and "Box(" not in text, text


@pytest.mark.parametrize("label", list(EXPLORERS))
def test_the_live_figure_is_drawn_at_twice_the_size_it_is_shown(built, label):
    from io import BytesIO

    from PIL import Image

    explorer = built[label]
    width, height = explorer.live.css_size
    assert explorer.image.layout.width == f"{width}px" and explorer.image.layout.height == "auto"
    assert explorer.image.layout.max_width == "100%"
    picture = Image.open(BytesIO(explorer.image.value))
    assert abs(picture.size[0] - 2 * width) <= 1 and abs(picture.size[1] - 2 * height) <= 1, \
        f"{label}: {picture.size} pixels for {width} x {height} CSS px"


def test_the_static_copy_is_drawn_at_its_own_resolution_and_the_live_one_comes_back(built):
    explorer = built["ch1 perceptron"]
    before = explorer.image.value
    static = explorer.to_html(w1=[-1.0, 1.0])
    png = static.frames[(0,)][0]
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(png)).size[0] == round(explorer.live.fig.get_figwidth() * 72)
    assert explorer.live.fig.dpi == explorer.live.live_dpi
    explorer.refresh()
    assert explorer.image.value == before or len(explorer.image.value) > 0


def test_the_web_copy_is_folded_accessible_and_disables_what_does_nothing(built):
    explorer = built["ch2 activation"]
    static = explorer.to_html(name=["sigmoid", "leaky_relu"], alpha=[0.1, 0.3])
    page = static._repr_html_()
    # folded unless its own script runs (which opens it outside Jupyter)
    assert '<details class="nnlib-explorer-fold">' in page and "<details open" not in page
    assert 'role="status" aria-live="polite"' in page
    assert 'aria-valuetext="0.1"' in page          # the slider announces its value, not its index
    assert 'alt="Figure of the activation explorer: ' in page
    data = static._data()
    # leaky alpha (control 1) is disabled in the sigmoid frames only
    for key, k in data["index"].items():
        name_index = int(key.split(",")[0])
        off = data["frames"][k][2] if len(data["frames"][k]) > 2 else []
        assert off == ([1] if name_index == 0 else []), (key, off)
    # the initial frame (sigmoid) has the alpha slider disabled in the HTML itself
    alpha_input = re.search(r'<input[^>]*data-control="1"[^>]*>', page).group(0)
    assert " disabled" in alpha_input
    # and the live explorer's controls are as they were
    assert explorer.controls["alpha"].disabled == (explorer.controls["name"].value != "leaky_relu")


def test_the_learning_rate_axis_is_set_by_the_untrained_loss_not_by_a_diverging_rate(built):
    explorer = built["ch5 learning rate"] if "ch5 learning rate" in built else built["ch6 learning rate"]
    lo, hi = explorer.ylim
    assert hi <= 1e4, f"y axis up to {hi:g}: the default curve would be a flat line at the bottom"
    explorer.controls["lr"].value = 0.01
    explorer.controls["epochs"].value = 60
    curve = np.asarray(explorer.curve)
    # the default curve spans at least a third of the axis's decades
    assert np.log10(curve.max() / curve.min()) >= np.log10(hi / lo) / 3
    explorer.controls["lr"].value = 1.0          # diverges: marked at the top edge, axis unchanged
    assert explorer.ylim == (lo, hi) and "diverged" in explorer.status.value


def test_the_playground_status_shows_the_learning_rate_and_says_when_it_has_not_acted(built):
    explorer = built["ch8 playground (ticks)"]
    explorer.controls["epoch"].value = 0
    explorer.controls["lr"].value = 0.1
    assert "learning rate 0.1" in explorer.status.value and "untrained" in explorer.status.value
    explorer.train_more()
    assert "learning rate 0.1" in explorer.status.value and "untrained" not in explorer.status.value


@pytest.mark.parametrize("label, grid, control, enabled_by", [
    ("ch10 gradient norm", {"init": ["he", "normal(std)"], "std": [0.1, 1.0]}, 1, 1),
    ("ch11 polynomial", {"regularise": [False, True], "log10_lam": [-3.0, 0.0]}, 1, 1),
])
def test_a_control_is_disabled_in_the_frames_where_it_does_nothing(built, label, grid, control, enabled_by):
    # decided from the values each frame is drawn for, not from the live widgets' values
    data = built[label].to_html(**grid)._data()
    for key, k in data["index"].items():
        off = data["frames"][k][2] if len(data["frames"][k]) > 2 else []
        assert (control in off) == (int(key.split(",")[0]) != enabled_by), (label, key, off)
