"""Grade exercise notebooks against their reference solutions, with nbval.

Student (from the repository root)::

    python -m nnlib.grade exercises/05_backpropagation.ipynb

prints one row per exercise (points, passed or failed, and for a failure the expected
and the actual line and a hint) and exits with status 0 at full marks, 1 below full
marks, 2 when the notebook cannot be graded. Instructor::

    python -m nnlib.grade --class submissions/ --csv scores.csv

grades every notebook in the folder, two at a time, and writes one CSV row per
student (file name) with one column per exercise and the total.

How a notebook is graded (nothing of the submission is trusted but its answer code):

1. The reference is the notebook given by ``--reference``, or ``solutions/<set>.ipynb``
   for the set named in the notebook metadata ``nnlib.exercise_set`` (which
   ``nnlib.exercises`` writes) or by the file name, or else the solution whose
   answer-cell ids the submission contains, in that order.
2. Only the *source* of the submission's answer cells is copied, each into the
   reference answer cell with the same cell id (or else the same exercise name in the
   cell metadata), into a copy of the reference notebook. Stored outputs, check cells,
   nbval markers, metadata and kernelspec of the submission are ignored; nbval comment
   markers inside the copied answer code are neutralised. Answer cells are run but
   not compared; every check cell, visible and hidden, is compared with the reference
   output; other code cells of the reference run uncompared (they set things up).
3. Before every check cell a guard restores ``builtins`` (``print`` and friends) and
   ``sys.stdout``/``sys.stderr`` as they were before the first answer ran, so an answer
   that patches ``print`` cannot forge a check's output.
4. nbval runs that merged notebook in a subprocess: ``python -m pytest --nbval
   --nbval-current-env --nbval-cell-timeout=T -p no:cacheprovider`` with its own empty
   ``pytest.ini`` (so the repository's pytest settings do not apply) and the small
   plugin ``nnlib.grade_plugin``, which records each cell's raw result as JSON.
5. A cell that runs past the timeout is interrupted by nbval and fails; the kernel lives
   on and the later cells run as usual. If an answer kills the kernel (an interrupt it
   swallows, ``os._exit``), the notebook is run again with that exercise's answer
   replaced by its stub, so it costs only that exercise.

Scoring is all-or-nothing per exercise: an exercise earns the sum of its check cells'
points when its answer cell runs without error and every one of its checks passes,
and 0 otherwise. Per-check results are still reported. All-or-nothing is what makes a
forged visible check worthless: the hidden checks on other inputs fail, and with them
the whole exercise.

What this does not defend against: a student who reads ``solutions/`` (the book ships
them) or the reference notebook from disk during the run. It defends the grade against
tampering with the submitted notebook.
"""

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises as ex

#: default per-cell timeout in seconds (the backprop solutions need well under 1 s per cell)
DEFAULT_TIMEOUT = 30.0

#: how many notebooks class mode grades at once
DEFAULT_JOBS = 2

_NBVAL_MARKER = re.compile(r"^(\s*)#+\s*nbval_\w*.*$", re.IGNORECASE)

_GUARD_SOURCE = '''\
def _nnlib_grade_make_guard():
    """Save builtins and the output streams now; the returned function restores them."""
    import builtins, sys
    saved_builtins = dict(vars(builtins))
    saved_streams = (sys.stdout, sys.stderr)

    def guard():
        vars(builtins).update(saved_builtins)
        sys.stdout, sys.stderr = saved_streams

    return guard


{name} = _nnlib_grade_make_guard()
del _nnlib_grade_make_guard
'''


class GradingError(Exception):
    """The notebook could not be graded at all (no reference, unreadable file, broken reference)."""


# --------------------------------------------------------------------------- results


@dataclass
class CheckResult:
    """One check cell: visible or hidden, its points, and what happened."""

    index: int  # index of the cell in the reference notebook
    hidden: bool
    points: float
    passed: bool
    message: str = ""
    expected: str = ""
    actual: str = ""
    error: str = None


