"""Benchmark: one training step of nnlib against a hand-written numpy floor, PyTorch and scikit-learn.

    python -m nnlib.bench                 # the three workloads, best of 7 repeats
    python -m nnlib.bench --repeats 2     # quicker
    python -m nnlib.bench --all           # also the clean book build, the test suite and grading times
    python -m nnlib.bench --explorers     # only the chapters' explorers: time per update

Workloads (one training step each):
  xor     2-2-1 sigmoid network, MSE, batch 4, SGD
  digits  64-64-10 ReLU network, softmax + CCE, batch 32, Adam, on scikit-learn's digits
  wide    784-256-256-10 ReLU network, softmax + CCE, batch 128, SGD, on generated data

For each: nnlib; the same step written by hand in plain numpy (the floor: no framework, no checks);
PyTorch on the CPU in float64 when it is installed (it is optional); and, for digits, one epoch of
scikit-learn's MLPClassifier against one nnlib epoch. Times are the best of several repeats; the
contenders take turns, repeat by repeat, with one thread each by default (``--threads N``: PyTorch
then runs on its own, see ``run_step_benchmarks``).
This is a measurement, not a test: the test suite only checks that it runs.
"""

import argparse
import contextlib
import subprocess
import sys
import time
import timeit
from pathlib import Path

import numpy as np

import nnlib as nn

WORKLOADS = {
    "xor": dict(sizes=[2, 2, 1], batch=4, hidden="sigmoid", optimizer="sgd", lr=0.5),
    "digits": dict(sizes=[64, 64, 10], batch=32, hidden="relu", optimizer="adam", lr=1e-3),
    "wide": dict(sizes=[784, 256, 256, 10], batch=128, hidden="relu", optimizer="sgd", lr=0.01),
}


def workload_data(name, rng):
    """The inputs X and targets Y (one-hot, or (n, 1) for xor) of one batch of the workload."""
    spec = WORKLOADS[name]
    if name == "xor":
        return nn.datasets.truth_table("xor")
    if name == "digits":
        X, labels = nn.datasets.load_digits()
        idx = rng.choice(len(X), size=spec["batch"], replace=False)
        return X[idx], nn.datasets.one_hot(labels[idx], 10)
    X = rng.normal(size=(spec["batch"], spec["sizes"][0]))
    return X, nn.datasets.one_hot(rng.integers(0, 10, size=spec["batch"]), 10)


def initial_weights(sizes, rng):
    """The same starting weights for every contender: He for ReLU-sized layers, zero biases."""
    return [(rng.normal(0, np.sqrt(2 / a), size=(a, b)), np.zeros((1, b))) for a, b in zip(sizes[:-1], sizes[1:])]


# --- nnlib ---------------------------------------------------------------------------------

def nnlib_step(name, weights, X, Y):
    """Return (step, first weight matrix): a function doing one nnlib training step, and the
    array it updates (so a test can compare it with the floor's)."""
    spec = WORKLOADS[name]
    layers = []
    for i, (W, b) in enumerate(weights):
        layers.append(nn.Dense(*W.shape, weights=W, bias=b))
        if i < len(weights) - 1:
            layers.append(nn.Sigmoid() if spec["hidden"] == "sigmoid" else nn.ReLU())
    if name == "xor":
        layers.append(nn.Sigmoid())
        loss = nn.MSE()
    else:
        loss = nn.CCE(from_logits=True)  # softmax folded into the loss: gradient (softmax - y) / n
    net = nn.Sequential(layers)
    opt_cls = nn.Adam if spec["optimizer"] == "adam" else nn.SGD
    opt = opt_cls(net.parameters(), lr=spec["lr"])
    return (lambda: nn.train_step(net, loss, opt, X, Y)), net.dense_layers()[0].W.value


# --- the numpy floor: the same mathematics, written out, with no framework -----------------

