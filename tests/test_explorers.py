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
