"""The benchmark runs (a tiny repeat count), so it cannot rot. It asserts no timings."""

import numpy as np
import pytest

from nnlib import bench


@pytest.mark.parametrize("threads", [1, 2])
def test_benchmark_runs_and_prints_every_workload(capsys, threads):
    argv = ["--repeats", "1", "--min-time", "0.001", "--rest", "0", "--threads", str(threads)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    for name in ("xor", "digits", "wide", "digits epoch", "nnlib/floor"):
        assert name in out
    assert f"{threads} thread(s)" in out.splitlines()[0]


def test_the_thread_limit_is_lifted_afterwards():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]

    before = blas_threads()
    with bench.limited_threads(1) as line:
        assert "1 thread(s)" in line
        assert all(n == 1 for n in blas_threads())
    assert blas_threads() == before


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


def test_the_explorer_benchmark_runs_and_prints_every_explorer(capsys):
    from nnlib.explorers._chapters import chapter_explorers

    assert bench.main(["--explorers", "--explorer-limit", "2"]) == 0
    out = capsys.readouterr().out
    for label in chapter_explorers():
        assert label in out
    assert "median" in out and "p95" in out and "drawing" in out
