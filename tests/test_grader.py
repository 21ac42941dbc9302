"""The grader (nnlib/grade/, run as nnlib.grade): full marks for the solutions, zero for the
stubs, feedback per check, and no cheat on the backprop set scores more than the same wrong answer.

Each grading run starts a sandboxed kernel (about 1.5-3 s), so the cheating and timeout
submissions are graded together in one class-mode run, two at a time. The attacks of issues 12
and 22 (the kernel attacking the grader) are in tests/test_grader_attacks.py.

These tests run with bubblewrap and without it (the fallback): class mode is then run with
``accept_risk=True``, as an instructor who passed ``--accept-unsandboxed-risk`` would.
"""

import copy
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib import exercises as ex
from nnlib import grade
from nnlib.grade import sandbox, verdict

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ex.solution_files(ROOT / "solutions")
EXERCISES = sorted(p for p in (ROOT / "exercises").glob("*.ipynb") if ex.SET_NAME.match(p.stem))
BACKPROP = "05_backpropagation"
REFERENCE = ROOT / "solutions" / f"{BACKPROP}.ipynb"
#: per-cell timeout for the timeout tests: long enough for any real cell on a loaded machine
SHORT_TIMEOUT = 5.0


def read(path):
    return nbformat.read(path, as_version=4)


def solution_answers(set_name):
    """{cell id: answer source} of a solution notebook."""
    nb = read(ROOT / "solutions" / f"{set_name}.ipynb")
    return {c.id: c.source for c in nb.cells if ex.cell_role(c) == "answer"}


def answer_cell(nb, exercise):
    return next(c for c in nb.cells if ex.cell_role(c) == "answer" and ex.exercise_name(c) == exercise)


def visible_check(nb, exercise):
    return next(c for c in nb.cells if ex.cell_role(c) == "check" and ex.exercise_name(c) == exercise)


def solved(set_name=BACKPROP):
    """The student notebook with every answer cell filled in from the solution."""
    nb = read(ROOT / "exercises" / f"{set_name}.ipynb")
    answers = solution_answers(set_name)
    for cell in nb.cells:
        if cell.get("id") in answers:
            cell.source = answers[cell.id]
    return nb


def write(folder, name, nb):
    path = Path(folder) / f"{name}.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def with_answer(exercise, source, set_name=BACKPROP):
    nb = solved(set_name)
    answer_cell(nb, exercise).source = source
    return nb


# A plausible mistake in exercise 1 (a Dense layer's backward pass): the bias gradient averaged instead of summed.
WRONG_EX2 = '''\
def dense_backward(X, W, grad_out):
    dW = X.T @ grad_out
    db = grad_out.mean(axis=0, keepdims=True)
    dX = grad_out @ W.T
    return dW, db, dX
'''

# Exercise 1's visible check: the values a right answer reports (public: they are in the exercise notebook).
VISIBLE_EX2 = {"dW": [[2.5, 6.0, 2.0], [1.5, -2.0, -3.0]], "db": [[1.5, 2.0, 0.0]], "dX": [[-1.5, 1.5], [0.25, 0.0]]}

# The wrong answer plus a report() that sends, for every key the visible check reports, the value a
# right answer reports: it forges the visible check (its expected values are public); the hidden
# checks' values are not in the kernel.
FORGED_REPORT = WRONG_EX2 + f'''
import numpy as _np
from nnlib.grade import verdict as _verdict
_real_report = _verdict.report
_targets = {VISIBLE_EX2!r}


def report(key, value, **options):
    return _real_report(key, _np.array(_targets[key]) if key in _targets else value)


_verdict.report = report
'''


