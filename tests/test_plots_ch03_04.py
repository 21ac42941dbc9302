"""Tests for the figures and the explorer of chapters 3 and 4.

nnlib/plots/forward.py (book/03_forward_propagation.ipynb), nnlib/plots/losses.py and
nnlib/explorers/losses.py (book/04_losses.ipynb). The figures are checked through what they
draw: the number of neurons, the shapes written under the network, and the data behind
every curve, recomputed here from the loss formulas.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from nnlib.plots import forward, losses  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# ----------------------------------------------------------------- chapter 3: network_diagram

@pytest.mark.parametrize("sizes", [[4, 5, 3], [4, 3, 2, 1], [2, 2, 1]])
def test_network_diagram_draws_one_circle_per_neuron_and_every_shape(sizes):
    fig = forward.network_diagram(sizes)
    ax = fig.axes[0]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == sum(sizes)
    # one line per connection between consecutive layers
    assert len(ax.lines) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    text = "\n".join(_texts(fig))
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        assert f"W[{l}]: ({n_in}, {n_out})" in text
        assert f"b[{l}]: (1, {n_out})" in text
        assert f"= {n_in * n_out + n_out}" in text


def test_network_diagram_shows_node_values_and_hides_shapes():
    values = [[3.0, 0.2, -0.1], [0.5768852611, 0.4304537761], [0.5073210510]]
    fig = forward.network_diagram([3, 2, 1], node_values=values, show_shapes=False)
    text = _texts(fig)
    for v in ("3", "0.2", "-0.1", "0.5769", "0.4305", "0.5073"):
        assert v in text
    assert not any(t.startswith("W[") for t in text)


def test_network_diagram_refuses_bad_input():
    with pytest.raises(ValueError, match="network_diagram"):
        forward.network_diagram([4])
    with pytest.raises(ValueError, match="positive integer"):
        forward.network_diagram([4, 0, 3])
    with pytest.raises(ValueError, match="node_values"):
        forward.network_diagram([3, 2, 1], node_values=[[1, 2, 3], [1], [1]])
    with pytest.raises(ValueError, match="layer_names"):
        forward.network_diagram([3, 2, 1], layer_names=["a", "b"])


def test_timing_bars_ratios_and_checks():
    fig = forward.timing_bars(["slow", "fast"], [0.5, 0.005])
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx([5.0, 500.0])  # milliseconds
    text = "\n".join(_texts(fig))
    assert "100 times the fastest" in text and "fastest" in text
    with pytest.raises(ValueError, match="positive"):
        forward.timing_bars(["a"], [0.0])
    with pytest.raises(ValueError, match="one time per label"):
        forward.timing_bars(["a", "b"], [1.0])


# ----------------------------------------------------------------- chapter 4: loss curves

def _expected(name, target, delta, p):
    e = p - target
    if name == "mse":
        return e**2, 2 * e
    if name == "mse_half":
        return e**2 / 2, e
    if name == "mae":
        return np.abs(e), np.sign(e)
    if name == "huber":
        small = np.abs(e) <= delta
        return (np.where(small, e**2 / 2, delta * (np.abs(e) - delta / 2)),
                np.clip(e, -delta, delta))
    if name == "bce":
        return (-(target * np.log(p) + (1 - target) * np.log(1 - p)),
                (p - target) / (p * (1 - p)))
    if name == "hinge":
        margin = target * p
        return np.maximum(0.0, 1 - margin), np.where(margin < 1, -target, 0.0)
    raise AssertionError(name)


@pytest.mark.parametrize("name, target, delta", [
    ("mse", 0.5, 1.0), ("mse_half", -1.0, 1.0), ("mae", 0.3, 1.0), ("huber", 0.5, 1.0),
    ("huber", -0.2, 0.4), ("bce", 1.0, 1.0), ("bce", 0.3, 1.0), ("hinge", 1, 1.0), ("hinge", -1, 1.0),
])
def test_loss_curve_matches_the_formulas(name, target, delta):
    p, values, derivatives = losses.loss_curve(name, target, delta)
    # keep away from the kinks, where the derivative is a convention
    kinks = {"mae": [target], "huber": [target - delta, target + delta], "hinge": [target]}.get(name, [])
    away = np.all([np.abs(p - k) > 1e-6 for k in kinks], axis=0) if kinks else np.ones_like(p, bool)
    want_v, want_d = _expected(name, target, delta, p)
    np.testing.assert_allclose(values, want_v, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(derivatives[away], want_d[away], rtol=1e-9, atol=1e-12)


def test_prediction_grid_ranges():
    assert losses.prediction_grid("bce", 1.0).min() > 0 and losses.prediction_grid("bce", 1.0).max() < 1
    g = losses.prediction_grid("mse", 2.0)
    assert g.min() == pytest.approx(-1.0) and g.max() == pytest.approx(5.0)


def test_plot_losses_draws_the_curves_it_says():
    settings = [("mse", 0.5), ("huber", 0.5, 1.0), ("bce", 1.0), ("hinge", 1)]
    fig = losses.plot_losses(settings)
    assert len(fig.axes) == 2 * len(settings)
    top_left = fig.axes[0]
    x, y = top_left.lines[0].get_data()
    np.testing.assert_allclose(y, (x - 0.5) ** 2)
    assert "Huber, delta = 1" in fig.axes[1].get_title()


def test_plot_losses_refuses_bad_targets_and_names():
    with pytest.raises(ValueError, match="BCE target"):
        losses.plot_losses([("bce", 1.5)])
    with pytest.raises(ValueError, match="hinge target"):
        losses.plot_losses([("hinge", 0.5)])
    with pytest.raises(ValueError, match="make_loss"):
        losses.make_loss("l7")
    with pytest.raises(ValueError, match="at least one"):
        losses.plot_losses([])


def test_compare_regression_losses_has_three_curves_per_panel():
    fig = losses.compare_regression_losses(delta=1.5)
    left, right = fig.axes
    labels = [line.get_label() for line in left.lines if not line.get_label().startswith("_")]
    assert labels == ["MSE", "MAE", "Huber (delta = 1.5)"]
    x, huber_grad = right.lines[2].get_data()
    np.testing.assert_allclose(huber_grad, np.clip(x, -1.5, 1.5), atol=1e-12)


def test_plot_outlier_fits_legend_reports_the_slopes():
    x = np.arange(6.0)
    y = 2 * x + 1
    y[5] = -10
    fig = losses.plot_outlier_fits(x, y, {"MSE": (0.5, 2.0), "MAE": (2.0, 1.0)}, 5, true_line=(2.0, 1.0))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "MSE: slope 0.50" in labels and "MAE: slope 2.00" in labels
    line = fig.axes[0].lines[0]
    gx, gy = line.get_data()
    np.testing.assert_allclose(gy, 0.5 * gx + 2.0)
    with pytest.raises(ValueError, match="same length"):
        losses.plot_outlier_fits(x, y[:3], {}, 0)


# ----------------------------------------------------------------- chapter 4: explorer

def test_explorer_targets_and_png():
    pytest.importorskip("ipywidgets")
    from nnlib.explorers import losses as explorer

    assert explorer.effective_target("bce", 1.7) == 1.0
    assert explorer.effective_target("bce", -0.2) == 0.0
    assert explorer.effective_target("hinge", -0.3) == -1.0
    assert explorer.effective_target("mse", -0.3) == -0.3
    png, status = explorer.LossExplorer("huber", 0.5, 1.0).render(
        {"name": "huber", "target": 0.5, "delta": 1.0}, small=True)    # a frame of the HTML copy
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and status == "Huber, delta = 1; target y = 0.5"


def test_explorer_redraws_when_a_control_moves(capsys):
    pytest.importorskip("ipywidgets")
    from nnlib.explorers import losses as explorer

    live = explorer.loss_explorer(name="mse", target=0.0)
    image = live.image
    choose, target_slider, delta_slider = live.controls.values()
    before = image.value
    choose.value = "hinge"
    assert image.value != before
    after_hinge = image.value
    target_slider.value = -1.0
    assert image.value != after_hinge
    with pytest.raises(ValueError, match="loss_explorer"):
        explorer.loss_explorer(name="nope")
    capsys.readouterr()
