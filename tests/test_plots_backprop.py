"""Tests of chapters 5 and 6's figures and explorer (nnlib/plots/backprop.py, nnlib/explorers/backprop.py).

nbval does not compare pixels, so these check the numbers each figure is drawn from, the text
and lines on it, and that the explorer builds its widgets and redraws without error.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib.explorers.backprop import LearningRateExplorer  # noqa: E402
from nnlib.plots import backprop as bp  # noqa: E402

LOSS_004 = nn.MSE(reduction="sum", half=True)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def note004_values():
    net, X, Y = nn.chapters.examples.note004_network()
    return net, X, Y, bp.graph_values(net, X, Y, LOSS_004)


# --- graph_values: the numbers of the computation-graph figure -----------------------------

def test_graph_values_forward_pass_matches_a_direct_computation():
    net, X, Y, v = note004_values()
    W1, b1 = net.layers[0].W.value, net.layers[0].b.value
    W2, b2 = net.layers[2].W.value, net.layers[2].b.value
    z1 = X @ W1 + b1
    a1 = 1 / (1 + np.exp(-z1))
    z2 = a1 @ W2 + b2
    a2 = 1 / (1 + np.exp(-z2))
    np.testing.assert_allclose(v["z"][0], z1[0], rtol=1e-12)
    np.testing.assert_allclose(v["a"][1], a2[0], rtol=1e-12)
    assert v["loss"] == pytest.approx(0.5 * np.sum((Y - a2) ** 2), rel=1e-12)
    # note 004's printed total error, to the note's 8 decimals
    assert round(v["loss"], 8) == 0.29837111


def test_graph_values_deltas_follow_the_backprop_formulas():
    net, X, Y, v = note004_values()
    a1, a2 = np.array(v["a"][0]), np.array(v["a"][1])
    W2 = np.array(v["W"][1])
    delta2 = (a2 - Y[0]) * a2 * (1 - a2)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
    np.testing.assert_allclose(v["delta"][1], delta2, rtol=1e-12)
    np.testing.assert_allclose(v["delta"][0], delta1, rtol=1e-12)
    np.testing.assert_allclose(v["grad_W"][1], np.outer(a1, delta2), rtol=1e-12)
    np.testing.assert_allclose(v["grad_W"][0], np.outer(X[0], delta1), rtol=1e-12)
    np.testing.assert_allclose(v["dE_da"], a2 - Y[0], rtol=1e-12)


def test_graph_values_gradients_agree_with_finite_differences():
    net, X, Y, v = note004_values()
    for k, dense in enumerate(net.dense_layers()):
        numeric = nn.numerical_gradient(lambda: LOSS_004(net.forward(X), Y), dense.W.value)
        assert nn.relative_error(v["grad_W"][k], numeric) < 1e-7


def test_graph_values_rejects_bad_input():
    net, X, Y = nn.chapters.examples.note004_network()
    with pytest.raises(TypeError, match="Sequential"):
        bp.graph_values(net.layers, X, Y, LOSS_004)
    with pytest.raises(ValueError, match="one sample"):
        bp.graph_values(net, np.vstack([X, X]), np.vstack([Y, Y]), LOSS_004)
    no_activation = nn.Sequential([nn.Dense(2, 2, weights=np.eye(2))])
    with pytest.raises(ValueError, match="alternate Dense and activation"):
        bp.graph_values(no_activation, X, Y, LOSS_004)


# --- plot_computation_graph -----------------------------------------------------------------

def figure_texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_computation_graph_shows_the_forward_and_backward_numbers():
    _, _, _, v = note004_values()
    fig = bp.plot_computation_graph(
        v, unit_names=[["i1", "i2"], ["h1", "h2"], ["o1", "o2"]],
        weight_names=nn.chapters.examples.note004_weight_names(),
    )
    assert isinstance(fig, matplotlib.figure.Figure)
    texts = "\n".join(figure_texts(fig))
    for name in [f"w{k}" for k in range(1, 9)] + ["h1", "o2"]:
        assert name in texts
    assert f"L = {v['loss']:.6f}" in texts
    assert f"∂L/∂w5 = {v['grad_W'][1][0][0]:.4g}" in texts
    assert f"z = {v['z'][0][0]:.4f}" in texts
    assert f"δ = {v['delta'][1][1]:.4g}" in texts


def test_computation_graph_forward_only_hides_the_gradients():
    _, _, _, v = note004_values()
    texts = "\n".join(figure_texts(bp.plot_computation_graph(v, show_backward=False)))
    assert "z = " in texts
    assert "δ" not in texts and "∂L" not in texts


def test_computation_graph_checks_unit_names():
    _, _, _, v = note004_values()
    with pytest.raises(ValueError, match="layer sizes"):
        bp.plot_computation_graph(v, unit_names=[["i1"], ["h1", "h2"], ["o1", "o2"]])


# --- learning_rate_curves and plot_loss_curves ---------------------------------------------

def regression_problem():
    X = np.array([[80.0, 8.0], [60.0, 9.0], [70.0, 5.0], [120.0, 7.0]])
    Y = np.array([[3.0], [5.0], [8.0], [11.0]])
    X = (X - X.mean(axis=0)) / X.std(axis=0)

    def make_net():
        return nn.Sequential([
            nn.Dense(2, 2, weights=np.ones((2, 2))), nn.Linear(),
            nn.Dense(2, 1, weights=np.ones((2, 1))), nn.Linear(),
        ])

    return make_net, X, Y


def test_learning_rate_curves_match_nn_train():
    make_net, X, Y = regression_problem()
    curves = bp.learning_rate_curves(make_net, nn.MSE(), X, Y, [0.01], epochs=20)
    net = make_net()
    history = nn.train(net, nn.MSE(), nn.SGD(net.parameters(), 0.01), X, Y, epochs=20,
                       batch_size=1, shuffle=False)
    assert curves[0.01] == history.loss


def test_learning_rate_curves_stop_where_training_diverges():
    make_net, X, Y = regression_problem()
    with np.errstate(over="raise", invalid="raise"):  # the helper must silence these itself
        curves = bp.learning_rate_curves(make_net, nn.MSE(), X, Y, [0.01, 0.5], epochs=30)
    assert len(curves[0.01]) == 30
    assert len(curves[0.5]) < 30
    assert all(np.isfinite(curves[0.5]))


def test_learning_rate_curves_do_not_hide_real_errors():
    make_net, X, Y = regression_problem()
    with pytest.raises(ValueError):
        bp.learning_rate_curves(make_net, nn.MSE(), X, Y[:2], [0.01], epochs=2)


def test_plot_loss_curves_draws_the_given_numbers():
    curves = {"a": [4.0, 2.0, 1.0], "b": [3.0, 3.5, 5.0]}
    fig = bp.plot_loss_curves(curves, logy=True)
    ax = fig.axes[0]
    drawn = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert drawn == curves
    assert ax.get_yscale() == "log"


def test_plot_loss_curves_marks_diverged_runs_and_caps_the_axis():
    curves = {"ok": [10.0, 5.0, 2.0, 1.0], "bad": [20.0, 1e30]}
    fig = bp.plot_loss_curves(curves, logy=True, epochs=4)
    ax = fig.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "bad (diverged)" in labels and "ok" in labels
    assert ax.get_ylim()[1] == pytest.approx(100.0)      # 10 x the first loss of the good run
    marker = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(marker) == 1 and marker[0].get_ydata()[0] == pytest.approx(100.0)


def test_plot_loss_curves_rejects_empty_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        bp.plot_loss_curves({})


# --- the explorer ---------------------------------------------------------------------------

def test_explorer_builds_and_redraws_when_the_sliders_move():
    import ipywidgets as widgets

    make_net, X, Y = regression_problem()
    explorer = LearningRateExplorer(make_net, nn.MSE(), X, Y, lr=0.01, epochs=10)
    assert isinstance(explorer.widget, widgets.VBox)
    assert isinstance(explorer.lr_slider, widgets.FloatLogSlider)
    assert isinstance(explorer.epochs_slider, widgets.IntSlider)
    first_png = explorer.image.value
    assert first_png[:3] == b"\xff\xd8\xff"  # a JPEG (live updates)
    assert len(explorer.curve) == 10

    explorer.epochs_slider.value = 25
    assert len(explorer.curve) == 25
    explorer.lr_slider.value = 0.001
    expected = bp.learning_rate_curves(make_net, nn.MSE(), X, Y, [explorer.lr_slider.value], epochs=25)
    assert explorer.curve == expected[explorer.lr_slider.value]
    assert explorer.image.value != first_png

    explorer.lr_slider.value = 1.0  # diverges: still draws, with a shorter curve
    assert len(explorer.curve) < 25
    assert explorer.image.value[:3] == b"\xff\xd8\xff"


def test_explorer_rejects_bad_arguments():
    make_net, X, Y = regression_problem()
    with pytest.raises(TypeError, match="make_net"):
        LearningRateExplorer("net", nn.MSE(), X, Y)
    with pytest.raises(ValueError, match="lr must lie"):
        LearningRateExplorer(make_net, nn.MSE(), X, Y, lr=10.0, log_lr_range=(-4, 0))
    with pytest.raises(ValueError, match="log_lr_range"):
        LearningRateExplorer(make_net, nn.MSE(), X, Y, log_lr_range=(0, -4))