def cheating_submissions():
    """{file stem: notebook}: the wrong answer to ex1, alone and with each cheat."""
    subs = {}
    base = solved()
    # The solved notebook, with NBVAL_SKIP on one answer cell: the grader ignores the
    # marker and runs the answer, so this scores full marks.
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex2").source = "# NBVAL_SKIP\n" + answer_cell(nb, "ex2").source
    subs["solved"] = nb
    wrong = copy.deepcopy(base)
    answer_cell(wrong, "ex1").source = WRONG_EX2
    subs["wrong"] = wrong
    # 1. the stored output of the check edited to what a right answer reports
    nb = copy.deepcopy(wrong)
    visible_check(nb, "ex1").outputs = copy.deepcopy(visible_check(base, "ex1").outputs)
    subs["cheat_edited_output"] = nb
    # 2. NBVAL_IGNORE_OUTPUT in the check cell (and the answer cell)
    nb = copy.deepcopy(wrong)
    visible_check(nb, "ex1").source = "# NBVAL_IGNORE_OUTPUT\n" + visible_check(nb, "ex1").source
    answer_cell(nb, "ex1").source = "# NBVAL_IGNORE_OUTPUT\n" + WRONG_EX2
    subs["cheat_ignore_marker"] = nb
    # 3. the check cell stored unexecuted, 4. deleted, 5. rewritten to report the right values
    nb = copy.deepcopy(wrong)
    cell = visible_check(nb, "ex1")
    cell.outputs, cell.execution_count = [], None
    subs["cheat_unexecuted_check"] = nb
    nb = copy.deepcopy(wrong)
    nb.cells = [c for c in nb.cells if c is not visible_check(nb, "ex1")]
    subs["cheat_deleted_check"] = nb
    nb = copy.deepcopy(wrong)
    visible_check(nb, "ex1").source = "".join(f"report({k!r}, np.array({v!r}))\n" for k, v in VISIBLE_EX2.items())
    subs["cheat_rewritten_check"] = nb
    # 6. report() replaced by one that sends the visible check's right values
    nb = copy.deepcopy(wrong)
    answer_cell(nb, "ex1").source = FORGED_REPORT
    subs["cheat_forged_report"] = nb
    # 7. a foreign kernelspec
    nb = copy.deepcopy(wrong)
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    subs["cheat_foreign_kernel"] = nb

    # An endless loop in ex2 (interrupted); in the same notebook every cell id changed (answers are
    # then found by exercise name) and the answer to ex4 deleted.
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex2").source = "while True:\n    pass\n"
    for i, cell in enumerate(nb.cells):
        cell.id = f"renamed-{i}"
    nb.cells = [c for c in nb.cells if not (ex.cell_role(c) == "answer" and ex.exercise_name(c) == "ex4")]
    subs["loop_ex2_ids_changed_ex4_deleted"] = nb
    # An endless loop inside the function a check calls, 6. one that swallows the interrupt (the kernel
    # is stopped, and the notebook runs again with the stub in place of that answer).
    subs["loop_in_function_ex1"] = with_answer("ex1", "def dense_backward(X, W, grad_out):\n    while True:\n        pass\n")
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex2").source = (
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except KeyboardInterrupt:\n        pass\n"
    )
    subs["stubborn_loop_ex2"] = nb
    return subs


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name, nb in cheating_submissions().items():
        write(folder, name, nb)  # as a student's Jupyter would write it
    (folder / "not_a_notebook.ipynb").write_text("{ this is not json", encoding="utf-8")
    (folder / "notes.txt").write_text("not a notebook", encoding="utf-8")
    # a file name that is not UTF-8 (an archive made on another system)
    (folder / os.fsdecode(b"caf\xe9.ipynb")).write_text(nbformat.writes(solved()), encoding="utf-8")
    csv_path = folder / "scores.csv"
    out = io.StringIO()
    results = grade.grade_class(folder, csv_path, reference=REFERENCE, timeout=SHORT_TIMEOUT, jobs=2, out=out,
                                accept_risk=True)
    return {r.submission.stem: r for r in results}, csv_path, out.getvalue()