@dataclass
class ExerciseResult:
    name: str
    max_points: float
    points: float = 0
    passed: bool = False
    reason: str = ""  # why it failed, one line
    expected: str = None  # the first differing lines of a failed visible check
    actual: str = None
    hint: str = ""
    checks: list = field(default_factory=list)


@dataclass
class GradeResult:
    submission: Path
    reference: Path = None
    exercises: list = field(default_factory=list)
    error: str = None  # set when the notebook could not be graded
    seconds: float = 0.0
    timeout: float = DEFAULT_TIMEOUT

    @property
    def total(self):
        return sum(e.points for e in self.exercises)

    @property
    def max_total(self):
        return sum(e.max_points for e in self.exercises)

    @property
    def full_marks(self):
        return self.error is None and bool(self.exercises) and self.total == self.max_total

    @property
    def exercise_set(self):
        return self.reference.stem if self.reference else ""


# --------------------------------------------------------------------------- merging


def find_reference(submission_path, submission=None, reference=None, solutions_dir=None):
    """The reference solution for a submission: ``reference`` if given, else
    ``solutions/<set>.ipynb`` for the set in the notebook metadata, else for the file
    name, else the solution whose answer-cell ids the submission contains."""
    if reference is not None:
        reference = Path(reference)
        if not reference.is_file():
            raise GradingError(f"reference solution {reference} does not exist")
        return reference
    solutions_dir = Path(solutions_dir) if solutions_dir else ex.default_root() / "solutions"
    names = []
    meta = (submission or {}).get("metadata", {}).get("nnlib", {})
    if isinstance(meta, dict) and isinstance(meta.get("exercise_set"), str):
        names.append(meta["exercise_set"])
    names.append(Path(submission_path).stem)
    for name in names:
        candidate = solutions_dir / f"{name}.ipynb"
        if ex.SET_NAME.match(name) and candidate.is_file():
            return candidate
    # Last resort: the solution whose answer cells' ids the submission holds
    ids = {c.get("id") for c in (submission or {}).get("cells", []) if isinstance(c, dict)}
    best, best_count = None, 0
    for candidate in ex.solution_files(solutions_dir):
        try:
            solution = ex.read_notebook(candidate)
        except ValueError:
            continue
        count = sum(1 for c in solution["cells"] if ex.cell_role(c) == "answer" and c.get("id") in ids)
        if count > best_count:
            best, best_count = candidate, count
    if best is not None:
        return best
    raise GradingError(
        f"no reference solution for {submission_path}: looked for "
        + ", ".join(str(solutions_dir / f"{n}.ipynb") for n in names)
        + "; name the file after its exercise set or pass --reference"
    )


def submitted_answers(submission, reference, table):
    """Map each reference answer cell (its index) to the submitted source, or None.

    A submitted cell matches by cell id; failing that, the k-th submitted cell tagged
    'answer' with the same exercise name matches the k-th reference answer cell.
    """
    by_id, by_exercise = {}, {}
    for cell in submission.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if isinstance(cell.get("id"), str) and cell["id"]:
            by_id.setdefault(cell["id"], cell)
        if ex.cell_role(cell) == "answer" and ex.exercise_name(cell):
            by_exercise.setdefault(ex.exercise_name(cell), []).append(cell)
    answers = {}
    for name, entry in table.items():
        for k, index in enumerate(entry["answers"]):
            cell = by_id.get(reference["cells"][index].get("id"))
            if cell is None:
                candidates = by_exercise.get(name, [])
                cell = candidates[k] if k < len(candidates) else None
            answers[index] = ex.source_of(cell) if cell is not None else None
    return answers


def neutralise_markers(source):
    """Turn nbval comment markers (``# NBVAL_SKIP`` ...) in submitted code into plain comments."""
    return "\n".join(
        _NBVAL_MARKER.sub(r"\1# (a test-runner marker was removed here by the grader)", line)
        for line in source.splitlines()
    )