def numpy_step(name, weights, X, Y):
    """Return (step, first weight matrix) for a hand-written numpy training step (no checks, no objects).

    Written as a careful numpy programmer would: the gradient arrays are allocated once and
    the matrix products write into them (``out=``), and the updates work in place. Without
    that, allocating a fresh 784 x 256 gradient every step costs the wide workload about a
    millisecond, and the "floor" would not be one.
    """
    spec = WORKLOADS[name]
    Ws = [W.copy() for W, _ in weights]
    bs = [b.copy() for _, b in weights]
    lr = spec["lr"]
    L = len(Ws)
    params = Ws + bs
    grads_W = [np.empty_like(W) for W in Ws]
    grads_b = [np.empty_like(b) for b in bs]
    grads = grads_W + grads_b
    m = [np.zeros_like(a) for a in params]
    v = [np.zeros_like(a) for a in params]
    t = [0]

    def step():
        acts = [X]
        for i in range(L):
            z = acts[-1] @ Ws[i] + bs[i]
            if i < L - 1 or name == "xor":
                if spec["hidden"] == "sigmoid":
                    with np.errstate(over="ignore"):
                        z = 1.0 / (1.0 + np.exp(-z))
                else:
                    z = np.maximum(z, 0.0)
            acts.append(z)
        out = acts[-1]
        if name == "xor":
            d = out - Y
            g = (2.0 / d.size) * d * out * (1.0 - out)
        else:
            e = np.exp(out - out.max(axis=1, keepdims=True))
            g = (e / e.sum(axis=1, keepdims=True) - Y) / out.shape[0]
        for i in range(L - 1, -1, -1):
            np.matmul(acts[i].T, g, out=grads_W[i])
            g.sum(axis=0, keepdims=True, out=grads_b[i])
            if i:
                g = g @ Ws[i].T
                a = acts[i]
                g = g * a * (1.0 - a) if spec["hidden"] == "sigmoid" else g * (a > 0)
        if spec["optimizer"] == "sgd":
            for p, gr in zip(params, grads):
                p -= lr * gr
        else:
            t[0] += 1
            c1, c2 = 1 - 0.9 ** t[0], 1 - 0.999 ** t[0]
            for p, gr, mi, vi in zip(params, grads, m, v):
                mi *= 0.9
                mi += 0.1 * gr
                vi *= 0.999
                vi += 0.001 * gr * gr
                p -= lr * (mi / c1) / (np.sqrt(vi / c2) + 1e-8)

    return step, Ws[0]


# --- PyTorch (optional) ------------------------------------------------------------------

