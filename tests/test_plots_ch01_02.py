"""Tests for the figures and explorers of chapters 1 and 2.

nbval does not compare pixels, so these check the numbers each figure is drawn from, that
every plotting function returns a Figure with the expected panels, and that the explorers
build and redraw without error (matplotlib's Agg backend: no display needed).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib import activations as act  # noqa: E402
from nnlib.plots import activations as aplots  # noqa: E402
from nnlib.plots import perceptron as pplots  # noqa: E402

# note 004's table as chapter 1 reads it: (cgpa, iq) -> placed
X_TABLE = np.array([[7.0, 8.0], [6.0, 8.0], [4.0, 2.0], [1.0, 1.0]])
Y_TABLE = np.array([1, -1, 1, -1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- chapter 1: numbers

def test_predict_sign_and_misclassified():
    w, b = (1.0, -1.0), 0.0
    # f = (-1, -2, 2, 0): predictions -1, -1, +1, +1 (f = 0 counts as +1)
    assert pplots.predict_sign(X_TABLE, w, b).tolist() == [-1, -1, 1, 1]
    assert pplots.misclassified(X_TABLE, Y_TABLE, w, b).tolist() == [True, False, False, True]


def test_misclassified_agrees_with_nnlib_perceptron():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2))
    y = np.where(rng.random(50) < 0.5, 1, -1)
    p = nn.Perceptron(2, weights=[0.7, -1.3], bias=0.2)
    expected = p.predict(X) != y
    assert np.array_equal(pplots.misclassified(X, y, p.w, p.b), expected)


@pytest.mark.parametrize("w, b", [((1.0, 2.0), -1.0), ((3.0, -0.5), 2.0), ((0.0, 1.0), 0.5), ((2.0, 0.0), -1.0)])
def test_decision_line_end_points_lie_on_the_line(w, b):
    line = pplots.decision_line(w, b, (-5.0, 5.0), (-4.0, 4.0))
    assert line is not None
    for x1, x2 in line:
        assert w[0] * x1 + w[1] * x2 + b == pytest.approx(0.0, abs=1e-12)
    assert line[0] != line[1]


def test_decision_line_for_zero_weights_is_none():
    assert pplots.decision_line((0.0, 0.0), 1.0, (0, 1), (0, 1)) is None


def test_perceptron_and_hinge_values():
    lp, lh = pplots.perceptron_and_hinge([-2.0, 0.0, 0.5, 1.0, 3.0])
    assert lp.tolist() == [2.0, 0.0, 0.0, 0.0, 0.0]
    assert lh.tolist() == [3.0, 1.0, 0.5, 0.0, 0.0]
    # and they are nnlib's losses, sample by sample
    m = np.array([[-2.0], [0.5]])
    assert nn.PerceptronLoss()(m, np.ones_like(m)) == pytest.approx(np.mean(pplots.perceptron_and_hinge(m)[0]))
    assert nn.Hinge()(m, np.ones_like(m)) == pytest.approx(np.mean(pplots.perceptron_and_hinge(m)[1]))


def test_point_checks_name_the_problem():
    with pytest.raises(ValueError, match="shape"):
        pplots.misclassified(np.zeros((3, 3)), [1, -1, 1], (1, 1), 0)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        pplots.misclassified(np.zeros((2, 2)), [0, 1], (1, 1), 0)


def test_trained_perceptron_separates_the_table():
    p = nn.Perceptron(2, lr=0.01)
    p.fit(X_TABLE, Y_TABLE, epochs=1000)
    assert not pplots.misclassified(X_TABLE, Y_TABLE, p.w, p.b).any()


# ---------------------------------------------------------------- chapter 1: figures

def test_decision_figure_counts_mistakes_in_title():
    fig = pplots.plot_decision_line(X_TABLE, Y_TABLE, (1.0, -1.0), 0.0)
    assert isinstance(fig, Figure)
    assert "misclassified: 2 of 4" in fig.axes[0].get_title()


def test_decision_grid_has_one_panel_per_setting():
    settings = [(1, 1, 0), (1, -1, 0), (0, 1, 0), (2, 2, 1)]
    fig = pplots.plot_decision_grid(X_TABLE, Y_TABLE, settings, ncols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert len(titles) == len(settings)
    for title, (w1, w2, b) in zip(titles, settings):
        n = int(pplots.misclassified(X_TABLE, Y_TABLE, (w1, w2), b).sum())
        assert f"misclassified: {n} of 4" in title


def test_loss_and_four_uses_figures():
    assert isinstance(pplots.plot_losses_vs_margin(), Figure)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    labels = np.where(X[:, 0] > 0, 1, -1)
    classifiers = [("a", lambda G: np.where(G[:, 0] > 0, 1, -1), X, labels)] * 2
    classifiers.append(("c", lambda G: (G[:, 0] > 0).astype(int) + (G[:, 1] > 0), X,
                        (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)))
    fig = pplots.plot_four_uses(classifiers, ("d", X, X[:, 0] * 2, lambda G: G[:, 0] * 2))
    assert len(fig.axes) == 4


def test_progress_figure_draws_one_line_per_visible_state():
    states = [("a", (1.0, -1.0), 0.0), ("b", (0.0, 0.0), 1.0), ("final", (3.0, -2.0), -3.0)]
    fig = pplots.plot_perceptron_progress(X_TABLE, Y_TABLE, states)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["a", "final"]          # w = 0 has no line
    final = fig.axes[0].get_lines()[-1]
    for x1, x2 in zip(final.get_xdata(), final.get_ydata()):
        assert 3.0 * x1 - 2.0 * x2 - 3.0 == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------- chapter 1: explorer

def test_perceptron_explorer_builds_and_updates():
    from nnlib.explorers.perceptron import PerceptronExplorer

    explorer = PerceptronExplorer(X_TABLE, Y_TABLE, w1=1.0, w2=-1.0, b=0.0)
    assert explorer.n_wrong == 2
    first_image = explorer.image.value
    assert first_image[:3] == b"\xff\xd8\xff"  # a JPEG (live updates)
    explorer.sliders["w1"].value = 3.0
    explorer.sliders["w2"].value = -2.0
    explorer.sliders["b"].value = -3.0     # w = (3, -2), b = -3 separates the table
    assert explorer.n_wrong == 0
    assert "misclassified: 0 of 4" in explorer.status.value
    assert explorer.image.value != first_image
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()


# ---------------------------------------------------------------- chapter 2: numbers

@pytest.mark.parametrize("name", aplots.NAMES)
def test_activation_curves_are_nnlibs_functions(name):
    z, f, df = aplots.activation_curves(name, alpha=0.2, lo=-3, hi=3, n=61)
    fn, dfn = act.ACTIVATIONS[name]
    extra = (0.2,) if name == "leaky_relu" else ()
    assert np.allclose(f, fn(z, *extra))
    assert np.allclose(df, dfn(z, *extra))


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_smooth_derivatives_match_finite_differences(name):
    z, f, df = aplots.activation_curves(name, lo=-4, hi=4, n=81)
    h = 1e-6
    fn = act.ACTIVATIONS[name][0]
    numeric = (fn(z + h) - fn(z - h)) / (2 * h)
    assert np.max(np.abs(numeric - df)) < 1e-8


def test_sigmoid_derivative_peaks_at_a_quarter():
    z, _, df = aplots.activation_curves("sigmoid", lo=-10, hi=10, n=2001)
    assert df.max() == pytest.approx(0.25, abs=1e-12)
    assert z[df.argmax()] == pytest.approx(0.0, abs=1e-12)


def test_leaky_alpha_is_used():
    _, f, df = aplots.activation_curves("leaky_relu", alpha=0.3, lo=-2, hi=-1, n=3)
    assert np.allclose(f, [-0.6, -0.45, -0.3])
    assert np.allclose(df, 0.3)


def test_activation_curves_reject_bad_input():
    with pytest.raises(ValueError, match="softplus"):
        aplots.activation_curves("softplus")
    with pytest.raises(ValueError, match="lo < hi"):
        aplots.activation_curves("relu", lo=1, hi=1)


def test_active_fraction_and_dead_units():
    Z = np.array([[1.0, -1.0, 0.0], [-2.0, -3.0, 0.5], [3.0, -0.1, -1.0], [0.2, -5.0, -2.0]])
    assert aplots.active_fraction(Z).tolist() == [0.75, 0.0, 0.25]
    with pytest.raises(ValueError, match="2-D"):
        aplots.active_fraction(np.zeros(3))


def test_break_jumps_hides_only_the_jump():
    values = aplots._break_jumps(act.step(np.linspace(-1, 1, 11)))
    assert int(np.isnan(values).sum()) == 1
    assert not np.isnan(aplots._break_jumps(act.sigmoid(np.linspace(-4, 4, 401)))).any()


# ---------------------------------------------------------------- chapter 2: figures

def test_activation_figures():
    fig = aplots.plot_all_activations(alpha=0.1)
    assert len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert "max f′ on [-4, 4]: 0.25" in titles[0]
    assert isinstance(aplots.plot_activation("relu"), Figure)
    assert isinstance(aplots.plot_sigmoid_tanh(), Figure)


def test_softmax_figure_bars_are_the_probabilities():
    fig = aplots.plot_softmax([[10, 20, 30], [1, 2]])
    heights = [[patch.get_height() for patch in ax.patches] for ax in fig.axes]
    assert np.allclose(heights[0], nn.softmax(np.array([10.0, 20.0, 30.0])))
    assert np.allclose(heights[1], nn.softmax(np.array([1.0, 2.0])))


def test_dying_relu_figure_bars_are_the_active_fractions():
    Z = np.array([[1.0, -1.0], [-1.0, -2.0], [2.0, -3.0]])
    fig = aplots.plot_dying_relu([0.0, -5.0], Z)
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    assert np.allclose(heights, [2 / 3, 0.0])


# ---------------------------------------------------------------- chapter 2: explorer

def test_activation_explorer_builds_and_updates():
    from nnlib.explorers.activations import ActivationExplorer

    explorer = ActivationExplorer(name="sigmoid", z_range=(-5.0, 5.0))
    assert explorer.max_derivative == pytest.approx(0.25)
    assert explorer.controls["alpha"].disabled
    explorer.controls["name"].value = "leaky_relu"
    assert not explorer.controls["alpha"].disabled
    explorer.controls["range"].value = (-3.0, -1.0)
    explorer.controls["alpha"].value = 0.2
    assert explorer.max_derivative == pytest.approx(0.2)
    for name in aplots.NAMES:
        explorer.controls["name"].value = name
        assert explorer.image.value[:3] == b"\xff\xd8\xff"
    explorer.controls["range"].value = (2.0, 2.0)   # an empty range is widened, not an error
    assert explorer.max_derivative is not None
