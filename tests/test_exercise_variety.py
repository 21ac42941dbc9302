"""The exercises of issue 13's "more variety": gradient check, sympy derivations, digits, questions.

These run a solution's setup cells, an answer and the exercise's checks in this process (plain
``exec``, no kernel and no sandbox: the grader itself is tested in tests/test_grader.py) to show
that the checks accept other correct answers and reject the slips they name, with the hint the
grader would choose. The last test times the digits exercise, whose cells must stay far below
the grader's 10 s per cell.
"""

import contextlib
import io
import re
import time
from pathlib import Path

import nbformat
import pytest

from nnlib import exercises as ex

ROOT = Path(__file__).resolve().parents[1]


def notebook(stem):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def run(stem, exercise, answer_source):
    """Run the setup cells, ``answer_source`` and every check of ``exercise``.

    Returns a list of (check cell, printed text or the exception's type name, stored text).
    """
    nb = notebook(stem)
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata.get("tags"):
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, "<setup>", "exec"), namespace)
    exec(compile(answer_source, "<answer>", "exec"), namespace)
    results = []
    for index, _, _ in ex.exercise_cells(nb)[exercise]["checks"]:
        cell = nb.cells[index]
        stored = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                exec(compile(cell.source, "<check>", "exec"), namespace)
            printed = buffer.getvalue()
        except Exception as exc:  # noqa: BLE001 - a failing check is a result here
            printed = type(exc).__name__
        results.append((cell, printed, stored))
    return results


def passes(results):
    return all(printed == stored for _, printed, stored in results)


def chosen_hint(results):
    """The hint the grader would give: the first matching mistake of the first failed check."""
    for cell, printed, stored in results:
        if printed != stored:
            meta = cell.metadata.get("nnlib", {})
            for mistake in meta.get("mistakes", []):
                if "output" in mistake and printed == mistake["output"]:
                    return mistake["hint"]
                if "contains" in mistake and mistake["contains"] in printed:
                    return mistake["hint"]
            return meta.get("hint")
    return None


# (set, exercise, another correct answer)
EQUIVALENT = [
    ("04_losses", "ex6", "dL_dz = sp.exp(z) / (1 + sp.exp(z)) - y"),
    ("07_softmax_backprop", "ex6",
     "S = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)\n"
     "dL_dz = [sp.exp(z1) / S - y1, sp.exp(z2) / S - y2, sp.exp(z3) / S - 1 + y1 + y2]"),
    ("10_vanishing_gradients", "ex5", "dtanh_dx = 4 / (sp.exp(x) + sp.exp(-x)) ** 2"),
    ("10_vanishing_gradients", "ex6", "largest_factor = 1 / 4 ** 10"),
    ("09_optimizers", "ex6", "c = 10"),
    ("08_xor_xnor", "ex6", 'choice = " c "'),
]


@pytest.mark.parametrize("stem, exercise, source", EQUIVALENT, ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "")
def test_checks_accept_another_correct_answer(stem, exercise, source):
    assert passes(run(stem, exercise, source))


# (set, exercise, a wrong answer, a word of the hint it must get)
SLIPS = [
    ("04_losses", "ex6", "dL_dz = y - 1 / (1 + sp.exp(-z))", "sign"),
    ("04_losses", "ex6", "a = 1 / (1 + sp.exp(-z))\ndL_dz = (a - y) * a * (1 - a)", "1/2 (a - y)^2"),
    ("04_losses", "ex6", "dL_dz = 0.5", "sympy functions"),
    ("07_softmax_backprop", "ex6", "dL_dz = [Y[k] * (1 - Y[k]) - ys[k] for k in range(3)]", "delta_jk"),
    ("10_vanishing_gradients", "ex5", "dtanh_dx = sp.tanh(x) * (1 - sp.tanh(x))", "sigmoid's pattern"),
    ("10_vanishing_gradients", "ex6", "largest_factor = 0.25 ** 9", "count the factors"),
    ("10_vanishing_gradients", "ex6", "largest_factor = 1.0", "tanh"),
    ("09_optimizers", "ex6", "c = 1.0", "averaged form"),
    ("05_backpropagation", "ex6",
     "def numerical_gradient(f, x, h=1e-6):\n"
     "    g = np.zeros(x.shape)\n"
     "    for i in np.ndindex(x.shape):\n"
     "        o = x[i]; f0 = f(); x[i] = o + h; g[i] = (f() - f0) / h; x[i] = o\n"
     "    return g\n"
     "relative_error = lambda a, g: float(np.linalg.norm(np.subtract(a, g)) / max(np.linalg.norm(a) + np.linalg.norm(g), 1e-12))\n",
     "one-sided"),
    ("05_backpropagation", "ex6",
     "def numerical_gradient(f, x, h=1e-6):\n"
     "    g = np.zeros(x.shape)\n"
     "    for i in np.ndindex(x.shape):\n"
     "        o = x[i]; x[i] = o + h; fp = f(); x[i] = o - h; fm = f(); g[i] = (fp - fm) / (2 * h)\n"
     "    return g\n"
     "relative_error = lambda a, g: 0.0\n",
     "put every entry of x back"),
    ("11_training_in_practice", "ex6",
     "def train_digits(X_train, y_train, rng):\n"
     "    net = nn.mlp([64, 10], output='softmax', rng=rng)\n"
     "    return lambda X: net.forward(X)\n",
     "one integer label per row"),
]


@pytest.mark.parametrize("stem, exercise, source, word", SLIPS, ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "")
def test_checks_reject_a_slip_with_its_hint(stem, exercise, source, word):
    results = run(stem, exercise, source)
    assert not passes(results)
    assert word in (chosen_hint(results) or "")


