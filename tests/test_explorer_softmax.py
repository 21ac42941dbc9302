"""The softmax explorer of chapter 7: its numbers are nnlib's softmax and s - y, the temperature
divides the logits, bad settings are refused, and it stays within the explorers' time budget
(the general checks, blitting and every control moving the figure, run for it in test_explorers)."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.explorers._chapters import chapter_explorers, drive
from nnlib.explorers.softmax import SoftmaxExplorer, softmax_with_temperature


def test_it_is_registered_for_the_benchmark():
    assert "ch7 softmax" in chapter_explorers()


def test_the_explorer_shows_softmax_and_the_cross_entropy_gradient():
    explorer = SoftmaxExplorer(z=(2.0, 1.0, 0.1))
    s = nn.softmax(np.array([2.0, 1.0, 0.1]))
    assert np.allclose(explorer.probabilities, s, rtol=0, atol=1e-15)
    assert explorer.loss == pytest.approx(-np.log(s[0]))
    heights = [bar.get_height() for bar in explorer.grad_bars]
    assert np.allclose(heights, s - np.array([1.0, 0.0, 0.0]), rtol=0, atol=1e-15)
    assert "s = (0.659, 0.242, 0.099)" in explorer.status.value
    explorer.controls["target"].value = "2"
    assert explorer.loss == pytest.approx(-np.log(s[1]))
    assert explorer.grad_bars[1].get_height() == pytest.approx(s[1] - 1.0)


def test_the_temperature_divides_the_logits():
    z = np.array([2.0, 1.0, 0.1])
    assert np.allclose(softmax_with_temperature(z, 2.0), nn.softmax(z / 2.0))
    hot = softmax_with_temperature(z, 10.0)
    cold = softmax_with_temperature(z, 0.1)
    assert hot.max() - hot.min() < 0.1          # high T: close to uniform
    assert cold[0] > 0.9999                     # low T: close to one-hot on the largest logit
    explorer = SoftmaxExplorer(z=z)
    explorer.controls["temperature"].value = 10.0
    assert "T = 10" in explorer.status.value
    assert np.allclose(explorer.probabilities, hot)


def test_bad_settings_are_refused_with_clear_messages():
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        softmax_with_temperature([1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="at least 2 logits"):
        softmax_with_temperature([1.0], 1.0)
    with pytest.raises(ValueError, match="finite"):
        softmax_with_temperature([1.0, np.nan], 1.0)
    with pytest.raises(ValueError, match="three logits"):
        SoftmaxExplorer(z=(1.0, 2.0))
    with pytest.raises(ValueError, match="target must be one of"):
        SoftmaxExplorer(target="4")


def test_updates_keep_the_background_and_the_static_copy_has_every_frame():
    build, moves = chapter_explorers()["ch7 softmax"]
    explorer = build()
    drive(explorer, moves)
    assert explorer.live.backgrounds_drawn == 1      # fixed axes: one background for every update
    static = explorer.to_html(z1=[-2.0, 2.0], temperature=[0.5, 1.0, 2.0])
    assert len(static.frames) == 6
    assert repr(static).startswith("<static explorer 'softmax': 6 frames over logit z1 (2: -2 .. 2)")
