"""The neuron diagram of chapter 1 (nnlib.plots.perceptron.plot_neuron) and the numbers it shows."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import nnlib as nn  # noqa: E402
from nnlib.plots import perceptron as plots  # noqa: E402


def test_neuron_values_are_the_weighted_sum_bias_and_activation():
    products, z, a = plots.neuron_values([1.0, 2.0, 0.5, 3.0], [0.5, -0.3, 0.8, 0.1], -0.2, nn.sigmoid)
    assert products == pytest.approx([0.5, -0.6, 0.4, 0.3])
    assert z == pytest.approx(0.4)
    assert a == pytest.approx(1 / (1 + 2.718281828459045 ** -0.4))


def test_neuron_values_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match="same length"):
        plots.neuron_values([1.0, 2.0], [0.5], 0.0, nn.sigmoid)


def test_plot_neuron_labels_every_input_weight_and_the_output():
    fig = plots.plot_neuron([1.0, 2.0], [0.5, -0.25], 0.0, nn.step, "step")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "x₁ = 1" in texts and "x₂ = 2" in texts
    assert "w₁ = 0.5" in texts and "w₂ = -0.25" in texts
    assert "bias b = 0" in texts and "step" in texts
    assert "a = 1" in texts                       # z = 0.5 - 0.5 + 0 = 0 exactly, and step(0) = 1
    plt.close(fig)
