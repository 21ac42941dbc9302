"""nnlib.chapters.surfaces: exact gradients against finite differences, trajectories, errors."""

import numpy as np
import pytest

import nnlib as nn
from nnlib.chapters.surfaces import NarrowValley, Rosenbrock, trajectory

TOL = nn.gradcheck.TOLERANCE


@pytest.mark.parametrize("surface", [NarrowValley(), NarrowValley(2.0, 50.0), Rosenbrock(), Rosenbrock(0.5, 10.0)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences(surface, seed):
    w = np.random.default_rng(seed).uniform(-1.5, 1.5, size=2)
    numeric = nn.numerical_gradient(lambda: float(surface.value(w)), w)
    assert nn.relative_error(surface.gradient(w), numeric) <= TOL


def test_value_on_a_grid_and_at_the_minimum():
    for surface in (NarrowValley(1.0, 20.0), Rosenbrock(1.0, 100.0)):
        assert surface.value(np.array(surface.minimum)) == 0.0
        assert np.allclose(surface.gradient(np.array(surface.minimum)), 0.0)
        W1, W2, F = surface.grid(n=7)
        assert F.shape == (7, 7) and np.all(F >= 0)
        assert np.allclose(F, surface.value(np.stack([W1, W2], axis=-1)))


def test_trajectory_with_sgd_is_plain_gradient_descent():
    surface = NarrowValley(1.0, 10.0)
    path = trajectory(surface, lambda ps: nn.SGD(ps, lr=0.05), np.array([-4.0, 1.0]), steps=5)
    w = np.array([-4.0, 1.0])
    for k in range(1, 6):
        w = w - 0.05 * surface.gradient(w)
        assert np.allclose(path[k], w)
    assert path.shape == (6, 2)


def test_a_diverging_trajectory_stops_with_nan():
    path = trajectory(NarrowValley(1.0, 20.0), lambda ps: nn.SGD(ps, lr=0.2), np.array([-4.0, 1.0]), steps=200)
    assert np.isnan(path[-1]).all() and np.isfinite(path[1]).all()


def test_adam_reaches_the_valley_floor():
    path = trajectory(NarrowValley(1.0, 20.0), lambda ps: nn.Adam(ps, lr=0.1), np.array([-4.0, 1.0]), steps=300)
    assert np.linalg.norm(path[-1]) < 0.05


def test_errors_name_what_was_wrong():
    with pytest.raises(ValueError, match="NarrowValley: b must be a finite number > 0"):
        NarrowValley(1.0, -2.0)
    with pytest.raises(ValueError, match="2 coordinates"):
        Rosenbrock().value(np.zeros(3))
    with pytest.raises(TypeError, match="trajectory: surface"):
        trajectory("bowl", lambda ps: nn.SGD(ps, lr=0.1), np.zeros(2), 3)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        trajectory(NarrowValley(), lambda ps: nn.SGD(ps, lr=0.1), np.zeros(2), 0)
    with pytest.raises(ValueError, match="start must be one point"):
        trajectory(NarrowValley(), lambda ps: nn.SGD(ps, lr=0.1), np.zeros((2, 2)), 3)
