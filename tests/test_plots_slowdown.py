"""plot_learning_slowdown (chapter 5): draws one line per run in each panel and refuses bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib.plots.backprop import plot_learning_slowdown


def test_one_line_per_run_in_each_panel_with_the_data():
    runs = {"mse": {"loss": [0.5, 0.4, 0.3], "dL_dz": [0.02, -0.03, 0.05]},
            "bce": {"loss": [4.0, 2.0, 1.0], "dL_dz": [0.9, 0.5, 0.2]}}
    fig = plot_learning_slowdown(runs, title="t")
    left, right = fig.axes
    assert [line.get_label() for line in left.get_lines()] == ["mse", "bce"]
    np.testing.assert_allclose(left.get_lines()[1].get_ydata(), [4.0, 2.0, 1.0])
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [0.02, 0.03, 0.05])   # absolute values
    assert right.get_yscale() == "log"
    plt.close(fig)


@pytest.mark.parametrize("runs", [{}, [1, 2], {"a": {"loss": [1.0]}}, {"a": {"loss": [1.0, 2.0], "dL_dz": [1.0]}}])
def test_bad_runs_are_refused(runs):
    with pytest.raises((TypeError, ValueError), match="plot_learning_slowdown"):
        plot_learning_slowdown(runs)
