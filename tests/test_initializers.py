"""Weight initialisers (nnlib/initializers.py): the variances their docstrings promise,
reproducibility through an explicit rng, and errors that say what to pass."""

import numpy as np
import pytest

import nnlib as nn
from nnlib import initializers as init

SHAPE = (300, 200)  # 60,000 draws: sample variances within about 1.5% of the truth


def test_zeros_and_constant_fill_the_shape():
    assert init.zeros((3, 2)).shape == (3, 2) and not init.zeros((3, 2)).any()
    filled = init.constant(0.5)((2, 4))
    assert filled.shape == (2, 4) and np.all(filled == 0.5)


@pytest.mark.parametrize("name, variance", [
    ("xavier_uniform", 2.0 / (SHAPE[0] + SHAPE[1])),
    ("xavier_normal", 2.0 / (SHAPE[0] + SHAPE[1])),
    ("he_normal", 2.0 / SHAPE[0]),
])
def test_random_initialisers_have_the_stated_variance(name, variance):
    W = getattr(init, name)(SHAPE, np.random.default_rng(0))
    assert W.shape == SHAPE and W.dtype == np.float64
    assert abs(W.mean()) < 0.05 * np.sqrt(variance)
    assert W.var() == pytest.approx(variance, rel=0.03)


def test_xavier_uniform_stays_inside_its_limit():
    W = init.xavier_uniform(SHAPE, np.random.default_rng(1))
    limit = np.sqrt(6.0 / sum(SHAPE))
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit


def test_normal_uses_the_given_standard_deviation():
    W = init.normal(0.1)(SHAPE, np.random.default_rng(2))
    assert W.std() == pytest.approx(0.1, rel=0.03)


@pytest.mark.parametrize("name", ["xavier", "xavier_normal", "he"])
def test_the_same_seed_gives_the_same_weights(name):
    a = nn.Dense(4, 3, init=name, rng=np.random.default_rng(7)).W.value
    b = nn.Dense(4, 3, init=name, rng=np.random.default_rng(7)).W.value
    c = nn.Dense(4, 3, init=name, rng=np.random.default_rng(8)).W.value
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("fn", [init.xavier_uniform, init.xavier_normal, init.he_normal, init.normal(1.0)])
def test_random_initialisers_refuse_a_missing_rng(fn):
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        fn((2, 2), None)


def test_dense_refuses_an_unknown_initialiser_name():
    with pytest.raises(ValueError, match="init must be one of"):
        nn.Dense(2, 2, init="glorious", rng=np.random.default_rng(0))
