"""Chapter 11's figures, explorer and headline claims (book/11_training_in_practice.ipynb)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib.callbacks import EarlyStopping  # noqa: E402
from nnlib.metrics import accuracy, confusion_matrix, predicted_labels  # noqa: E402
from nnlib.plots import training as plots  # noqa: E402
from nnlib.splits import train_val_test_split  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _toy(seed=49):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, 10)
    y = np.sin(np.pi * x) + 0.2 * rng.normal(size=10)
    xv = rng.uniform(-1, 1, 100)
    yv = np.sin(np.pi * xv) + 0.2 * rng.normal(size=100)
    return x, y, xv, yv


def test_plot_functions_return_figures():
    x, y, xv, yv = _toy()
    figs = [
        plots.plot_polynomial_fits(x, y, xv, yv, [(1, 0.0), (9, 1e-2)], np.sin),
        plots.plot_error_vs_degree(range(3), [1.0, 0.1, 0.0], [1.0, 0.5, 2.0], best_degree=1),
        plots.plot_regression_fits(x, y, np.linspace(-1, 1, 5), {"a": np.zeros(5)}),
        plots.plot_confusion_matrix(np.eye(3, dtype=int) * 4),
        plots.plot_digit_images(np.zeros((3, 64)), ["a", "b", "c"]),
        plots.plot_dropout_scaling([0.1, 0.5], [1.0, 1.0], [0.9, 0.5]),
    ]
    h = nn.History(loss=[1.0, 0.5], val_loss=[1.1, 0.7])
    figs.append(plots.plot_learning_curves({"run": h}, best_epoch=1))
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs)
    # the fit panels show the errors they were drawn from
    assert "train MSE" in figs[0].axes[0].get_title()


def test_explorer_draws_a_picture():
    pytest.importorskip("ipywidgets")
    from nnlib.explorers.training import PolynomialExplorer

    explorer = PolynomialExplorer(*_toy(), true_function=np.sin)
    first = explorer.image.value
    assert first[:3] == b"\xff\xd8\xff"  # a JPEG (live updates)
    explorer.regularise.value = True
    explorer.degree.value = 9
    assert explorer.setting() == (9, pytest.approx(10.0 ** explorer.log10_lam.value))
    assert explorer.image.value != first


def test_degree_nine_interpolates_and_overfits():
    from nnlib.chapters.polynomial import evaluate_polynomial, fit_polynomial, mse

    x, y, xv, yv = _toy()
    val = [mse(evaluate_polynomial(fit_polynomial(x, y, d), xv), yv) for d in range(10)]
    train9 = mse(evaluate_polynomial(fit_polynomial(x, y, 9), x), y)
    assert train9 < 1e-12
    assert 2 <= int(np.argmin(val)) <= 6 and val[9] > 10 * min(val)


def test_inverted_dropout_keeps_the_mean():
    rng = np.random.default_rng(0)
    A = rng.uniform(0, 2, size=(4000, 50))
    layer = nn.Dropout(0.5, rng)
    out = layer.forward(A)
    assert abs(out.mean() - A.mean()) < 0.01
    assert abs(np.mean(out == 0) - 0.5) < 0.01
    layer.training = False
    np.testing.assert_array_equal(layer.forward(A), A)


def test_digits_reach_97_percent():
    X, y = nn.datasets.load_digits()
    rng = np.random.default_rng(0)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = train_val_test_split(X, y, rng)
    net = nn.mlp([64, 64, 10], hidden="relu", output="linear", init="he", rng=rng)
    stopper = EarlyStopping(net, patience=15)
    nn.train(net, nn.SparseCCE(from_logits=True), nn.Adam(net.parameters(), lr=0.005), Xtr, ytr,
             epochs=100, batch_size=32, rng=rng, validation=(Xva, yva), callback=stopper)
    if stopper.stopped_epoch is None:
        stopper.restore()
    pred = predicted_labels(net.predict(Xte))
    assert accuracy(yte, pred) >= 0.97
    C = confusion_matrix(yte, pred, 10)
    assert C.sum() == len(yte) and np.trace(C) == int(np.sum(pred == yte))