def points(result):
    return {e.name: e.points for e in result.exercises}


def by_name(result, exercise):
    return next(e for e in result.exercises if e.name == exercise)


def table(result):
    return grade.format_result(result)


# --------------------------------------------------------------------------- full marks, zero


@pytest.fixture(scope="module")
def graded_sets():
    """Every solution and every shipped exercise notebook, graded two at a time."""
    paths = SOLUTIONS + EXERCISES
    return dict(zip(paths, grade.grade_many(paths, jobs=2)))


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_scores_full_marks(graded_sets, path):
    result = graded_sets[path]
    assert result.error is None, result.error
    assert result.exercises, f"{path.name} has no exercises"
    assert result.full_marks and result.total == result.max_total > 0, table(result)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_scores_zero(graded_sets, path):
    result = graded_sets[path]
    assert result.error is None, result.error
    assert result.max_total > 0
    assert [e.points for e in result.exercises] == [0] * len(result.exercises)
    assert all("NotImplementedError" in e.reason for e in result.exercises), table(result)


def test_grading_one_notebook_takes_at_most_3_s(graded_sets):
    """Issue 22: <= 3 s per notebook (kernel start, the setup, every cell; the reference's values cached).
    Measured on a solution graded again, best of two, so that another job's burst does not decide it."""
    path = ROOT / "solutions" / f"{BACKPROP}.ipynb"
    seconds = min(grade.grade_notebook(path).seconds for _ in range(2))
    print(f"\ngrading {path.name}: {seconds:.2f} s")
    assert seconds <= 3.0 * max(1.0, os.getloadavg()[0] / os.cpu_count()), f"{seconds:.1f} s"


# --------------------------------------------------------------------------- feedback per check


def test_every_failing_check_is_reported_with_its_own_hint(class_run):
    results, _, _ = class_run
    wrong = results["wrong"]
    assert points(wrong)["ex1"] == 0 and wrong.total == wrong.max_total - 3, table(wrong)
    ex1 = by_name(wrong, "ex1")
    failed = [c for c in ex1.checks if not c.passed]
    assert len(failed) == 3  # the visible check and both hidden ones, not only the first
    assert [f.key for f in failed[0].failures] == ["db"]  # dW and dX are right: not reported
    assert failed[0].failures[0].expected == "[[1.5, 2, 0]]" and failed[0].failures[0].got == "[[0.75, 1, 0]]"
    assert "sum(axis=0" in failed[0].failures[0].hint
    assert "sum over the samples" in failed[1].failures[0].hint  # the hidden check's own hint
    text = table(wrong)
    assert text.count("hint:") >= 3 and "visible check, db:" in text and "hidden check 1, db" in text


WORKED = "06_backprop_worked_examples"  # the 2-2-2 network's exercises (chapter 6)


@pytest.fixture(scope="module")
def feedback_run(tmp_path_factory):
    """Single mistakes, one notebook each: which hint each gets."""
    folder = tmp_path_factory.mktemp("feedback")
    subs = {
        "ex1_wrong_factor": with_answer("ex1", "delta2_1 = (0.631602020 - 0.90) * 0.631602020 * (1 - 0.631602020)\n"
                                               "dL_dw2_21 = delta2_1 * 0.584190523\n", set_name=WORKED),
        "ex3_only_into_unit_1": with_answer("ex3", 'zero_gradients = {"w1_11", "w1_21", "b1_1"}\n'),
        "ex3_only_out_of_unit_1": with_answer("ex3", 'zero_gradients = {"w2_11", "w2_12"}\n'),
        "ex3_a_list": with_answer("ex3", 'zero_gradients = ["w1_11", "w1_21"]\n'),
        "ex2_updated_weights": with_answer("ex2", (
            "def sgd_step(W1, b1, W2, b2, x, y, eta):\n"
            "    s = lambda z: 1 / (1 + np.exp(-z))\n"
            "    a1 = s(x @ W1 + b1); a2 = s(a1 @ W2 + b2)\n"
            "    d2 = (a2 - y) * a2 * (1 - a2)\n"
            "    W2n = W2 - eta * a1.T @ d2\n"
            "    d1 = (d2 @ W2n.T) * a1 * (1 - a1)\n"
            "    return W1 - eta * x.T @ d1, b1 - eta * d1, W2n, b2 - eta * d2\n"), set_name=WORKED),
    }
    paths = [write(folder, name, nb) for name, nb in subs.items()]
    # each notebook's reference is found by its metadata (set 05 or set 06)
    return {r.submission.stem: r for r in grade.grade_many(paths, timeout=20, jobs=2)}


