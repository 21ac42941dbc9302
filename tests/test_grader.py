"""The grader (nnlib/grade/, run as nnlib.grade): full marks for the solutions, zero for the
stubs, and no cheat on the backprop set scores more than the same wrong answer without it.

Each grading run starts a sandboxed kernel (about 1.5-3 s), so the cheating and timeout
submissions are graded together in one class-mode run, two at a time. The attacks of issue 12
(the kernel attacking the grader) are in tests/test_grader_attacks.py.
"""

import contextlib
import copy
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib import exercises as ex
from nnlib import grade
from nnlib.grade import verdict

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ex.solution_files(ROOT / "solutions")
EXERCISES = sorted(p for p in (ROOT / "exercises").glob("*.ipynb") if ex.SET_NAME.match(p.stem))
BACKPROP = "05_backpropagation"
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


# A plausible mistake in exercise 2: the bias gradient averaged instead of summed.
WRONG_EX2 = '''\
def dense_backward(X, W, grad_out):
    dW = X.T @ grad_out
    db = grad_out.mean(axis=0, keepdims=True)
    dX = grad_out @ W.T
    return dW, db, dX
'''


def check_parts(source):
    """(code, expected text) of a student check cell, a ``%%nnlib_check`` cell."""
    assert source.startswith("%%nnlib_check\n"), source[:40]
    return verdict.split_cell(source.split("\n", 1)[1])


def printed_by(answer_source, check_source):
    """What a student's check cell shows for an answer, run here in-process (as in Jupyter):
    the verdict of ``%%nnlib_check``, expected and got side by side."""
    import numpy as np

    import nnlib as nn

    code, expected = check_parts(check_source)
    namespace = {"np": np, "nn": nn}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(answer_source, namespace)
        exec(code, namespace)
    return verdict.verdict_text(expected, buffer.getvalue())


def forging_answer(target_text):
    """The wrong answer plus a patched print that turns each line the visible check
    prints into the expected line with the same prefix (before '=' or ':')."""
    targets = {}
    for line in target_text.splitlines():
        key = line.split("=")[0].split(":")[0]
        targets[key] = line
    return WRONG_EX2 + f'''
import builtins
_real_print = builtins.print
_targets = {targets!r}


def _forged_print(*args, **kwargs):
    text = " ".join(str(a) for a in args)
    key = text.split("=")[0].split(":")[0]
    if key in _targets:
        return _real_print(_targets[key])
    return _real_print(*args, **kwargs)


builtins.print = _forged_print
'''


def forging_stdout_answer(target_text):
    """The wrong answer plus a sys.stdout wrapper that rewrites what the check prints."""
    return WRONG_EX2 + f'''
import sys


class _Forger:
    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        if text.startswith(("shapes", "dW", "db", "dX")):
            text = {target_text!r} if text.startswith("shapes") else ""
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


sys.stdout = _Forger(sys.stdout)
'''


