"""nnlib.search: log-uniform sampling, random search and narrowing the space, with errors."""

import numpy as np
import pytest

from nnlib import search


def test_log_uniform_gives_each_decade_the_same_share():
    draws = search.log_uniform(1e-4, 1.0, 40000, np.random.default_rng(0))
    assert draws.shape == (40000,) and draws.min() >= 1e-4 and draws.max() <= 1.0
    shares = [np.mean((draws >= 10.0**k) & (draws < 10.0 ** (k + 1))) for k in (-4, -3, -2, -1)]
    assert np.allclose(shares, 0.25, atol=0.01)


def test_sample_respects_scales_and_is_reproducible():
    space = {"lr": (1e-3, 1.0, "log"), "units": (4.0, 64.0, "linear")}
    a = search.sample(space, 500, np.random.default_rng(1))
    b = search.sample(space, 500, np.random.default_rng(1))
    assert a == b and len(a) == 500 and set(a[0]) == {"lr", "units"}
    units = np.array([s["units"] for s in a])
    assert units.min() >= 4.0 and units.max() <= 64.0 and abs(np.median(units) - 34.0) < 4.0


def test_random_search_sorts_best_first_and_finds_the_minimum_region():
    space = {"x": (1e-3, 1e3, "log")}
    results = search.random_search(lambda s: (np.log10(s["x"]) - 1.0) ** 2, space, 60, np.random.default_rng(2))
    scores = [r[0] for r in results]
    assert scores == sorted(scores) and len(results) == 60
    assert abs(np.log10(results[0][1]["x"]) - 1.0) < 0.2


def test_narrow_shrinks_around_the_best_and_stays_inside():
    space = {"x": (1e-3, 1e3, "log"), "y": (0.0, 1.0, "linear")}
    results = [(1.0, {"x": 1.0, "y": 0.5}), (2.0, {"x": 2.0, "y": 0.6}), (3.0, {"x": 500.0, "y": 0.9}),
               (float("inf"), {"x": 1e-3, "y": 0.0})]
    fine = search.narrow(space, results, keep=2, widen=2.0)
    assert fine["x"] == (0.5, 4.0, "log")
    lo, hi, scale = fine["y"]
    assert scale == "linear" and np.isclose(lo, 0.45) and np.isclose(hi, 0.65)
    clipped = search.narrow({"x": (1.0, 10.0, "log")}, [(0.0, {"x": 9.0})], keep=1, widen=3.0)
    assert clipped["x"] == (3.0, 10.0, "log")


def test_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="log_uniform: needs 0 < low < high"):
        search.log_uniform(0.0, 1.0, 3, rng)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        search.log_uniform(0.1, 1.0, 3, 42)
    with pytest.raises(ValueError, match="'lr' has scale 'loglog'"):
        search.sample({"lr": (0.1, 1.0, "loglog")}, 3, rng)
    with pytest.raises(ValueError, match="'lr' needs low < high"):
        search.sample({"lr": (0.0, 1.0, "log")}, 3, rng)
    with pytest.raises(ValueError, match="must be \\(low, high, scale\\)"):
        search.check_space({"lr": (0.1, 1.0)})
    with pytest.raises(ValueError, match="n_trials must be a positive integer"):
        search.random_search(lambda s: 0.0, {"lr": (0.1, 1.0, "log")}, 0, rng)
    with pytest.raises(ValueError, match="no finite result"):
        search.narrow({"lr": (0.1, 1.0, "log")}, [(float("inf"), {"lr": 0.5})])