def build_merged(reference, table, answers, stubbed=(), guard_name="_nnlib_guard"):
    """The notebook nbval runs, and what each of its code cells is.

    Returns (notebook, roles) where roles[k] = (role, exercise, reference index) for the
    k-th code cell; role is 'guard', 'setup', 'answer', 'check' or 'hidden'.
    """
    nb = {
        "cells": [_code_cell(_GUARD_SOURCE.format(name=guard_name))],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 4,  # no cell ids needed: nbval numbers the code cells
    }
    roles = [("guard", None, None)]
    for index, cell in enumerate(reference["cells"]):
        if cell.get("cell_type") != "code":
            continue
        role, name, source = ex.cell_role(cell), ex.exercise_name(cell), ex.source_of(cell)
        if role == "answer":
            answer = answers.get(index)
            if answer is None or name in stubbed:
                answer = ex.stub_source(source, name)
            new = _code_cell(neutralise_markers(answer))  # no outputs, execution_count None: run, not compared
        elif role in ("check", "hidden"):
            outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"]
            new = _code_cell(f"{guard_name}()\n{source}", outputs=outputs,
                             execution_count=cell.get("execution_count") or 1,  # compared with the reference
                             tags=sorted(ex.tags(cell)))
        else:  # setup code: run, not compared
            new = _code_cell(source, tags=[t for t in sorted(ex.tags(cell)) if t.startswith("nbval-skip")])
        nb["cells"].append(new)
        roles.append((role or "setup", name, index))
    return nb, roles


def _code_cell(source, outputs=(), execution_count=None, tags=()):
    return {"cell_type": "code", "execution_count": execution_count, "metadata": {"tags": list(tags)},
            "outputs": list(outputs), "source": source}


# --------------------------------------------------------------------------- running