def test_the_hint_names_the_wrong_factor(feedback_run):
    ex1 = by_name(feedback_run["ex1_wrong_factor"], "ex1")
    failures = [f for c in ex1.checks for f in c.failures]
    assert [f.key for f in failures if f.key] == ["dL_dw2_21"]  # delta2_1 was right: not blamed
    assert "multiplies a[1]_2" in failures[0].hint


def test_an_interpretation_question_never_passes_a_wrong_answer_and_each_gets_its_own_hint(feedback_run):
    hints = {}
    for name in ("ex3_only_into_unit_1", "ex3_only_out_of_unit_1"):
        ex3 = by_name(feedback_run[name], "ex3")
        assert ex3.points == 0
        # no visible check: a form check would say "passed" for a wrong set, a value check would show the answer
        (hidden,) = ex3.checks
        assert hidden.hidden and not hidden.passed
        hints[name] = hidden.failures[0].hint
    assert "w2_11 and w2_12" in hints["ex3_only_into_unit_1"] and "ReLU'(z[1]_1) = 0" in hints["ex3_only_out_of_unit_1"]
    assert hints["ex3_only_into_unit_1"] != hints["ex3_only_out_of_unit_1"]
    ex3 = by_name(feedback_run["ex3_a_list"], "ex3")
    assert not ex3.checks[0].passed and "which gradients are multiplied" in ex3.checks[0].failures[0].hint


def test_a_typical_slip_gets_its_own_hint(feedback_run):
    ex2 = by_name(feedback_run["ex2_updated_weights"], "ex2")
    assert "after its update" in ex2.checks[0].failures[0].hint


def test_counts_and_checks_without_inputs_are_worded_plainly(feedback_run, class_run):
    text = table(feedback_run["ex3_only_into_unit_1"])
    assert "(of " not in text and "on other inputs)" not in text  # no "passed: 3 (of 1, 3)"
    assert re.search(r"ex3 +0/2 +FAILED \(0/1 checks passed\)", text), text
    assert "hidden check, the parameters with zero gradient" in text


# --------------------------------------------------------------------------- cheats


def test_solved_submission_scores_full_marks(class_run):
    results, _, _ = class_run
    assert results["solved"].full_marks, table(results["solved"])


@pytest.mark.parametrize("cheat", [
    "cheat_edited_output", "cheat_ignore_marker", "cheat_unexecuted_check", "cheat_deleted_check",
    "cheat_rewritten_check", "cheat_forged_report", "cheat_foreign_kernel",
])
def test_cheat_scores_no_more_than_the_wrong_answer(class_run, cheat):
    results, _, _ = class_run
    wrong, cheating = results["wrong"], results[cheat]
    assert cheating.error is None, cheating.error
    assert points(cheating)["ex1"] == 0, table(cheating)
    assert cheating.total <= wrong.total, table(cheating)


def test_a_forged_report_passes_at_most_the_public_visible_check(class_run):
    """The visible check's right values are public (they are in the exercise notebook): a forged
    report() can send them. The hidden checks' values exist only in the reference run, so the
    exercise (all-or-nothing) still scores 0."""
    results, _, _ = class_run
    ex1 = by_name(results["cheat_forged_report"], "ex1")
    assert [c.passed for c in ex1.checks] == [True, False, False], table(results["cheat_forged_report"])


