"""The exercises of issue 13's "more variety": gradient check, sympy derivations, digits, questions.

These run a solution's setup cells, an answer and the exercise's checks in this process (plain
``exec``, no kernel and no sandbox: the grader itself is tested in tests/test_grader.py), collect
what the checks ``report()``, and compare it with what the same checks report for the reference
answer, with the grader's own comparison and hints (:func:`nnlib.grade.grader.check_result`). They
show that the checks accept other correct answers and reject the slips they name, each with its
own hint. The last test times the digits exercise, whose cells must stay far below the grader's
10 s per cell.
"""

import ast
import re
import time
from pathlib import Path

import nbformat
import pytest

from nnlib import exercises as ex
from nnlib.grade import checks, grader, verdict

ROOT = Path(__file__).resolve().parents[1]


def notebook(stem):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def _reports(nb, exercise, answer_source):
    """{check cell index: Record} of running the setup cells, ``answer_source`` and the exercise's checks."""
    sent = []

    def report(key, value, **options):
        sent.append((key, verdict.plain(value)))

    namespace = {"report": report}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata.get("tags"):
            code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
            exec(compile(code, "<setup>", "exec"), namespace)
    exec(compile(answer_source, "<answer>", "exec"), namespace)
    records = {}
    for index, _, _ in ex.exercise_cells(nb)[exercise]["checks"]:
        sent.clear()
        try:
            exec(compile(nb.cells[index].source, "<check>", "exec"), namespace)
            records[index] = grader.Record("ok", reports=list(sent))
        except Exception as exc:  # noqa: BLE001 - a failing check is a result here
            records[index] = grader.Record("error", ename=type(exc).__name__, evalue=str(exc), reports=list(sent))
    return records


def run(stem, exercise, answer_source):
    """The CheckResults of ``answer_source`` against the reference answer of ``exercise``."""
    nb = notebook(stem)
    reference = "\n".join(nb.cells[i].source for i in ex.exercise_cells(nb)[exercise]["answers"])
    expected = {i: r.reports for i, r in _reports(nb, exercise, reference).items()}
    got = _reports(nb, exercise, answer_source)
    return [grader.check_result(nb.cells[i], i, points, hidden, got[i], expected[i], 10.0)
            for i, points, hidden in ex.exercise_cells(nb)[exercise]["checks"]]


def passes(results):
    return all(c.passed for c in results)