def _plugin_env():
    env = dict(os.environ)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # load nbval and our plugin only: faster, isolated
    package_parent = str(Path(ex.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_nbval(nb, name, timeout):
    """Run nbval on a notebook in a fresh temporary folder; return the per-cell records."""
    with tempfile.TemporaryDirectory(prefix="nnlib-grade-") as tmp:
        tmp = Path(tmp)
        path = tmp / f"{name}.ipynb"
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        ini = tmp / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        report = tmp / "report.json"
        # The plugin is copied next to the notebook and loaded as a top-level module
        # (``python -m`` puts the working folder on sys.path): loading it as
        # nnlib.grade_plugin would import nnlib, and numpy with it, for nothing.
        shutil.copyfile(Path(__file__).with_name("grade_plugin.py"), tmp / "_nnlib_grade_plugin.py")
        cmd = [
            sys.executable, "-m", "pytest", str(path),
            "-c", str(ini), "--rootdir", str(tmp), "-p", "no:cacheprovider",
            "-p", "_nnlib_grade_plugin", "-p", "nbval.plugin", f"--grade-report={report}",
            "--nbval", "--nbval-current-env", f"--nbval-cell-timeout={timeout:g}",
            "-q", "--tb=no", "--no-header", "-W", "ignore",
        ]
        n_cells = len(nb["cells"])
        try:
            proc = subprocess.run(cmd, cwd=tmp, env=_plugin_env(), capture_output=True, text=True,
                                  timeout=n_cells * (timeout + 15) + 120)
        except subprocess.TimeoutExpired as exc:
            raise GradingError(f"nbval did not finish within {exc.timeout:.0f} s") from None
        if not report.exists():
            raise GradingError(
                f"nbval did not run (exit status {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
            )
        records = json.loads(report.read_text(encoding="utf-8"))
    by_cell = {}
    for rec in records:
        by_cell.setdefault(rec["cell"], rec)  # a setup failure and its call: keep the first
    return by_cell


def _kernel_killer(records, roles):
    """The exercise whose cell killed the kernel, or None if the kernel survived."""
    dead = [k for k in range(len(roles)) if k not in records or records[k]["kernel_dead"]]
    if not dead:
        return None
    first_dead = min(dead)
    for k in range(first_dead - 1, -1, -1):
        if records.get(k, {}).get("status") == "failed":
            role, name, _ = roles[k]
            if name is None:
                raise GradingError(f"the reference's {role} cell {k} stopped the kernel: "
                                   f"{records[k]['message']}")
            return name, records[k]
    raise GradingError("the kernel died before any exercise ran")


# --------------------------------------------------------------------------- scoring


def _first_difference(expected, actual):
    exp, act = expected.splitlines(), actual.splitlines()
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else "(nothing)"
        a = act[i] if i < len(act) else "(nothing)"
        if e != a:
            return e, a
    return "(same text)", "(same text)"


def _answer_failure(record, name, timeout):
    """(reason, hint) for an answer cell that did not run cleanly."""
    if record is None:
        return "the answer cell did not run", "run the notebook from the top in Jupyter"
    if record["timed_out"]:
        return (f"the answer cell ran longer than {timeout:g} s and was stopped",
                "look for an infinite loop or a very slow computation")
    error = record.get("error")
    if error == "NotImplementedError":
        return ("the answer cell still raises NotImplementedError",
                "replace the line `raise NotImplementedError(...)` with your code")
    text = (record.get("actual") or "").strip().splitlines()
    detail = text[-1] if text else record["message"]
    return (f"the answer cell raised {detail}",
            "run the cell in Jupyter, read the error and fix it")


def _hint(cell):
    meta = cell.get("metadata", {}).get("nnlib", {})
    hint = meta.get("hint", "") if isinstance(meta, dict) else ""
    return hint if isinstance(hint, str) else ""


def score(reference, table, records, roles, killed, timeout, missing):
    """The ExerciseResults of one run (records by merged code-cell number)."""
    merged_of = {ref_index: k for k, (_, _, ref_index) in enumerate(roles) if ref_index is not None}
    results = []
    for name, entry in table.items():
        res = ExerciseResult(name=name, max_points=entry["points"])
        checks = []
        for index, points, hidden in entry["checks"]:
            rec = records.get(merged_of[index])
            ok = rec is not None and rec["status"] == "passed"
            checks.append(CheckResult(
                index=index, hidden=hidden, points=points, passed=ok,
                message=(rec or {}).get("message", "not run"),
                expected=(rec or {}).get("expected") or "", actual=(rec or {}).get("actual") or "",
                error=(rec or {}).get("error"),
            ))
        res.checks = checks
        answer_records = [records.get(merged_of[i]) for i in entry["answers"]]
        answers_ok = all(r is not None and r["status"] == "passed" for r in answer_records)
        res.passed = name not in killed and name not in missing and answers_ok and all(c.passed for c in checks)
        res.points = res.max_points if res.passed else 0
        if res.passed:
            results.append(res)
            continue
        if name in killed:
            rec = killed[name]
            res.reason = ("the answer stopped the Python kernel"
                          + (f" (it ran longer than {timeout:g} s and ignored the interrupt)" if rec["timed_out"] else ""))
            res.hint = "look for an infinite loop, os._exit or a crash; the other exercises were graded without it"
        elif name in missing:
            res.reason = "no answer cell for this exercise in the submission"
            res.hint = ("the answer cell is found by its cell id, then by the tag 'answer' and "
                        f"metadata nnlib.exercise = {name!r}: copy your code into the cell of a fresh exercise notebook")
        elif not answers_ok:
            bad = next(r for r in answer_records if r is None or r["status"] != "passed")
            res.reason, res.hint = _answer_failure(bad, name, timeout)
        else:
            check = next(c for c in checks if not c.passed)
            n, position = len(checks), checks.index(check) + 1
            hints = [_hint(reference["cells"][c.index]) for c in [check, *checks]]
            hint = next((h for h in hints if h), "")
            if check.error == "NotImplementedError":
                res.reason = f"check {position} of {n}: your code still raises NotImplementedError"
                res.hint = "replace the line `raise NotImplementedError(...)` in the answer cell with your code"
            elif check.message.startswith("Timeout"):
                res.reason = f"check {position} of {n} ran longer than {timeout:g} s and was stopped"
                res.hint = "your code loops forever or is very slow on the check's input"
            elif check.hidden:
                res.reason = f"check {position} of {n} (hidden, on other inputs) failed"
                if check.error:
                    res.reason += f": it raised {check.error}"
                res.hint = ("the answer must be right in general, not only for the visible example; "
                            + (hint or "test your code on other inputs yourself"))
            else:
                res.reason = f"check {position} of {n} failed"
                if check.error:
                    lines = check.actual.strip().splitlines()
                    res.reason += f": it raised {lines[-1] if lines else check.error}"
                res.expected, res.actual = _first_difference(check.expected, check.actual)
                res.hint = hint or "compare your printed values with the expected ones: signs, shapes, rounding"
        results.append(res)
    return results


# --------------------------------------------------------------------------- grading


def grade_notebook(submission_path, reference=None, timeout=DEFAULT_TIMEOUT, solutions_dir=None):
    """Grade one submitted notebook; returns a GradeResult (``error`` set if it cannot be graded)."""
    start = time.perf_counter()
    submission_path = Path(submission_path)
    result = GradeResult(submission=submission_path, timeout=timeout)
    try:
        try:
            submission = ex.read_notebook(submission_path)
        except ValueError as exc:
            raise GradingError(str(exc)) from None
        result.reference = find_reference(submission_path, submission, reference, solutions_dir)
        try:
            ref_nb = ex.read_notebook(result.reference)
            table = ex.exercise_cells(ref_nb, where=str(result.reference))
        except ValueError as exc:
            raise GradingError(f"the reference is malformed: {exc}") from None
        answers = submitted_answers(submission, ref_nb, table)
        missing = {name for name, e in table.items() if any(answers.get(i) is None for i in e["answers"])}
        killed = {}
        guard = f"_nnlib_guard_{secrets.token_hex(6)}"
        while True:
            merged, roles = build_merged(ref_nb, table, answers, stubbed=set(killed), guard_name=guard)
            records = run_nbval(merged, result.reference.stem, timeout)
            culprit = _kernel_killer(records, roles)
            if culprit is None:
                break
            name, rec = culprit
            if name in killed:
                raise GradingError(f"exercise {name} stops the kernel even as a stub")
            killed[name] = rec
        if records.get(0, {}).get("status") != "passed":
            raise GradingError(f"the grader's guard cell failed: {records.get(0)}")
        result.exercises = score(ref_nb, table, records, roles, killed, timeout, missing)
    except GradingError as exc:
        result.error = str(exc)
    result.seconds = time.perf_counter() - start
    return result


def _fmt(points):
    return f"{points:g}"


def format_result(result):
    """The student's table, as text."""
    lines = [f"nnlib.grade: {result.submission}"]
    if result.error:
        lines.append(f"  cannot grade: {result.error}")
        return "\n".join(lines)
    lines.append(f"  reference: {result.reference} ({len(result.exercises)} exercises, "
                 f"per-cell timeout {result.timeout:g} s)")
    lines.append("")
    width = max([len("exercise")] + [len(e.name) for e in result.exercises])
    pwidth = max(len(f"{_fmt(e.points)}/{_fmt(e.max_points)}") for e in result.exercises)
    pwidth = max(pwidth, len("points"))
    lines.append(f"  {'exercise'.ljust(width)}  {'points'.rjust(pwidth)}  result")
    lines.append(f"  {'-' * width}  {'-' * pwidth}  ------")
    pad = " " * (width + pwidth + 6)
    for e in result.exercises:
        pts = f"{_fmt(e.points)}/{_fmt(e.max_points)}".rjust(pwidth)
        checks = f"{sum(c.passed for c in e.checks)}/{len(e.checks)} checks"
        if e.passed:
            lines.append(f"  {e.name.ljust(width)}  {pts}  passed ({checks})")
            continue
        lines.append(f"  {e.name.ljust(width)}  {pts}  FAILED: {e.reason}")
        if e.expected is not None:
            lines.append(f"{pad}expected: {e.expected}")
            lines.append(f"{pad}actual:   {e.actual}")
        if e.hint:
            lines.append(f"{pad}hint: {e.hint}")
    lines.append(f"  {'-' * width}  {'-' * pwidth}")
    lines.append(f"  {'total'.ljust(width)}  {f'{_fmt(result.total)}/{_fmt(result.max_total)}'.rjust(pwidth)}"
                 + ("  full marks" if result.full_marks else ""))
    lines.append(f"  graded in {result.seconds:.1f} s")
    return "\n".join(lines)


def grade_many(paths, reference=None, timeout=DEFAULT_TIMEOUT, jobs=DEFAULT_JOBS, solutions_dir=None,
               out=None):
    """Grade several notebooks, ``jobs`` at a time (each run is a kernel: one per core).
    Returns the GradeResults in the order of ``paths``; prints one line each to ``out``."""
    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = [pool.submit(grade_notebook, p, reference, timeout, solutions_dir) for p in paths]
        results = []
        for future in futures:  # in the order given
            r = future.result()
            results.append(r)
            if out is not None:
                status = f"cannot grade: {r.error}" if r.error else f"{_fmt(r.total)}/{_fmt(r.max_total)}"
                print(f"{r.submission.name}: {status} ({r.seconds:.1f} s)", file=out)
    return results


def grade_class(folder, csv_path, reference=None, timeout=DEFAULT_TIMEOUT, jobs=DEFAULT_JOBS,
                solutions_dir=None, out=sys.stdout):
    """Grade every notebook in a folder, ``jobs`` at a time; write one CSV row per file.

    Columns: student (the file name), exercise_set, one per exercise (points earned),
    total, max, note (why a notebook could not be graded). When the folder mixes
    exercise sets, exercise columns are named ``set:exercise``.
    """
    paths = sorted(p for p in Path(folder).glob("*.ipynb") if p.is_file())
    if not paths:
        raise GradingError(f"no .ipynb files in {folder}")
    results = grade_many(paths, reference, timeout, jobs, solutions_dir, out=out)
    sets = {r.exercise_set for r in results if not r.error}
    prefix = len(sets) > 1
    columns = []
    for r in results:
        for e in r.exercises:
            col = f"{r.exercise_set}:{e.name}" if prefix else e.name
            if col not in columns:
                columns.append(col)
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "exercise_set", *columns, "total", "max", "note"])
        for r in results:
            row = dict.fromkeys(columns, "")
            for e in r.exercises:
                row[f"{r.exercise_set}:{e.name}" if prefix else e.name] = _fmt(e.points)
            writer.writerow([r.submission.name, r.exercise_set, *row.values(),
                             _fmt(r.total), _fmt(r.max_total), r.error or ""])
    print(f"wrote {csv_path} ({len(results)} notebooks)", file=out)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.grade",
        description="Grade exercise notebooks against the reference solutions (nbval).",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="submitted notebook(s) to grade")
    parser.add_argument("--class", dest="folder", type=Path,
                        help="grade every .ipynb in this folder (instructor) and write --csv")
    parser.add_argument("--csv", type=Path, default=Path("scores.csv"), help="class mode: CSV file to write")
    parser.add_argument("--reference", type=Path, help="the reference solution notebook (default: found by name)")
    parser.add_argument("--solutions", type=Path, help="folder of reference solutions (default: solutions/)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per-cell timeout in seconds")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="class mode: notebooks graded at once")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout:g}")
    if args.folder:
        if args.notebooks:
            parser.error("give either notebooks or --class FOLDER, not both")
        try:
            grade_class(args.folder, args.csv, args.reference, args.timeout, args.jobs, args.solutions)
        except GradingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    if not args.notebooks:
        parser.error("give a notebook to grade, e.g. exercises/05_backpropagation.ipynb")
    status = 0
    for path in args.notebooks:
        result = grade_notebook(path, args.reference, args.timeout, args.solutions)
        print(format_result(result))
        status = max(status, 2 if result.error else (0 if result.full_marks else 1))
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head` and the like
        sys.exit(1)