# --------------------------------------------------------------------------- timeouts, matching


@pytest.mark.parametrize("name, lost", [
    ("loop_ex2_ids_changed_ex4_deleted", ("ex2", "ex4")),
    ("loop_in_function_ex1", ("ex1",)),
    ("stubborn_loop_ex2", ("ex2",)),
])
def test_an_endless_loop_costs_only_its_exercise_and_is_called_a_time_limit(class_run, name, lost):
    results, _, _ = class_run
    r = results[name]
    assert r.error is None, r.error
    expected = {e.name: (0 if e.name in lost else e.max_points) for e in r.exercises}
    assert points(r) == expected, table(r)
    looping = by_name(r, lost[0])
    text = table(r)
    assert "time limit" in text and f"{SHORT_TIMEOUT:g} s" in text, text
    assert "NotImplementedError" not in looping.reason and "ignored" not in text
    if "ex4" in lost:
        assert "no answer cell" in by_name(r, "ex4").reason


def test_class_mode_writes_a_row_per_file(class_run):
    results, csv_path, log = class_run
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [e.name for e in results["solved"].exercises]
    assert list(rows[0])[:2] == ["student", "exercise_set"] and list(rows[0])[-3:] == ["total", "max", "note"]
    assert list(rows[0])[2:-3] == names
    students = [row["student"] for row in rows]
    assert "caf\\xe9.ipynb" in students and "notes.txt" in students and len(rows) == len(results)
    by_student = {row["student"]: row for row in rows}
    assert by_student["caf\\xe9.ipynb"]["total"] == "13"  # graded like any other
    assert "not a notebook" in by_student["notes.txt"]["note"]
    assert "cannot read" in by_student["not_a_notebook.ipynb"]["note"]
    for row in rows:
        r = results[Path(os.fsdecode(row["student"].encode().decode("unicode_escape").encode("latin-1"))).stem
                    if "\\x" in row["student"] else Path(row["student"]).stem]
        if r.error:
            assert row["note"] and row["total"] == "0"
            continue
        assert row["exercise_set"] == BACKPROP
        assert [float(row[n]) for n in names] == [e.points for e in r.exercises]
    assert f"wrote {csv_path}" in log
    feedback = csv_path.with_name("scores_feedback")
    assert (feedback / "caf_xe9.md").is_file() and (feedback / "wrong.md").is_file()
    text = (feedback / "wrong.md").read_text(encoding="utf-8")
    assert "hidden check 1, db" in text and "hint:" in text


