"""Tests of chapter 7 and 8's modules: boolean step networks, the seed-ensemble trainer,
the playground, their plots and the playground explorer (Agg backend, nothing shown)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib.chapters import boolean  # noqa: E402
from nnlib.chapters.ensemble import train_sigmoid_mlps  # noqa: E402
from nnlib.chapters.playground import Playground, probability_grid  # noqa: E402
from nnlib.plots import boundaries, softmax as softmax_plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- nnlib.chapters.boolean -------------------------------------------------------------------------

def test_truth_table_inputs_order_matches_the_datasets_module():
    assert np.array_equal(boolean.truth_table_inputs(2), nn.datasets.BOOLEAN_INPUTS)
    rows = boolean.truth_table_inputs(3)
    assert rows.shape == (8, 3)
    assert np.array_equal(rows @ [4, 2, 1], np.arange(8))


@pytest.mark.parametrize("n", [0, 17, 2.5, True])
def test_truth_table_inputs_rejects_bad_sizes(n):
    with pytest.raises(ValueError, match="n_inputs"):
        boolean.truth_table_inputs(n)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_minterm_unit_fires_on_its_row_only_with_a_margin(n):
    rows = boolean.truth_table_inputs(n)
    for row in rows:
        w, b = boolean.minterm_unit(row)
        z = rows @ w + b
        match = np.all(rows == row, axis=1)
        assert np.all(z[match] == 1.0)
        assert np.all(z[~match] <= -1.0)


def test_minterm_unit_of_row_10_is_sheet5s_first_unit():
    w, b = boolean.minterm_unit([1, 0])
    assert w.tolist() == [2.0, -2.0] and b == -1.0


def test_minterm_unit_rejects_non_binary_rows():
    with pytest.raises(ValueError, match="0s and 1s"):
        boolean.minterm_unit([1, 2])


def test_sheet5_xor_network_truth_table_and_hidden_units():
    net = boolean.sheet5_xor_network()
    X, y = nn.datasets.truth_table("xor")
    assert np.array_equal(net.forward(X), y)
    hidden = net.dense_layers()[0]
    Z = nn.step(hidden.forward(X))
    assert Z[:, 0].tolist() == [0, 0, 1, 0]  # x1 AND NOT x2
    assert Z[:, 1].tolist() == [0, 1, 0, 0]  # NOT x1 AND x2


@pytest.mark.parametrize("index", range(16))
def test_sum_of_products_network_computes_every_two_input_function(index):
    X, y = nn.datasets.boolean_function(index)
    net = boolean.sum_of_products_network(y)
    assert np.array_equal(net.forward(X), y)
    assert net.dense_layers()[0].n_out == max(1, int(y.sum()))


@pytest.mark.parametrize("seed", range(5))
def test_sum_of_products_network_on_random_functions_of_four_inputs(seed):
    y = np.random.default_rng(seed).integers(0, 2, size=16)
    rows = boolean.truth_table_inputs(4)
    net = boolean.sum_of_products_network(y)
    assert np.array_equal(net.forward(rows).ravel(), y)


def test_sum_of_products_text():
    _, y = nn.datasets.truth_table("xnor")
    assert boolean.sum_of_products(y) == "~x1 ~x2 + x1 x2"
    assert boolean.sum_of_products(np.zeros(4)) == "0"
    assert boolean.sum_of_products([0, 1], names=["a"]) == "a"


@pytest.mark.parametrize("bad, message", [
    (np.array([0, 1, 1]), "power of two"),
    (np.array([0, 2, 1, 0]), "0 or 1"),
    (np.zeros((2, 2)), "shape"),
])
def test_sum_of_products_network_rejects_bad_outputs(bad, message):
    with pytest.raises(ValueError, match=message):
        boolean.sum_of_products_network(bad)


def test_perceptron_separates_all_but_xor_and_xnor():
    separable = {i: boolean.perceptron_separates(*nn.datasets.boolean_function(i))[0] for i in range(16)}
    assert [i for i, ok in separable.items() if not ok] == [6, 9]


def test_perceptron_separates_checks_labels():
    X, _ = nn.datasets.truth_table("and")
    with pytest.raises(ValueError, match="0 or 1"):
        boolean.perceptron_separates(X, np.array([0, 1, -1, 1]))
    with pytest.raises(ValueError, match="n labels"):
        boolean.perceptron_separates(X, np.array([0, 1]))


def test_function_names_cover_the_sixteen_functions():
    assert sorted(boolean.FUNCTION_NAMES) == list(range(16))
    assert boolean.FUNCTION_NAMES[6] == "XOR" and boolean.FUNCTION_NAMES[9] == "XNOR"


# --- nnlib.chapters.ensemble --------------------------------------------------------------------------

def test_ensemble_matches_nnlib_train_seed_by_seed():
    X, y = nn.datasets.truth_table("xor")
    result = train_sigmoid_mlps([0, 3, 9], [2, 2, 1], X, y, lr=1.5, epochs=300)
    for k, seed in enumerate([0, 3, 9]):
        net = nn.mlp([2, 2, 1], rng=np.random.default_rng(seed))
        history = nn.train(net, nn.BCE(), nn.SGD(net.parameters(), lr=1.5), X, y, epochs=300)
        assert np.allclose(result.loss[:, k], history.loss, rtol=0, atol=1e-10)
        params = [p.value for p in net.parameters()]
        for mine, theirs in zip((result.W1[k], result.b1[k], result.W2[k], result.b2[k]), params):
            assert np.allclose(mine, theirs, rtol=0, atol=1e-9)
        assert np.allclose(result.predict(X)[k], net.forward(X), rtol=0, atol=1e-9)


def test_ensemble_gradient_agrees_with_finite_differences():
    # one step with a tiny learning rate moves the weights by -lr * gradient
    X, y = nn.datasets.truth_table("xor")
    lr = 1e-7
    result = train_sigmoid_mlps([5], [2, 3, 1], X, y, lr=lr, epochs=1)
    net = nn.mlp([2, 3, 1], rng=np.random.default_rng(5))
    start = [p.value.copy() for p in net.parameters()]
    gradient_from_step = [(s - e) / lr for s, e in zip(start, (result.W1[0], result.b1[0], result.W2[0], result.b2[0]))]
    errors = nn.check_network(net, nn.BCE(), X, y)
    assert all(e < 1e-7 for e in errors.values())
    net.backward(nn.BCE().gradient(net.forward(X), y))
    for grad_step, p in zip(gradient_from_step, net.parameters()):
        assert nn.relative_error(grad_step, p.grad) < 1e-6


def test_ensemble_wider_networks_solve_xor():
    X, y = nn.datasets.truth_table("xor")
    result = train_sigmoid_mlps(range(10), [2, 4, 1], X, y, lr=2.0, epochs=2000)
    solved = ((result.predict(X) >= 0.5) == (y == 1)).all(axis=(1, 2))
    assert solved.all()
    assert result.loss.shape == (2000, 10)


@pytest.mark.parametrize("kwargs, message", [
    (dict(sizes=[2, 1]), "sizes"),
    (dict(epochs=0), "epochs"),
    (dict(lr=-1.0), "lr"),
    (dict(seeds=[]), "seeds"),
])
def test_ensemble_rejects_bad_arguments(kwargs, message):
    X, y = nn.datasets.truth_table("xor")
    arguments = dict(seeds=[0], sizes=[2, 2, 1], lr=1.0, epochs=5)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        train_sigmoid_mlps(arguments.pop("seeds"), arguments.pop("sizes"), X, y, **arguments)


# --- nnlib.chapters.playground ------------------------------------------------------------------------

def test_playground_learns_circles_and_is_reproducible():
    a = Playground("circles", hidden=(4,), activation="tanh", lr=0.03, seed=1)
    b = Playground("circles", hidden=(4,), activation="tanh", lr=0.03, seed=1)
    losses = a.train(200)
    b.train(200)
    assert len(losses) == 200 and a.epochs == 200
    assert losses[-1] < 0.5 * losses[0]
    assert a.accuracy() > 0.9
    assert a.losses == b.losses


def test_playground_one_hidden_unit_cannot_learn_xor_blobs():
    pg = Playground("xor", hidden=1, activation="tanh", lr=0.03, seed=0)
    pg.train(300)
    assert pg.accuracy() < 0.9


@pytest.mark.parametrize("kwargs, message", [
    (dict(dataset="ring"), "dataset"),
    (dict(activation="softmax"), "activation"),
    (dict(hidden=(0,)), "hidden"),
    (dict(optimizer="lbfgs"), "optimizer"),
])
def test_playground_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Playground(**kwargs)


def test_probability_grid_covers_the_data():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, P = probability_grid(lambda G: G[:, :1] * 0 + 0.25, X, resolution=5, margin=0.5)
    assert xx.shape == yy.shape == P.shape == (5, 5)
    assert xx.min() == -0.5 and xx.max() == 1.5 and yy.max() == 2.5
    assert np.all(P == 0.25)


# --- plots and explorer ----------------------------------------------------------------------

def test_softmax_plots_return_figures():
    fig = softmax_plots.plot_softmax_sweep([2.0, 1.0, 0.1], index=0)
    assert len(fig.axes[0].lines) == 4  # three classes and the line at 1
    fig = softmax_plots.plot_softmax_jacobian([2.0, 1.0, 0.1])
    image = fig.axes[0].images[0].get_array()
    assert np.allclose(image, nn.softmax_jacobian([2.0, 1.0, 0.1]))
    with pytest.raises(ValueError, match="index"):
        softmax_plots.plot_softmax_sweep([1.0, 2.0], index=3)


def test_boundary_plots_return_figures():
    X, y = nn.datasets.truth_table("xor")
    net = boolean.sheet5_xor_network()
    fig = boundaries.plot_step_network(net.dense_layers()[0].W.value, [-1.0, -1.0], X, y, net.forward)
    assert len(fig.axes) == 2
    fig = boundaries.plot_perceptron_attempts([("AND", X, y, np.array([1.0, 1.0]), -1.5)])
    assert fig.axes[0].get_title() == "AND"
    fig = boundaries.plot_decision_boundary(lambda G: nn.sigmoid(G[:, :1] - G[:, 1:]), X, y)
    assert fig.axes[0].collections
    fig = boundaries.plot_loss_curves(np.ones((10, 3)), highlight=np.array([True, False, False]))
    assert len(fig.axes[0].lines) == 5  # three curves and two legend entries


def test_playground_plots():
    pg = Playground("moons", hidden=(3,), seed=0)
    fig = boundaries.plot_playground(pg)  # untrained: no loss curve yet
    pg.train(5)
    fig = boundaries.plot_playground(pg)
    assert "epoch 5" in fig.axes[0].get_title()
    fig = boundaries.plot_playground_grid([pg, pg, pg], ncols=2)
    assert sum(ax.axison for ax in fig.axes) == 3


def test_playground_explorer_trains_and_resets():
    from nnlib.explorers.playground import PlaygroundExplorer, parse_hidden

    explorer = PlaygroundExplorer(epochs_per_step=3)
    assert explorer.image.value[:3] == b"\xff\xd8\xff"  # a JPEG (live updates)
    explorer.train_more()
    assert explorer.playground.epochs == 3
    explorer.dataset.value = "spiral"  # a new setting starts a fresh network
    assert explorer.playground.dataset == "spiral" and explorer.playground.epochs == 0
    explorer.hidden.value = "8, 8"
    assert explorer.playground.hidden == (8, 8)
    explorer.hidden.value = "eight"
    assert "integers" in explorer.status.value
    assert parse_hidden("4") == (4,)
    with pytest.raises(ValueError):
        parse_hidden("0")


def test_misclassified_points_get_a_black_edge_and_the_others_a_white_one():
    # the book's convention (NOTATION.md): class 0 blue, class 1 orange, a wrong point outlined in black
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    y = np.array([0, 1, 1])

    def predict(points):        # P(class 1) = 1 only right of x1 = 1.5: the middle point is wrong
        return (points[:, :1] > 1.5).astype(float)

    fig = boundaries.plot_decision_boundary(predict, X, y)
    ax = fig.axes[0]
    edges = {}
    for collection in ax.collections:
        offsets, colours = collection.get_offsets(), collection.get_edgecolors()
        for point, colour in zip(np.asarray(offsets), colours):
            edges[tuple(point)] = tuple(np.round(colour[:3], 3))
    plt.close(fig)
    assert edges[(1.0, 1.0)] == (0.0, 0.0, 0.0)
    assert edges[(0.0, 0.0)] == edges[(2.0, 2.0)] == (1.0, 1.0, 1.0)
    assert boundaries.CLASS_COLOURS == ("#1f77b4", "#ff7f0e")


def test_the_xor_step_network_keeps_its_former_name():
    assert boolean.sheet5_xor_network is boolean.xor_step_network