def test_renamed_library_helpers_do_not_pass_the_gradient_check():
    results = run("05_backpropagation", "ex6",
                  "numerical_gradient = nn.numerical_gradient\nrelative_error = nn.relative_error\n")
    assert [printed == stored for _, printed, stored in results] == [True, False]


def multiple_choice_exercises():
    """(set, exercise, the letters offered, the right one, the mistakes of its hidden check)."""
    found = []
    for path in ex.solution_files(ROOT / "solutions"):
        nb = nbformat.read(path, as_version=4)
        for name, entry in ex.exercise_cells(nb).items():
            sources = [nb.cells[i].source for i, _, _ in entry["checks"]]
            right = [re.search(r'"right" if picked == "([A-Z])"', s) for s in sources]
            offered = [re.search(r'in (\([^)]*\))', s) for s in sources]
            if any(right) and any(offered):
                hidden = next(nb.cells[i] for (i, _, _), r in zip(entry["checks"], right) if r)
                letters = set(eval(next(o for o in offered if o).group(1)))  # a tuple literal of letters
                found.append((path.stem, name, letters, next(r for r in right if r).group(1),
                              hidden.metadata["nnlib"].get("mistakes", [])))
    return found


def test_there_are_multiple_choice_questions_in_several_sets():
    sets = {stem for stem, *_ in multiple_choice_exercises()}
    assert len(sets) >= 3, sets
    # not always the same letter
    assert len({right for *_, right, _ in multiple_choice_exercises()}) >= 2


@pytest.mark.parametrize("stem, exercise, letters, right, mistakes", multiple_choice_exercises(),
                         ids=lambda v: v if isinstance(v, str) and len(v) > 1 else "")
def test_every_wrong_choice_has_its_own_hint(stem, exercise, letters, right, mistakes):
    assert right in letters
    hinted = {m["output"] for m in mistakes if "output" in m}
    assert hinted == {f"choice {k}: wrong\n" for k in letters - {right}}
    assert len({m["hint"] for m in mistakes}) == len(letters) - 1
    for k in letters:
        results = run(stem, exercise, f"choice = {k!r}")
        assert passes(results) == (k == right)


def test_the_gradient_check_forbids_the_library_helpers():
    nb = notebook("05_backpropagation")
    answer = nb.cells[ex.exercise_cells(nb)["ex6"]["answers"][0]]
    assert {"nnlib.gradcheck.numerical_gradient", "nnlib.gradcheck.relative_error"} <= set(ex.forbidden_of(answer))


def test_the_digits_exercise_stays_fast():
    # reference answer, both checks; the grader allows 10 s per cell on a loaded machine
    nb = notebook("11_training_in_practice")
    answer = nb.cells[ex.exercise_cells(nb)["ex6"]["answers"][0]].source
    start = time.perf_counter()
    results = run("11_training_in_practice", "ex6", answer)
    elapsed = time.perf_counter() - start
    assert passes(results)
    assert elapsed < 8.0, f"digits exercise took {elapsed:.1f} s"


# --------------------------------------------------------------------------- interpretation questions
def with_answer(stem, exercise, source):
    """The solution's answer cells of ``exercise`` with the last one (the question) replaced by ``source``."""
    nb = notebook(stem)
    sources = [nb.cells[i].source for i in ex.exercise_cells(nb)[exercise]["answers"]]
    return "\n".join(sources[:-1] + [source])


# (set, exercise, a wrong answer to its interpretation question, a word of the hint it must get)
INTERPRETATION_SLIPS = [
    ("03_forward_propagation", "ex6", 'choice = "A"', "5 activations"),
    ("03_forward_propagation", "ex6", 'choice = "B"', "broadcasting"),
    ("04_losses", "ex4", "mse_shift, mae_shift = 72.0, 72.0", "median"),
    ("04_losses", "ex4", "mse_shift, mae_shift = 360.0, 0.0", "360 / 5"),
    ("07_softmax_backprop", "ex2", "loss_change, lowered_most = 0.07, 2", "negative"),
    ("07_softmax_backprop", "ex2", "loss_change, lowered_most = -0.07, 3", "largest positive"),
    ("11_training_in_practice", "ex4", "smallest_patience = 5", "epoch 6"),
    ("11_training_in_practice", "ex4", "smallest_patience = 7", "one less"),
    ("11_training_in_practice", "ex4", "smallest_patience = 4", "not count"),
]


@pytest.mark.parametrize("stem, exercise, source, word", INTERPRETATION_SLIPS,
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_a_wrong_interpretation_answer_passes_the_visible_checks_and_fails_a_hidden_one(stem, exercise, source, word):
    # the visible checks only say the answer has the right form: their output does not give the answer away
    results = run(stem, exercise, with_answer(stem, exercise, source))
    visible = [printed == stored for cell, printed, stored in results if "hidden" not in cell.metadata["tags"]]
    assert visible and all(visible)
    assert not passes(results)
    assert word in (chosen_hint(results) or "")


@pytest.mark.parametrize("stem, exercise", sorted({(s, e) for s, e, *_ in INTERPRETATION_SLIPS}))
def test_the_interpretation_questions_accept_their_answer_and_compute_the_truth(stem, exercise):
    nb = notebook(stem)
    assert passes(run(stem, exercise, with_answer(stem, exercise, nb.cells[ex.exercise_cells(nb)[exercise]["answers"][-1]].source)))
    # the hidden check computes what is right from the problem's data: no answer letter or number in its text
    hidden = [nb.cells[i].source for i, _, is_hidden in ex.exercise_cells(nb)[exercise]["checks"] if is_hidden][-1]
    assert "72" not in hidden and "-0.07" not in hidden and "== 6" not in hidden