def chosen_hint(results):
    """Every hint the grader gives for these results (each failing report has its own)."""
    return " | ".join(f.hint for c in results for f in c.failures if f.hint) or None


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
    ("07_softmax_backprop", "ex6", "dL_dz = [s[k] * (1 - s[k]) - ys[k] for k in range(3)]", "delta_jk"),
    ("10_vanishing_gradients", "ex5", "dtanh_dx = sp.tanh(x) * (1 - sp.tanh(x))", "sigmoid's pattern"),
    ("10_vanishing_gradients", "ex6", "largest_factor = 0.25 ** 9", "count the factors"),
    ("10_vanishing_gradients", "ex6", "largest_factor = 1.0", "tanh"),
    ("09_optimizers", "ex6", "c = 1.0", "averaged form"),
    ("05_backpropagation", "ex4",
     "def numerical_gradient(f, x, h=1e-6):\n"
     "    g = np.zeros(x.shape)\n"
     "    for i in np.ndindex(x.shape):\n"
     "        o = x[i]; f0 = f(); x[i] = o + h; g[i] = (f() - f0) / h; x[i] = o\n"
     "    return g\n"
     "relative_error = lambda a, g: float(np.linalg.norm(np.subtract(a, g)) / max(np.linalg.norm(a) + np.linalg.norm(g), 1e-12))\n",
     "one-sided"),
    ("05_backpropagation", "ex4",
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


def offered_letters(nb, answer_index):
    """The letters of the options ("- **A.** ...") in the markdown cell above an answer cell."""
    text = next(nb.cells[i].source for i in range(answer_index, -1, -1) if nb.cells[i].cell_type == "markdown")
    return set(re.findall(r"^- \*\*([A-Z])\.\*\*", text, re.M))


def multiple_choice_exercises():
    """(set, exercise, the letters offered, the right one, {wrong letter: its hint})."""
    found = []
    for path in ex.solution_files(ROOT / "solutions"):
        nb = nbformat.read(path, as_version=4)
        for name, entry in ex.exercise_cells(nb).items():
            letters = offered_letters(nb, entry["answers"][0])
            for index, _, hidden in entry["checks"]:
                options = checks.report_options(nb.cells[index].source).get("choice")
                if hidden and options and letters:
                    stored = nb.cells[index].outputs[0]["metadata"][verdict.MIME]["value"]
                    found.append((path.stem, name, letters, stored, {v: h for v, h in options.get("wrong", [])}))
    return found


def test_there_are_multiple_choice_questions_in_several_sets():
    sets = {stem for stem, *_ in multiple_choice_exercises()}
    assert len(sets) >= 3, sets
    # not always the same letter
    assert len({right for *_, right, _ in multiple_choice_exercises()}) >= 2


@pytest.mark.parametrize("stem, exercise, letters, right, wrong", multiple_choice_exercises(),
                         ids=lambda v: v if isinstance(v, str) and len(v) > 1 else "")
def test_every_wrong_choice_has_its_own_hint(stem, exercise, letters, right, wrong):
    assert right in letters
    assert set(wrong) == letters - {right}
    assert len(set(wrong.values())) == len(letters) - 1
    for k in letters:
        results = run(stem, exercise, f"choice = {k!r}")
        assert passes(results) == (k == right)
        if k != right:  # the notebook shows no "passed" for it, and the grader gives its own hint
            assert chosen_hint(results) == wrong[k]


def test_the_gradient_check_forbids_the_library_helpers():
    nb = notebook("05_backpropagation")
    answer = nb.cells[ex.exercise_cells(nb)["ex4"]["answers"][0]]
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
def test_a_wrong_interpretation_answer_fails_with_its_hint_and_no_visible_check_passes_it(stem, exercise, source, word):
    # an interpretation question has no visible check: a form check ("a number: True") would show a
    # wrong answer as passed, and a value check would show the answer in the student version
    results = run(stem, exercise, with_answer(stem, exercise, source))
    nb = notebook(stem)
    entry = ex.exercise_cells(nb)[exercise]
    question = {n.id for n in ast.walk(ast.parse(nb.cells[entry["answers"][-1]].source))
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    about_the_question = {i for i, _, hidden in entry["checks"] if not hidden and question
                          & {n.id for n in ast.walk(ast.parse(nb.cells[i].source)) if isinstance(n, ast.Name)}}
    assert not about_the_question, "a visible check of the question's answer"
    assert not passes(results)
    assert word in (chosen_hint(results) or "")


@pytest.mark.parametrize("stem, exercise", sorted({(s, e) for s, e, *_ in INTERPRETATION_SLIPS}))
def test_the_interpretation_questions_accept_their_answer_and_compute_the_truth(stem, exercise):
    nb = notebook(stem)
    assert passes(run(stem, exercise, with_answer(stem, exercise, nb.cells[ex.exercise_cells(nb)[exercise]["answers"][-1]].source)))
    # the hidden check reports the student's answer: the expected value comes from the reference's run,
    # never from a literal in the check (literals appear only as typical wrong answers, in wrong=)
    hidden = [nb.cells[i].source for i, _, is_hidden in ex.exercise_cells(nb)[exercise]["checks"] if is_hidden][-1]
    for call in (n for n in ast.walk(ast.parse(hidden)) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "report"):
        assert not isinstance(call.args[1], ast.Constant)
    assert "==" not in hidden
