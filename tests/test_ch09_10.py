"""Chapters 9 and 10: their plotting functions, explorers and the facts their prose relies on.

The notebooks themselves run under nbval; these tests check the pieces behind them on their own.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib import search  # noqa: E402
from nnlib.chapters.deep_networks import deep_mlp  # noqa: E402
from nnlib.diagnostics import WeightRecorder, gradient_norms  # noqa: E402
from nnlib.plots import gradients as gplots  # noqa: E402
from nnlib.plots import optimizers as oplots  # noqa: E402
from nnlib.chapters.surfaces import NarrowValley, trajectory  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------ chapter 9: facts


def test_momentum_forms_are_equivalent_with_scaled_learning_rate():
    valley, start = NarrowValley(1.0, 50.0), np.array([-5.0, 1.5])
    for beta in (0.5, 0.8, 0.9):
        classic = trajectory(valley, lambda ps: nn.Momentum(ps, 0.01, beta=beta, form="classic"), start, 40)
        average = trajectory(valley, lambda ps: nn.Momentum(ps, 0.01 / (1 - beta), beta=beta), start, 40)
        assert np.allclose(classic, average, rtol=0, atol=1e-12)
        same_lr = trajectory(valley, lambda ps: nn.Momentum(ps, 0.01, beta=beta), start, 40)
        assert not np.allclose(classic, same_lr)


def test_uncorrected_adam_steps_are_too_large_not_too_small():
    """The chapter's claim: without bias correction the early steps are larger, by
    (1 - beta1^t) / sqrt(1 - beta2^t), e.g. 3.16 at t = 1."""
    steps = {}
    for corrected in (True, False):
        p = nn.Parameter("w", np.zeros(1))
        opt = nn.Adam([p], lr=1.0, bias_correction=corrected)
        steps[corrected] = []
        for _ in range(20):
            before = p.value[0]
            p.grad[...] = -3.0
            opt.step()
            steps[corrected].append(p.value[0] - before)
    t = np.arange(1, 21)
    assert np.allclose(steps[True], 1.0)
    assert np.allclose(np.array(steps[False]) / steps[True], (1 - 0.9**t) / np.sqrt(1 - 0.999**t))
    assert min(steps[False]) > 3.0


def test_eps_inside_the_root_damps_small_gradients():
    def unit_step(g, inside):
        p = nn.Parameter("w", np.zeros(1))
        opt = nn.RMSProp([p], lr=1.0, eps=1e-8, eps_inside_sqrt=inside)
        for _ in range(100):
            before = p.value[0]
            p.grad[...] = g
            opt.step()
        return before - p.value[0]

    assert np.isclose(unit_step(1e-4, True), 1 / np.sqrt(2), rtol=1e-3)
    assert unit_step(1e-4, False) > 0.999
    assert np.isclose(unit_step(1.0, True), unit_step(1.0, False), rtol=1e-6)


def test_learning_rate_threshold_of_a_quadratic():
    """Full-batch descent on linear least squares converges below 2 / lambda_max and diverges above."""
    from nnlib.explorers.optimizers import run_learning_rate

    rng = np.random.default_rng(8)
    X = rng.normal(size=(50, 2)) * np.array([1.0, 2.0])
    Y = X @ np.array([[1.5], [-0.5]]) + 2.0
    A = np.hstack([X, np.ones((50, 1))])
    critical = 2.0 / np.linalg.eigvalsh(2.0 / 50 * A.T @ A).max()

    def net():
        return nn.Sequential([nn.Dense(2, 1, init="zeros"), nn.Linear()])

    below, failed = run_learning_rate(net, nn.MSE(), X, Y, 0.95 * critical, 400)
    assert not failed and below[-1] < 1e-6
    above, failed = run_learning_rate(net, nn.MSE(), X, Y, 1.05 * critical, 400)
    assert not failed and above[-1] > above[0]
    _, failed = run_learning_rate(net, nn.MSE(), X, Y, 4 * critical, 400)
    assert failed


# ------------------------------------------------------------------ chapter 9: figures


def test_optimizer_figures_draw_what_they_are_given():
    fig = oplots.plot_batch_comparison({"batch": [0.5, 0.4], "stochastic (B = 1)": [0.3, 0.2]},
                                       {"batch": 0.001, "stochastic (B = 1)": 0.05})
    left, right = fig.axes
    assert np.allclose(left.lines[0].get_ydata(), [0.5, 0.4])
    assert [round(b.get_height(), 6) for b in right.patches] == [1.0, 50.0]

    fig = oplots.plot_learning_rates({"a": [1.0, 0.5], "b": [1.0, 1e300]}, diverged={"b"}, ylim=(0.1, 10))
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_ylim() == (0.1, 10)
    assert max(ax.lines[1].get_ydata()) <= 1e30  # a diverging run is capped for drawing

    valley = NarrowValley()
    path = trajectory(valley, lambda ps: nn.SGD(ps, 0.01), np.array([-4.0, 1.0]), 5)
    fig = oplots.plot_trajectories(valley, {"p1": {"SGD": path, "SGD 2": path}, "p2": {"Adam": path}})
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in visible] == ["p1", "p2"]
    lines = [ln for ln in visible[0].lines if ln.get_label() in ("SGD", "SGD 2")]
    assert len(lines) == 2 and lines[0].get_color() != lines[1].get_color()
    assert np.allclose(lines[0].get_xdata(), path[:, 0])


def test_search_figure():
    space = {"lr": (1e-3, 1.0, "log"), "one_minus_beta": (0.01, 0.5, "log")}
    rng = np.random.default_rng(0)
    coarse = search.random_search(lambda s: s["lr"] + s["one_minus_beta"], space, 8, rng)
    coarse.append((float("inf"), {"lr": 0.9, "one_minus_beta": 0.4}))
    fine_space = search.narrow(space, coarse)
    fine = search.random_search(lambda s: s["lr"] + s["one_minus_beta"], fine_space, 8, rng)
    fig = oplots.plot_search(coarse, fine, fine_space)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.patches) == 1
    assert any("diverged" in t.get_text() for t in ax.get_legend().get_texts())


def test_explorers_build_and_redraw():
    pytest.importorskip("ipywidgets")
    from nnlib.explorers.gradients import GradientNormExplorer
    from nnlib.explorers.optimizers import LearningRateExplorer, TrajectoryExplorer

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    Y = X @ np.array([[1.0], [2.0]])
    lr = LearningRateExplorer(lambda: nn.Sequential([nn.Dense(2, 1, init="zeros"), nn.Linear()]),
                              nn.MSE(), X, Y, epochs=20)
    assert lr.image.value[:3] == b"\xff\xd8\xff" and "final loss" in lr.status.value
    lr.slider.value = 0.5
    assert "diverged" in lr.status.value or "final loss" in lr.status.value
    tr = TrajectoryExplorer(NarrowValley(), [-4.0, 1.0], steps=10)
    before = tr.image.value
    tr.choice.value = "Adam"
    assert tr.image.value != before
    Xm, Ym = nn.datasets.moons(30, rng)
    ge = GradientNormExplorer(Xm, Ym, depth=4)
    assert "first layer / last layer" in ge.status.value
    ge.scheme.value = "normal(std)"
    ge.std.value = 2.0
    ge.activation.value = "relu"
    assert ge.image.value[:3] == b"\xff\xd8\xff"


# ------------------------------------------------------------------ chapter 10


def test_sigmoid_gradients_vanish_with_depth_and_relu_he_ones_do_not():
    rng = np.random.default_rng(0)
    X, Y = nn.datasets.moons(100, rng)
    loss = nn.BCE(from_logits=True)
    ratios = {}
    for act, init in (("sigmoid", "xavier"), ("relu", "he"), ("tanh", "xavier")):
        for depth in (3, 12):
            g = gradient_norms(deep_mlp(2, 16, depth, 1, hidden=act, output="linear", init=init,
                                        rng=np.random.default_rng(1)), loss, X, Y)
            ratios[act, depth] = g[0] / g[-1]
    assert ratios["sigmoid", 12] < 1e-5 * ratios["sigmoid", 3]
    assert ratios["sigmoid", 12] < 1e-5
    for act in ("relu", "tanh"):
        assert 0.05 < ratios[act, 12] < 20


def test_large_initial_weights_explode_and_he_does_not():
    rng = np.random.default_rng(0)
    X, Y = nn.datasets.moons(100, rng)
    loss = nn.BCE(from_logits=True)

    def norms(init):
        net = deep_mlp(2, 16, 10, 1, hidden="relu", output="linear", init=init, rng=np.random.default_rng(1))
        return gradient_norms(net, loss, X, Y)

    assert min(norms(nn.initializers.normal(1.0))) > 1e2
    assert max(norms(nn.initializers.normal(0.1))) < 1e-4
    assert 1e-2 < min(norms("he")) and max(norms("he")) < 10


def test_gradient_figures():
    fig = gplots.plot_gradient_norms_grid({"a": {"d3": [1e-3, 1e-2, 1e-1]}, "b": {"d2": [0.5, 0.0]}}, ylim=(1e-5, 1))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2 and axes[0].get_yscale() == "log"
    assert np.allclose(axes[0].lines[0].get_ydata(), [1e-3, 1e-2, 1e-1])
    assert np.isnan(axes[1].lines[0].get_ydata()[1])  # a zero norm is not drawn on a log axis

    fig = gplots.plot_derivative_bound([1, 2, 3], [0.25, 0.0625, 0.015625], {"m": [0.2, 0.04, 0.008]})
    assert np.allclose(fig.axes[0].lines[0].get_ydata(), [0.25, 0.0625, 0.015625])

    rng = np.random.default_rng(0)
    X, Y = nn.datasets.moons(20, rng)
    net = deep_mlp(2, 3, 2, 1, rng=rng)
    rec = WeightRecorder(net)
    nn.train(net, nn.BCE(), nn.SGD(net.parameters(), 0.5), X, Y, epochs=3, callback=rec)
    fig = gplots.plot_weights_vs_epoch({"run": rec.weights}, layers=[0, 2], n_traces=4)
    first = fig.axes[0]
    assert len(first.lines) == 4 + 1  # four traces and the zero line
    assert np.allclose(first.lines[0].get_ydata(), rec.weights[0][:, 0] - rec.weights[0][0, 0])

    fig = gplots.plot_loss_curves({"a": [1.0, 0.5], "b": [0.9, 0.8]})
    assert len(fig.axes[0].lines) == 2


def test_clipping_rescues_an_exploding_network():
    rng = np.random.default_rng(0)
    X, Y = nn.datasets.moons(100, rng)
    loss = nn.BCE(from_logits=True)
    net = deep_mlp(2, 16, 6, 1, hidden="relu", output="linear", init=nn.initializers.normal(1.0),
                   rng=np.random.default_rng(1))
    opt = nn.SGD(net.parameters(), 0.3)
    first = None
    for _ in range(150):
        value, grad = loss.value_and_gradient(net.forward(X), Y)
        first = value if first is None else first
        net.backward(grad)
        nn.clip_gradient_norm(net.parameters(), 1.0)
        opt.step()
    assert np.isfinite(value) and value < 1e-3 * first