def torch_step(name, weights, X, Y):
    """Return a function doing one PyTorch float64 CPU training step, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    spec = WORKLOADS[name]
    modules = []
    for i, (W, b) in enumerate(weights):
        lin = torch.nn.Linear(*W.shape).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T))
            lin.bias.copy_(torch.from_numpy(b.ravel()))
        modules.append(lin)
        if i < len(weights) - 1:
            modules.append(torch.nn.Sigmoid() if spec["hidden"] == "sigmoid" else torch.nn.ReLU())
    if name == "xor":
        modules.append(torch.nn.Sigmoid())
        loss_fn = torch.nn.MSELoss()
        target = torch.from_numpy(Y)
    else:
        loss_fn = torch.nn.CrossEntropyLoss()
        target = torch.from_numpy(Y.argmax(axis=1))
    model = torch.nn.Sequential(*modules)
    opt_cls = torch.optim.Adam if spec["optimizer"] == "adam" else torch.optim.SGD
    opt = opt_cls(model.parameters(), lr=spec["lr"])
    inputs = torch.from_numpy(X)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(inputs), target)
        loss.backward()
        opt.step()

    return step


# --- scikit-learn, one epoch on the digits --------------------------------------------------

def sklearn_epoch(X, labels):
    """Return a function running one epoch of MLPClassifier(64 ReLU units, batch 32, Adam)."""
    import warnings

    from sklearn.neural_network import MLPClassifier

    def epoch():
        clf = MLPClassifier(hidden_layer_sizes=(64,), activation="relu", solver="adam", batch_size=32,
                            learning_rate_init=1e-3, max_iter=1, shuffle=False, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "did not converge" after one epoch, as intended
            clf.fit(X, labels)

    return epoch


def nnlib_epoch(X, labels, rng):
    """Return a function running one nnlib epoch of the digits workload (fresh network each time)."""
    Y = nn.datasets.one_hot(labels, 10)

    def epoch():
        net = nn.mlp([64, 64, 10], hidden="relu", output="linear", init="he", rng=rng)
        opt = nn.Adam(net.parameters(), lr=1e-3)
        nn.train(net, nn.CCE(from_logits=True), opt, X, Y, epochs=1, batch_size=32, shuffle=False)

    return epoch


# --- timing and reporting ----------------------------------------------------------------

def calls_per_repeat(fn, min_time):
    """How many calls of ``fn`` last at least ``min_time`` seconds (a power of 4)."""
    fn()  # warm up
    number = 1
    while timeit.timeit(fn, number=number) < min_time and number < 1 << 16:
        number *= 4
    return number


def best_times(contenders, repeats, min_time=0.05):
    """{name: best over ``repeats`` of the mean time per call} for {name: function}.

    The contenders take turns, one repeat each, so that a slow spell of a shared machine
    (another process, a frequency change) hits all of them rather than one: their ratios,
    the figures this benchmark is about, stay meaningful.
    """
    numbers = {name: calls_per_repeat(fn, min_time) for name, fn in contenders.items()}
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeats):
        for name, fn in contenders.items():
            best[name] = min(best[name], timeit.timeit(fn, number=numbers[name]) / numbers[name])
    return best


@contextlib.contextmanager
def limited_threads(threads):
    """Limit numpy's BLAS and PyTorch to ``threads`` threads inside the block; yield a line
    saying what runs. The BLAS limit uses threadpoolctl (it comes with scikit-learn)."""
    from threadpoolctl import threadpool_info, threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None
    with threadpool_limits(limits=threads):
        blas = ", ".join(f"{info['internal_api']} {info['num_threads']} thread(s)"
                         for info in threadpool_info() if info.get("user_api") == "blas")
        line = f"numpy {np.__version__} ({blas or 'no BLAS thread pool found'}); "
        if torch is None:
            yield line + "torch not installed (optional)"
            return
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            yield line + f"torch {torch.__version__} ({torch.get_num_threads()} thread(s))"
        finally:
            torch.set_num_threads(before)


def run_step_benchmarks(repeats, min_time=0.05, seed=0, threads=1, rest=1.0):
    """Time every workload; return a list of result dicts (times in seconds).

    With one thread each (the default), nnlib, the floor and PyTorch take turns, repeat by
    repeat. With more, PyTorch runs on its own: it has a thread pool of its own beside
    numpy's BLAS threads, and a pool keeps its threads spinning for a moment after its last
    job, so on a 2-core machine two pools taking turns slow each other down (here by 30-50%).
    ``rest`` seconds of idling then separate the two sides.
    """
    rows = []
    for name, spec in WORKLOADS.items():
        rng = np.random.default_rng(seed)
        X, Y = workload_data(name, rng)
        weights = initial_weights(spec["sizes"], rng)
        contenders = {"nnlib": nnlib_step(name, weights, X, Y)[0],
                      "numpy": numpy_step(name, weights, X, Y)[0]}
        torch_fn = torch_step(name, weights, X, Y)
        torch_apart = torch_fn is not None and threads > 1
        if torch_fn is not None and not torch_apart:
            contenders["torch"] = torch_fn
        if torch_apart:
            time.sleep(rest)  # the previous PyTorch run's threads go quiet
        row = {"workload": name, "torch": None, **best_times(contenders, repeats, min_time)}
        if torch_apart:
            time.sleep(rest)
            row["torch"] = best_times({"torch": torch_fn}, repeats, min_time)["torch"]
            time.sleep(rest)
        rows.append(row)
    X, labels = nn.datasets.load_digits()
    epochs = {"nnlib": nnlib_epoch(X, labels, np.random.default_rng(seed)), "sklearn": sklearn_epoch(X, labels)}
    rows.append({"workload": "digits epoch", **best_times(epochs, repeats, min_time)})
    return rows


def format_table(rows):
    """A plain-text table of times (microseconds or milliseconds) and ratios."""

    def fmt(seconds):
        if seconds is None:
            return "-"
        return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"

    def ratio(a, b):
        return f"{a / b:.2f}x" if a and b else "-"

    header = ["workload", "nnlib", "numpy floor", "nnlib/floor", "torch (f64)", "torch/nnlib",
              "sklearn", "sklearn/nnlib"]
    lines = [header]
    for r in rows:
        lines.append([r["workload"], fmt(r["nnlib"]), fmt(r.get("numpy")), ratio(r["nnlib"], r.get("numpy")),
                      fmt(r.get("torch")), ratio(r.get("torch"), r["nnlib"]),
                      fmt(r.get("sklearn")), ratio(r.get("sklearn"), r["nnlib"])])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in lines)


def time_command(cmd, cwd):
    """Wall time of a shell command (seconds) and its exit status."""
    start = time.perf_counter()
    status = subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, status


def run_project_timings(root):
    """Clean book build, full test suite, grading one exercise notebook (seconds, exit status)."""
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        build = time_command(f"jupyter-book build . --path-output {out} -W -n --keep-going", root)
    tests = time_command(f"{sys.executable} -m pytest -q -p no:cacheprovider", root)
    # A solved notebook: every answer and check runs (an unsolved one stops at its stubs and
    # exits with status 1, below full marks), so this is the grading time a student waits.
    notebooks = sorted((root / "solutions").glob("*.ipynb"))
    grade = time_command(f"{sys.executable} -m nnlib.grade {notebooks[0]}", root) if notebooks else None
    return {"clean book build": build, "full test suite": tests, "grade one solved notebook": grade}


def run_explorer_benchmarks(limit=None):
    """Build every explorer the chapters use and drive each control through a sequence of values.

    Returns rows (label, updates, median s, 95th percentile s, share of the time spent drawing,
    kB sent per update). An update is what a reader's move costs in the kernel: the widget's value
    is set, the observer recomputes the numbers, moves the artists of the explorer's one figure,
    encodes the picture and sets the Image widget, whose new state is serialized into the message
    for the front end as ipykernel would (``nnlib.explorers._chapters.kernel_comms``). ``limit``
    keeps the first ``limit`` values of each control's sequence (for a quick run in the tests).
    """
    from nnlib.explorers._chapters import chapter_explorers, drive, kernel_comms

    rows = []
    for label, (build, moves) in chapter_explorers().items():
        with kernel_comms() as comms:
            explorer = build()
            if limit is not None:
                moves = [(name, list(values)[:limit]) for name, values in moves]
            sent = comms.bytes
            totals, drawing = drive(explorer, moves)
            sent = comms.bytes - sent
        rows.append((label, len(totals), float(np.median(totals)), float(np.percentile(totals, 95)),
                     float(drawing.sum() / totals.sum()), sent / 1e3 / max(len(totals), 1)))
    return rows


def format_explorer_table(rows):
    lines = [f"{'explorer':26s} {'updates':>7s} {'median':>9s} {'p95':>9s} {'drawing':>8s} {'sent':>9s}"]
    for label, n, median, p95, share, kilobytes in rows:
        lines.append(f"{label:26s} {n:7d} {median * 1e3:6.1f} ms {p95 * 1e3:6.1f} ms {100 * share:7.0f}% "
                     f"{kilobytes:5.1f} kB")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlib.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="repeats per measurement (best is kept)")
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds per repeat, at least")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for numpy's BLAS and for PyTorch (default 1: see run_step_benchmarks)")
    parser.add_argument("--rest", type=float, default=1.0,
                        help="with --threads above 1: seconds of idling around the PyTorch timings")
    parser.add_argument("--all", action="store_true", help="also time the book build, tests and grading")
    parser.add_argument("--explorers", action="store_true",
                        help="time the chapters' explorers per update (median, 95th percentile, drawing share)")
    parser.add_argument("--explorer-limit", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.explorers:
        import os

        print(f"explorers, one update = widget value set -> figure redrawn and sent "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(format_explorer_table(run_explorer_benchmarks(args.explorer_limit)))
        return 0
    with limited_threads(args.threads) as threads_line:
        print(threads_line)
        print(format_table(run_step_benchmarks(args.repeats, args.min_time, threads=args.threads,
                                               rest=args.rest)))
    if args.all:
        root = Path(__file__).resolve().parent.parent
        for label, result in run_project_timings(root).items():
            if result is None:
                print(f"{label}: no solution notebook found")
            else:
                seconds, status = result
                print(f"{label}: {seconds:.1f} s" + ("" if status == 0 else f" (exit status {status})"))
    return 0

