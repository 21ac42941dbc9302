"""Random hyperparameter search, coarse to fine (Sheet 5, question 7).

Chapter 9 (``book/09_optimizers.ipynb``) tunes a learning rate and a momentum
with it. A search space maps each hyperparameter to (low, high, scale):

    space = {"lr": (1e-4, 10.0, "log"), "one_minus_beta": (0.01, 0.5, "log")}

- scale "log" draws log-uniformly: log10(value) ~ U(log10 low, log10 high), so
  each decade (0.001..0.01, 0.01..0.1, ...) gets the same share of the trials;
- scale "linear" draws uniformly in [low, high].

``random_search`` evaluates ``n_trials`` random settings; ``narrow`` shrinks the
space to the box around the best few trials (widened a little), for the fine round.
"""

import numpy as np

from ._validation import check_rng as _check_rng

SCALES = ("log", "linear")


def log_uniform(low, high, size, rng):
    """``size`` draws with log10(x) uniform on [log10 low, log10 high]; needs 0 < low < high."""
    _check_rng("log_uniform", rng)
    if not (0 < low < high):
        raise ValueError(f"log_uniform: needs 0 < low < high, got low={low}, high={high}")
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=size)


def check_space(space):
    """Validate a search space {name: (low, high, scale)} and return it unchanged."""
    if not isinstance(space, dict) or not space:
        raise ValueError(f"search space: expected a non-empty dict {{name: (low, high, scale)}}, got {space!r}")
    for name, spec in space.items():
        if not (isinstance(spec, tuple) and len(spec) == 3):
            raise ValueError(f"search space: {name!r} must be (low, high, scale), got {spec!r}")
        low, high, scale = spec
        if scale not in SCALES:
            raise ValueError(f"search space: {name!r} has scale {scale!r}; expected one of {SCALES}")
        if not low < high or (scale == "log" and low <= 0):
            raise ValueError(f"search space: {name!r} needs low < high (and low > 0 on a log scale), "
                             f"got ({low}, {high})")
    return space


def sample(space, n, rng):
    """``n`` random settings from ``space``: a list of dicts {name: value}."""
    check_space(space)
    _check_rng("sample", rng)
    columns = {}
    for name, (low, high, scale) in space.items():
        columns[name] = log_uniform(low, high, n, rng) if scale == "log" else rng.uniform(low, high, size=n)
    return [{name: float(columns[name][i]) for name in space} for i in range(n)]


def random_search(evaluate, space, n_trials, rng):
    """Evaluate ``n_trials`` random settings; return a list of (score, setting), best (lowest) first.

    ``evaluate(setting)`` returns a number to minimise (a validation loss); a
    setting whose training diverged may return ``float('inf')``.
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"random_search: n_trials must be a positive integer, got {n_trials!r}")
    results = [(float(evaluate(setting)), setting) for setting in sample(space, n_trials, rng)]
    return sorted(results, key=lambda r: r[0])


def narrow(space, results, keep=3, widen=1.5):
    """The fine round's space: for each hyperparameter, the range spanned by the ``keep`` best
    results, widened by the factor ``widen`` (multiplicatively on a log scale) and kept inside
    the original range."""
    check_space(space)
    finite = [r for r in results if np.isfinite(r[0])]
    if len(finite) < 1:
        raise ValueError("narrow: no finite result to narrow around")
    best = sorted(finite, key=lambda r: r[0])[:keep]
    new = {}
    for name, (low, high, scale) in space.items():
        values = [setting[name] for _, setting in best]
        lo, hi = min(values), max(values)
        if scale == "log":
            lo, hi = lo / widen, hi * widen
        else:
            pad = (widen - 1.0) * max(hi - lo, 1e-12 * (high - low)) / 2.0
            lo, hi = lo - pad, hi + pad
        new[name] = (max(lo, low), min(hi, high), scale)
    return new