def test_an_unwritable_csv_is_reported_and_written_elsewhere(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("{", encoding="utf-8")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no folder can be made here", encoding="utf-8")
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        grade.grade_class(folder, blocked / "scores.csv", timeout=5, out=out, accept_risk=True)
    finally:
        os.chdir(old)
    err = capsys.readouterr().err
    assert "could not write the CSV" in err and "written to" in err
    assert list(tmp_path.glob("nnlib-grade-scores-*.csv"))


# --------------------------------------------------------------------------- fail closed, self-check


def test_class_mode_refuses_to_run_without_a_sandbox(tmp_path):
    box = sandbox.detect(force_fallback=True)
    (tmp_path / "a.ipynb").write_text(nbformat.writes(solved()), encoding="utf-8")
    with pytest.raises(grade.GradingError) as info:
        grade.grade_class(tmp_path, tmp_path / "s.csv", reference=REFERENCE, sandbox=box, out=io.StringIO())
    message = str(info.value)
    assert "apt-get install bubblewrap" in message and "--accept-unsandboxed-risk" in message
    assert "can read every file" in message  # what is not protected
    assert not (tmp_path / "s.csv").exists()
    proc = subprocess.run([sys.executable, "-m", "nnlib.grade", "--class", str(tmp_path), "--csv",
                           str(tmp_path / "s.csv"), "--reference", str(REFERENCE)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=dict(os.environ, NNLIB_GRADE_NO_BWRAP="1"))
    assert proc.returncode == 2 and "--accept-unsandboxed-risk" in proc.stderr


def test_a_private_reference_needs_the_sandbox_too(tmp_path):
    """One notebook graded against a reference outside this repository's solutions/ (an instructor's)
    is class grading as well: refused without bubblewrap; the public solutions/ are not."""
    private = tmp_path / "private"
    private.mkdir()
    (private / f"{BACKPROP}.ipynb").write_bytes(REFERENCE.read_bytes())
    path = write(tmp_path, "alice", solved())
    env = dict(os.environ, NNLIB_GRADE_NO_BWRAP="1")
    proc = subprocess.run([sys.executable, "-m", "nnlib.grade", str(path), "--solutions", str(private)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert proc.returncode == 2 and "--accept-unsandboxed-risk" in proc.stderr, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "nnlib.grade", str(path), "--reference", str(REFERENCE)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert proc.returncode == 0 and "full marks" in proc.stdout, proc.stdout + proc.stderr


def test_self_check_without_the_solutions_runs_the_visible_checks(tmp_path):
    nb = solved()
    answer_cell(nb, "ex1").source = WRONG_EX2
    path = write(tmp_path, "mine", nb)
    empty = tmp_path / "no_solutions"
    empty.mkdir()
    result = grade.grade_notebook(path, solutions_dir=empty)
    assert result.error is None and result.self_check, result.error
    assert all(not c.hidden for e in result.exercises for c in e.checks)
    assert points(result) == {"ex1": 0, "ex2": 1, "ex4": 1, "ex6": 1}, table(result)  # ex3, ex5: checked by the grader only
    text = table(result)
    assert "hidden checks" in text and "need the reference" in text and "expected: [[1.5, 2, 0]]" in text


def test_cli_prints_the_table_and_exits_non_zero_below_full_marks(tmp_path):
    nb = solved()
    answer_cell(nb, "ex1").source = WRONG_EX2
    path = write(tmp_path, "bob", nb)  # found through the notebook metadata, not the file name
    proc = subprocess.run([sys.executable, "-m", "nnlib.grade", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and "expected: [[1.5, 2, 0]]" in proc.stdout and "got:      [[0.75, 1, 0]]" in proc.stdout
    assert "hint:" in proc.stdout and re.search(r"total +10/13", proc.stdout)


# --------------------------------------------------------------------------- nbval grades


def _pytest_nbval(folder, *names):
    return subprocess.run(
        [sys.executable, "-m", "pytest", *names, "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-cell-timeout=60", "-n", "0", "-q", "--tb=short", "-rf", "--rootdir", str(ROOT),
         "-c", str(ROOT / "pyproject.toml")],
        capture_output=True, text=True, cwd=folder, timeout=600)


def test_nbval_grades_an_exercise_notebook_honestly(tmp_path):
    """`pytest --nbval` on an exercise notebook: the fresh run is compared with the reference's values
    (never with what the student saved); one failing item per failing exercise, with its hint."""
    folder = ROOT / "exercises"
    good, bad = folder / "zz_test_solved.ipynb", folder / "zz_test_wrong.ipynb"
    wrong = solved()
    answer_cell(wrong, "ex1").source = WRONG_EX2
    # the wrong answer "run and saved": its check cell stores the right values (what plain nbval compares with)
    visible_check(wrong, "ex1").outputs = copy.deepcopy(visible_check(solved(), "ex1").outputs)
    try:
        good.write_text(nbformat.writes(solved()), encoding="utf-8")
        bad.write_text(nbformat.writes(wrong), encoding="utf-8")
        proc = _pytest_nbval(ROOT, str(good), str(bad))
    finally:
        good.unlink(missing_ok=True)
        bad.unlink(missing_ok=True)
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert failed == ["FAILED exercises/zz_test_wrong.ipynb::ex1 - ex1: 0/3 points"], proc.stdout[-3000:]
    assert "11 passed" in proc.stdout and "hint: b collects g_j" in proc.stdout


# --------------------------------------------------------------------------- the merged notebook


def test_merged_notebook_takes_only_answer_source_from_the_submission():
    reference = ex.read_notebook(REFERENCE)
    exercises_table = ex.exercise_cells(reference)
    submission = solved()
    visible_check(submission, "ex2").source = "print('forged')"
    answer_cell(submission, "ex1").source = "# NBVAL_SKIP\ndelta_o1 = dE_dw6 = 0.0\n"
    submission.metadata["kernelspec"] = {"name": "evil"}
    answers = grade.submitted_answers(submission, reference, exercises_table)
    plan = grade.build_plan(reference, exercises_table, answers)
    code = [c for c in reference["cells"] if c["cell_type"] == "code"]
    assert len(plan) == len(code)
    for step in plan:
        ref_cell = reference["cells"][step.index]
        if step.role == "answer":
            assert "NBVAL_SKIP" not in step.source
        else:
            assert step.source == ex.source_of(ref_cell)  # the reference's check and setup cells, as they are
    assert "forged" not in json.dumps([s.source for s in plan])


def test_neutralise_markers():
    src = "x = 1\n  #  NBVAL_SKIP\n# nbval_raises_exception\n# a normal comment"
    out = grade.neutralise_markers(src)
    assert "NBVAL" not in out.upper() and out.startswith("x = 1\n  # ") and out.endswith("# a normal comment")


def test_reference_found_by_metadata_then_file_name(tmp_path):
    nb = read(ROOT / "exercises" / f"{BACKPROP}.ipynb")
    path = tmp_path / "alice.ipynb"
    assert grade.find_reference(path, nb) == REFERENCE
    nb.metadata.pop("nnlib")
    assert grade.find_reference(tmp_path / f"{BACKPROP}.ipynb", nb).stem == BACKPROP
    assert grade.find_reference(path, nb).stem == BACKPROP  # by the ids of its answer cells
    nb.metadata["nnlib"] = {"exercise_set": "../../etc/passwd"}
    assert grade.find_reference(path, nb).stem == BACKPROP
    for cell in nb.cells:
        cell.id = "x" + cell.id
    with pytest.raises(grade.GradingError, match="no reference solution"):
        grade.find_reference(path, nb)


def test_grading_loads_no_notebook_validator():
    """The grader reads notebooks as JSON and drives the kernel with jupyter_client: neither
    nbformat nor jsonschema (a third of a second, more with rfc3987_syntax) is imported to grade."""
    code = ("import sys; from nnlib.grade import grader; "
            "print(sorted(m for m in ('nbformat', 'jsonschema', 'rfc3987_syntax', 'numpy') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_report_refuses_what_it_cannot_convert_itself():
    import numpy as np

    class Lying(np.ndarray):
        def __array_function__(self, func, types, args, kwargs):
            return True

    class ZeroDifference(float):
        def __sub__(self, other):
            return 0.0

    class EqualToAll:
        def __eq__(self, other):
            return True

    for value in (np.zeros(3).view(Lying), ZeroDifference(1.0), EqualToAll(), np.array([EqualToAll()])):
        with pytest.raises(verdict.ReportError, match="report"):
            verdict.plain(value)
    assert verdict.plain(np.asarray(np.arange(3.0).view(Lying))) == {"array": {"shape": [3], "data": [0.0, 1.0, 2.0]}}
    assert verdict.plain({"b": {"x"}, "a": (1, np.float64(2.5), None, True)}) == {
        "dict": [["a", {"list": [1, 2.5, None, True]}], ["b", {"set": ["x"]}]]}
