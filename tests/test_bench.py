"""The benchmark runs (a tiny repeat count), so it cannot rot. It asserts no timings."""

import numpy as np

from nnlib import bench


def test_benchmark_runs_and_prints_every_workload(capsys):
    assert bench.main(["--repeats", "1", "--min-time", "0.001", "--rest", "0"]) == 0
    out = capsys.readouterr().out
    for name in ("xor", "digits", "wide", "digits epoch", "nnlib/floor", "threads"):
        assert name in out


def test_the_numpy_floor_computes_the_same_step_as_nnlib():
    """The floor is only a fair yardstick if it does the same mathematics."""
    for name in bench.WORKLOADS:
        rng = np.random.default_rng(1)
        X, Y = bench.workload_data(name, rng)
        weights = bench.initial_weights(bench.WORKLOADS[name]["sizes"], rng)
        nnlib_fn, nnlib_W = bench.nnlib_step(name, weights, X, Y)
        floor_fn, floor_W = bench.numpy_step(name, weights, X, Y)
        start = nnlib_W.copy()
        for _ in range(3):
            nnlib_fn()
            floor_fn()
        assert not np.allclose(nnlib_W, start), name  # training moved the weights
        assert np.allclose(nnlib_W, floor_W, rtol=1e-10, atol=1e-12), name