def cheating_submissions():
    """{file stem: notebook}: the wrong answer to ex2, alone and with each cheat."""
    subs = {}
    base = solved()
    # The solved notebook, with NBVAL_SKIP on one answer cell: the grader ignores the
    # marker and runs the answer, so this scores full marks.
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex3").source = "# NBVAL_SKIP\n" + answer_cell(nb, "ex3").source
    subs["solved"] = nb

    wrong = copy.deepcopy(base)
    answer_cell(wrong, "ex2").source = WRONG_EX2
    subs["wrong"] = wrong
    check = visible_check(wrong, "ex2")
    wrong_text = printed_by(WRONG_EX2, check.source)  # what the check cell shows for the wrong answer
    assert wrong_text != "".join(o.get("text", "") for o in check.outputs)  # it really fails the visible check
    assert "check: NOT YET" in wrong_text
    target_text = check_parts(check.source)[1]  # what a right answer prints

    # 1. the stored output of the check edited to what the wrong answer prints
    nb = copy.deepcopy(wrong)
    visible_check(nb, "ex2").outputs = [nbformat.v4.new_output("stream", name="stdout", text=wrong_text)]
    subs["cheat_edited_output"] = nb
    # 2. NBVAL_IGNORE_OUTPUT in the check cell (and the answer cell)
    nb = copy.deepcopy(wrong)
    visible_check(nb, "ex2").source = "# NBVAL_IGNORE_OUTPUT\n" + visible_check(nb, "ex2").source
    answer_cell(nb, "ex2").source = "# NBVAL_IGNORE_OUTPUT\n" + WRONG_EX2
    subs["cheat_ignore_marker"] = nb
    # 3. the check cell stored unexecuted
    nb = copy.deepcopy(wrong)
    cell = visible_check(nb, "ex2")
    cell.outputs, cell.execution_count = [], None
    subs["cheat_unexecuted_check"] = nb
    # 4. the check cell deleted
    nb = copy.deepcopy(wrong)
    nb.cells = [c for c in nb.cells if c is not visible_check(nb, "ex2")]
    subs["cheat_deleted_check"] = nb
    # 5. print patched in the answer cell to forge the expected text
    nb = copy.deepcopy(wrong)
    answer_cell(nb, "ex2").source = forging_answer(target_text)
    subs["cheat_patched_print"] = nb
    # 6. sys.stdout replaced in the answer cell
    nb = copy.deepcopy(wrong)
    answer_cell(nb, "ex2").source = forging_stdout_answer(target_text)
    subs["cheat_patched_stdout"] = nb
    # 7. a foreign kernelspec
    nb = copy.deepcopy(wrong)
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    subs["cheat_foreign_kernel"] = nb

    # An infinite loop in ex3 (interrupted by nbval); in the same notebook every cell id
    # changed (answers are then found by exercise name) and the answer to ex4 deleted.
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex3").source = "while True:\n    pass\n"
    for i, cell in enumerate(nb.cells):
        cell.id = f"renamed-{i}"
    nb.cells = [c for c in nb.cells if not (ex.cell_role(c) == "answer" and ex.exercise_name(c) == "ex4")]
    subs["loop_ex3_ids_changed_ex4_deleted"] = nb
    # A loop that swallows the interrupt: nbval stops the kernel, and the grader
    # runs the notebook again with the stub in place of that answer.
    nb = copy.deepcopy(base)
    answer_cell(nb, "ex3").source = (
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except KeyboardInterrupt:\n        pass\n"
    )
    subs["stubborn_loop_ex3"] = nb
    return subs


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name, nb in cheating_submissions().items():
        # keep the submission as a student's Jupyter would write it
        (folder / f"{name}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    (folder / "not_a_notebook.ipynb").write_text("{ this is not json", encoding="utf-8")
    csv_path = folder / "scores.csv"
    out = io.StringIO()
    results = grade.grade_class(folder, csv_path, reference=ROOT / "solutions" / f"{BACKPROP}.ipynb",
                                timeout=SHORT_TIMEOUT, jobs=2, out=out)
    return {r.submission.stem: r for r in results}, csv_path, out.getvalue()


def points(result):
    return {e.name: e.points for e in result.exercises}


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
    failed = [f"{e.name}: {e.reason}" for e in result.exercises if not e.passed]
    assert not failed, table(result)
    assert result.full_marks and result.total == result.max_total > 0


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_scores_zero(graded_sets, path):
    result = graded_sets[path]
    assert result.error is None, result.error
    assert result.max_total > 0
    assert [e.points for e in result.exercises] == [0] * len(result.exercises)
    assert all("NotImplementedError" in e.reason for e in result.exercises), table(result)


def table(result):
    return grade.format_result(result)


# --------------------------------------------------------------------------- cheats


def test_solved_submission_scores_full_marks(class_run):
    results, _, _ = class_run
    assert results["solved"].full_marks, table(results["solved"])


def test_wrong_answer_costs_only_its_exercise(class_run):
    results, _, _ = class_run
    wrong = results["wrong"]
    assert points(wrong)["ex2"] == 0
    assert wrong.total == wrong.max_total - 3, table(wrong)
    ex2 = next(e for e in wrong.exercises if e.name == "ex2")
    assert ex2.expected.startswith("db =") and ex2.actual.startswith("db =")  # the first differing line
    assert ex2.expected != ex2.actual


@pytest.mark.parametrize("cheat", [
    "cheat_edited_output", "cheat_ignore_marker", "cheat_unexecuted_check", "cheat_deleted_check",
    "cheat_patched_print", "cheat_patched_stdout", "cheat_foreign_kernel",
])
def test_cheat_scores_no_more_than_the_wrong_answer(class_run, cheat):
    results, _, _ = class_run
    wrong, cheating = results["wrong"], results[cheat]
    assert cheating.error is None, cheating.error
    assert points(cheating)["ex2"] == 0, table(cheating)
    assert cheating.total <= wrong.total, table(cheating)


def test_the_cheats_do_fool_plain_nbval(class_run):
    """Plain ``pytest --nbval`` on the submission itself trusts it: the honest wrong
    answer fails its check, the same answer with a forged output or a patched print passes.
    (This is why the grader rebuilds what it runs from the reference.)"""
    _, csv_path, _ = class_run
    folder = csv_path.parent
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    names = ["wrong", "cheat_edited_output", "cheat_patched_print"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *(f"{n}.ipynb" for n in names), "-c", "pytest.ini",
         "--rootdir", str(folder), "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-cell-timeout=60", "-q", "--tb=no", "-rf"],
        capture_output=True, text=True, cwd=folder, timeout=600,
    )
    failed_files = {line.split()[1].split("::")[0] for line in proc.stdout.splitlines() if line.startswith("FAILED")}
    assert failed_files == {"wrong.ipynb"}, proc.stdout[-3000:]


@pytest.mark.parametrize("cheat", ["cheat_patched_print", "cheat_patched_stdout"])
def test_forged_output_fails_even_the_visible_check(class_run, cheat):
    # the guard restores print and sys.stdout before each check: the check prints
    # exactly what the honest wrong answer prints
    results, _, _ = class_run
    honest = next(e for e in results["wrong"].exercises if e.name == "ex2")
    forged = next(e for e in results[cheat].exercises if e.name == "ex2")
    assert not forged.checks[0].passed
    assert forged.checks[0].actual == honest.checks[0].actual


# --------------------------------------------------------------------------- timeouts, matching


@pytest.mark.parametrize("name, lost", [
    ("loop_ex3_ids_changed_ex4_deleted", ("ex3", "ex4")),
    ("stubborn_loop_ex3", ("ex3",)),
])
def test_infinite_loop_costs_only_its_exercise(class_run, name, lost):
    results, _, _ = class_run
    r = results[name]
    assert r.error is None, r.error
    expected = {e.name: (0 if e.name in lost else e.max_points) for e in r.exercises}
    assert points(r) == expected, table(r)
    by_name = {e.name: e for e in r.exercises}
    assert f"{SHORT_TIMEOUT:g} s" in by_name["ex3"].reason
    if "ex4" in lost:
        assert "no answer cell" in by_name["ex4"].reason


def test_class_mode_writes_the_csv(class_run):
    results, csv_path, log = class_run
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [row["student"] for row in rows] == sorted(f"{name}.ipynb" for name in results)
    names = [e.name for e in results["solved"].exercises]
    assert list(rows[0])[:2] == ["student", "exercise_set"] and list(rows[0])[-3:] == ["total", "max", "note"]
    assert list(rows[0])[2:-3] == names
    for row in rows:
        r = results[Path(row["student"]).stem]
        if r.error:
            assert row["note"] and row["total"] == "0"
            continue
        assert row["exercise_set"] == BACKPROP
        assert [float(row[n]) for n in names] == [e.points for e in r.exercises]
        assert float(row["total"]) == r.total and float(row["max"]) == r.max_total
    assert "cannot read" in results["not_a_notebook"].error
    assert f"wrote {csv_path}" in log


# --------------------------------------------------------------------------- the merged notebook


def test_merged_notebook_takes_only_answer_source_from_the_submission():
    reference = ex.read_notebook(ROOT / "solutions" / f"{BACKPROP}.ipynb")
    exercises_table = ex.exercise_cells(reference)
    submission = solved()
    visible_check(submission, "ex2").outputs = [nbformat.v4.new_output("stream", name="stdout", text="forged\n")]
    visible_check(submission, "ex2").source = "print('forged')"
    answer_cell(submission, "ex1").source = "# NBVAL_SKIP\ndelta_o1 = dE_dw6 = 0.0\n"
    submission.metadata["kernelspec"] = {"name": "evil"}
    answers = grade.submitted_answers(submission, reference, exercises_table)
    merged, roles = grade.build_merged(reference, exercises_table, answers, guard_name="_g")
    assert roles[0][0] == "guard"
    code = [c for c in reference["cells"] if c["cell_type"] == "code"]
    assert len(merged["cells"]) == len(code) + 1
    for cell, (role, name, index) in zip(merged["cells"][1:], roles[1:]):
        ref_cell = reference["cells"][index]
        if role == "answer":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert "NBVAL_SKIP" not in cell["source"]
        elif role in ("check", "hidden"):
            assert cell["source"] == ex.source_of(ref_cell)  # the reference's check, as it is
            assert cell["outputs"] == ref_cell["outputs"] and cell["execution_count"] is not None
        else:
            assert cell["outputs"] == [] and cell["execution_count"] is None
    # what the kernel receives: the same cells, and no expected output at all
    plan = grade.build_plan(reference, exercises_table, answers)
    assert [s.source for s in plan] == [c["source"] for c in merged["cells"][1:]]
    assert all((s.expected is None) == (s.role not in ("check", "hidden")) for s in plan)
    text = json.dumps(merged)
    assert "forged" not in text and "evil" not in text
    assert merged["metadata"]["kernelspec"]["name"] == "python3"
    nbformat.validate(nbformat.from_dict(merged))  # what nbval reads is a valid notebook


def test_neutralise_markers():
    src = "x = 1\n  #  NBVAL_SKIP\n# nbval_raises_exception\n# a normal comment"
    out = grade.neutralise_markers(src)
    assert "NBVAL" not in out.upper() and out.startswith("x = 1\n  # ") and out.endswith("# a normal comment")


def test_reference_found_by_metadata_then_file_name(tmp_path):
    nb = read(ROOT / "exercises" / f"{BACKPROP}.ipynb")
    path = tmp_path / "alice.ipynb"
    assert grade.find_reference(path, nb) == ROOT / "solutions" / f"{BACKPROP}.ipynb"
    nb.metadata.pop("nnlib")
    assert grade.find_reference(tmp_path / f"{BACKPROP}.ipynb", nb).stem == BACKPROP
    assert grade.find_reference(path, nb).stem == BACKPROP  # by the ids of its answer cells
    nb.metadata["nnlib"] = {"exercise_set": "../../etc/passwd"}
    assert grade.find_reference(path, nb).stem == BACKPROP
    for cell in nb.cells:
        cell.id = "x" + cell.id
    with pytest.raises(grade.GradingError, match="no reference solution"):
        grade.find_reference(path, nb)


def test_cli_prints_the_table_and_exits_non_zero_below_full_marks(tmp_path):
    nb = solved()
    answer_cell(nb, "ex2").source = WRONG_EX2
    path = tmp_path / "bob.ipynb"  # found through the notebook metadata, not the file name
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "nnlib.grade", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "exercise" in proc.stdout and "FAILED" in proc.stdout and "total" in proc.stdout
    assert "expected: db = [[1.5, 2.0, 0.0]]" in proc.stdout and "actual:   db = [[0.75, 1.0, 0.0]]" in proc.stdout
    assert "hint:" in proc.stdout and re.search(r"total +11/14", proc.stdout)


def test_grading_loads_no_notebook_validator():
    """The grader reads notebooks as JSON and drives the kernel with jupyter_client: neither
    nbformat nor jsonschema (a third of a second, more with rfc3987_syntax) is imported to grade."""
    code = ("import sys; from nnlib.grade import grader; "
            "print(sorted(m for m in ('nbformat', 'jsonschema', 'rfc3987_syntax', 'numpy') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
