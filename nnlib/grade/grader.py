"""Grade exercise notebooks against their reference solutions, each in a sandboxed kernel.

Student (from the repository root)::

    python -m nnlib.grade exercises/05_backpropagation.ipynb

prints one row per exercise (points, passed or failed; for a failure the reason, the expected
and the actual line of a visible check, the exception of a hidden one, a hint) and exits with 0
at full marks, 1 below full marks, 2 when the notebook cannot be graded. Instructor::

    python -m nnlib.grade --class submissions/ --csv scores.csv --solutions private_solutions/

grades every notebook in the folder, two at a time, and writes one CSV row per student, with a
``note`` saying why when a notebook could not be (fully) graded, and one feedback file per
student in ``scores_feedback/`` (Markdown).

Without ``solutions/`` (a student's copy) the first command runs the notebook's visible checks
against the values stored in it (metadata ``nnlib.expected``), says that the hidden ones need the
reference, and exits by what it could check. ``python -m pytest --nbval exercises/NN.ipynb`` is the
same grading, one test per exercise (:mod:`nnlib.grade.pytest_plugin`).

Threat model
------------
- **Self-study** (the public book): the solutions are public, so a grade is feedback, not proof.
  The grader must never crash, hang or be confused by a broken notebook.
- **A class**: the instructor grades with a private reference (``--reference FILE`` or
  ``--solutions DIR``) whose hidden checks are not in the public repository. Then no submission
  may get points it did not earn by computing, nor change another submission's result, the CSV
  or the reference, and a class run always finishes with a row per file. Class mode refuses to
  run without bubblewrap unless ``--accept-unsandboxed-risk`` is given (:data:`FALLBACK_LIMITS`
  says what the fallback does not protect).

How a notebook is graded
------------------------
1. The reference is ``--reference``, else ``<solutions>/<set>.ipynb`` for the set named in the
   notebook metadata (``nnlib.exercise_set``) or by the file name, else the solution whose
   answer-cell ids the submission holds. Only the *source* of the submission's answer cells is
   used (matched by cell id, else by exercise name); its outputs, checks and metadata are ignored.
2. **Values, not verdicts.** Check cells (the reference's, visible and hidden) end with
   ``report(key, value, **options)`` (:mod:`nnlib.grade.verdict`): in the kernel the value is only
   converted to plain data by the grader's own code (exact builtin types; numpy arrays of numbers
   copied by numpy's C routines; anything else, subclasses included, refused) and sent out as a
   display message. No check asserts, compares or prints a verdict, and none computes the expected
   value in the student's kernel.
3. **Expected values from a trusted run.** The reference notebook itself runs in a separate kernel
   (:mod:`nnlib.grade.reference`; cached per reference, in memory and in ``~/.cache/nnlib-grade``,
   mode 0700); what its checks report are the expected values. The grader compares, in its own
   process, each value the submission's kernel sent for a check with the reference's, with the
   tolerance and hints written as literals in the reference's check cell (:mod:`nnlib.grade.checks`,
   read with ``ast``). Every failing report is kept, with its hint (a typical wrong answer listed
   with ``wrong=`` gets its own), expected and got.
4. **The kernel** starts in a sandbox (:mod:`nnlib.grade.sandbox`: bubblewrap with no network, a
   private 64 MiB tmpfs as /tmp and working folder, read-only code, an unprivileged uid,
   CPU/memory/file/process limits, a clean environment; a stated fallback without bubblewrap).
   It imports a copy of nnlib in which the forbidden helpers (answer metadata ``nnlib.forbidden``)
   raise ``ForbiddenHelper`` (:mod:`nnlib.grade.guard`); the original code is not in the sandbox.
   The grader drives the kernel itself (:mod:`nnlib.grade.kernel`, jupyter_client over Unix
   sockets): the reference's cells in order, with the submitted answers in place of its answer
   cells. Why bubblewrap: one Debian package, no daemon and no configuration, namespaces per
   command line, ``--die-with-parent`` takes every process of the submission down with the kernel.
5. Limits: a per-cell timeout (interrupt, then kill; reported as a time limit), a wall-clock limit
   per notebook, an output cap per cell (64 KiB kept; a single message over 8 MiB drops the
   kernel's connection), and the sandbox's resource limits. An answer that stops the kernel costs
   its exercise: the notebook runs again with that answer replaced by its stub.

Scoring is all-or-nothing per exercise by default (a forged visible check is then worthless: the
hidden checks fail, and the exercise with them); ``--partial`` (or ``nnlib.partial: true`` on
an answer cell) gives the points of each passed check. Class mode always finishes: every file
gets a row (a name that is not UTF-8 is escaped), the CSV is written atomically, and an error
while writing it is reported and the CSV written elsewhere.

Why the old in-kernel guard went (issue 22): any code in the kernel (a finaliser, a ``__hash__``,
an event-loop callback, the answer's own function) runs in the same interpreter as anything that
protects a verdict there; now there is no verdict there to protect. What remains possible, by
design: hard-coding a visible check's public values (the hidden checks then fail), and, for the
few exercises whose right answers differ (a trained classifier's accuracy, a step network's
outputs), forging the property the check computes in the kernel.
"""

import argparse
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from . import course
from . import exercises as ex
from . import checks as checks_mod
from . import guard as guard_mod
from . import reference as reference_mod
from .kernel import Kernel, KernelDied
from .report import points_text
from .sandbox import detect

#: default per-cell timeout in seconds (every solution cell needs well under 1 s)
DEFAULT_TIMEOUT = 10.0

#: default wall-clock limit for one notebook, reruns included
DEFAULT_NOTEBOOK_TIMEOUT = 120.0

#: how many notebooks class mode grades at once (one kernel per core)
DEFAULT_JOBS = 2

#: seconds the guard setup may take (imports numpy and nnlib)
SETUP_TIMEOUT = 60.0

_NBVAL_MARKER = re.compile(r"^(\s*)#+\s*nbval_\w*.*$", re.IGNORECASE)

#: kernels alive right now (class mode kills them all when the run is interrupted)
_LIVE = set()
_LIVE_LOCK = threading.Lock()
#: set by SIGTERM in class mode: no new kernel starts, running ones are killed, the CSV is written
_STOP = threading.Event()


class GradingError(Exception):
    """The notebook could not be graded at all (no reference, unreadable file, broken reference)."""


# --------------------------------------------------------------------------- results


@dataclass
class Failure:
    """One failing report of a check (or, with key "", why the check cell did not run to its end)."""

    key: str
    expected: str  # as shown to the student; "" for a hidden check in everything a student sees
    got: str
    why: str
    hint: str = ""


@dataclass
class CheckResult:
    """One check cell: visible or hidden, its points, and what happened."""

    index: int  # index of the cell in the reference notebook
    hidden: bool
    points: float
    passed: bool
    message: str = ""  # why the cell did not run to its end (empty when it did)
    failures: list = field(default_factory=list)  # every failing report, each with its hint
    reported: dict = field(default_factory=dict)  # {key: plain value} the submission sent (first per key)
    error: str = None  # exception type
    error_message: str = ""


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
    forbidden: list = field(default_factory=list)

    @property
    def visible_passed(self):
        return [i + 1 for i, c in enumerate(self.checks) if not c.hidden and c.passed]


@dataclass
class GradeResult:
    submission: Path
    reference: Path = None
    exercises: list = field(default_factory=list)
    error: str = None  # set when the notebook could not be graded
    note: str = ""  # why part of it could not be graded (kernel killed, time limit)
    seconds: float = 0.0
    timeout: float = DEFAULT_TIMEOUT
    sandbox: str = ""
    self_check: bool = False  # only the visible checks ran (no reference solution found)

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
    """Turn test-runner comment markers (``# NBVAL_SKIP`` ...) in submitted code into plain comments
    (the grader does not use nbval any more; the markers stay harmless either way)."""
    return "\n".join(
        _NBVAL_MARKER.sub(r"\1# (a test-runner marker was removed here by the grader)", line)
        for line in source.splitlines()
    )


@dataclass
class Step:
    """One code cell of the merged run."""

    role: str  # 'setup', 'answer', 'check' or 'hidden'
    exercise: str
    index: int  # index in the reference notebook
    source: str
    expected: list = None  # normalised outputs, for checks


def build_plan(reference, table, answers, stubbed=()):
    """The cells the kernel runs, in the reference's order, with the submitted answers in place.
    Check cells carry their expected outputs (which never leave the grader)."""
    steps = []
    for index, cell in enumerate(reference["cells"]):
        if cell.get("cell_type") != "code":
            continue
        role, name, source = ex.cell_role(cell), ex.exercise_name(cell), ex.source_of(cell)
        if role == "answer":
            answer = answers.get(index)
            if answer is None or name in stubbed:
                answer = ex.stub_source(source, name) if ex.BEGIN in source else (
                    f"raise NotImplementedError({name + ': this answer stopped the kernel and was left out'!r})")
            steps.append(Step("answer", name, index, neutralise_markers(answer)))
        elif role in ("check", "hidden"):
            steps.append(Step(role, name, index, source))
        else:
            steps.append(Step("setup", name, index, source))
    return steps


def forbidden_helpers(reference, table):
    """{qualified nnlib name: exercise} from the answer cells' ``nnlib.forbidden`` metadata."""
    out = {}
    for name, entry in table.items():
        for index in entry["answers"]:
            for qualname in ex.forbidden_of(reference["cells"][index]):
                out.setdefault(qualname, name)
    return out


# --------------------------------------------------------------------------- running


@dataclass
class Record:
    """What the grader saw for one step."""

    status: str  # 'ok', 'error', 'timeout', 'deadline', 'dead', 'not run'
    outputs: list = field(default_factory=list)
    ename: str = None
    evalue: str = ""
    truncated: bool = False
    detail: str = ""
    reports: list = field(default_factory=list)  # [(key, plain value)] the step's report() calls sent


class _Run:
    """One kernel run of a plan; ``records`` by step number."""

    def __init__(self, plan, forbidden, timeout, deadline, box, cap, library=None):
        self.plan, self.forbidden, self.timeout, self.deadline = plan, forbidden, timeout, deadline
        self.box, self.cap, self.library = box, cap, library
        self.records = {}
        self.died_at = None  # step number whose run ended with the kernel gone
        self.death = ""

    def execute(self):
        kernel = Kernel(self.box, deadline=self.deadline, library=self.library)
        with _LIVE_LOCK:
            _LIVE.add(kernel)
        try:
            if _STOP.is_set():
                raise GradingError("not graded: the grading run was interrupted")
            try:
                kernel.start()
            except KernelDied as exc:
                raise GradingError(f"the grading kernel did not start: {exc}") from None
            if _STOP.is_set():  # interrupted while this kernel was starting: kill_all_kernels missed it
                raise GradingError("not graded: the grading run was interrupted")
            self._steps(kernel)
        finally:
            kernel.kill()
            with _LIVE_LOCK:
                _LIVE.discard(kernel)

    def _steps(self, kernel):
        try:
            r = kernel.run(guard_mod.setup_source(self.forbidden), SETUP_TIMEOUT, cap=self.cap)
        except KernelDied as exc:
            raise GradingError(f"the grader's kernel setup stopped the kernel: {exc}") from None
        if not r.ok:
            raise GradingError(f"the grader's kernel setup failed: {r.ename}: {r.evalue}")
        for k, step in enumerate(self.plan):
            if time.monotonic() > self.deadline:
                for j in range(k, len(self.plan)):
                    self.records[j] = Record("deadline")
                self.died_at, self.death = k, "deadline"
                return
            try:
                r = kernel.run(step.source, self.timeout, cap=self.cap)
                # Only check cells send values that count; an answer's reports are ignored.
                reports = r.reports if step.role in ("check", "hidden") else []
                self.records[k] = Record(r.status, r.outputs, r.ename, r.evalue, r.truncated, reports=reports)
            except KernelDied as exc:
                status = str(exc) if str(exc) in ("timeout", "deadline") else "dead"
                self.records[k] = Record(status)
                self.died_at, self.death = k, status
                if status == "deadline":
                    for j in range(k + 1, len(self.plan)):
                        self.records[j] = Record("deadline")
                return


def _culprit(plan, run):
    """The exercise that stopped the kernel at step ``run.died_at``: that step's, else the last answer's."""
    k = run.died_at
    if plan[k].exercise is not None:
        return plan[k].exercise
    for j in range(k - 1, -1, -1):
        if plan[j].role == "answer":
            return plan[j].exercise
    return None


# --------------------------------------------------------------------------- scoring


def _meta(cell):
    meta = cell.get("metadata", {}).get("nnlib", {})
    return meta if isinstance(meta, dict) else {}


def _answer_failure(record, timeout):
    """(reason, hint) for an answer cell that did not run cleanly."""
    if record is None or record.status == "not run":
        return "the answer cell did not run", "run the notebook from the top in Jupyter"
    if record.status == "deadline":
        return "the notebook ran past its time limit before this answer", "look for slow or endless loops"
    if record.status == "timeout":
        return (f"time limit: the answer cell ran longer than {timeout:g} s and was stopped",
                "look for an endless loop or a very slow computation")
    if record.ename == "NotImplementedError":
        return ("the answer cell still raises NotImplementedError",
                "replace the line `raise NotImplementedError(...)` with your code")
    if record.ename == "ForbiddenHelper":
        return (f"the answer calls a helper it must write itself: {record.evalue}",
                "write the computation with numpy; the exercise asks for it")
    return (f"the answer cell raised {record.ename}: {record.evalue}",
            "run the cell in Jupyter, read the error and fix it")


def _check_cell_failure(rec, timeout):
    """(message, hint) when a check cell did not run to its end, else None."""
    if rec.status == "ok":
        return None
    if rec.status == "timeout":
        return (f"time limit: it ran longer than {timeout:g} s and was stopped",
                "your code loops forever or is very slow on the check's input")
    if rec.status == "deadline":
        return "not run: the notebook's time limit was reached", "look for slow or endless loops"
    if rec.status in ("dead", "not run"):
        return ("not run: the kernel stopped" if rec.status == "dead" else "not run"), ""
    if rec.ename == "NotImplementedError":
        return ("your code still raises NotImplementedError",
                "replace the line `raise NotImplementedError(...)` in the answer cell with your code")
    if rec.ename == "ForbiddenHelper":
        return f"it called a helper the exercise asks you to write: {rec.evalue}", "write it yourself with numpy"
    if rec.ename == "ReportError":
        return f"your answer's value cannot be sent to the grader: {rec.evalue}", ""
    return (f"it raised {rec.ename}: {rec.evalue}".rstrip(": "),
            "run your function on the check's kind of input and read the error")


def _stopped_checks(checks, step, why, timeout):
    """A killed exercise's checks as they stood when its kernel stopped (not as the rerun with its
    stub saw them: that run would report the stub's NotImplementedError as the student's)."""
    for c in checks:
        c.passed, c.error, c.error_message = False, None, ""
        c.message = "not run: the exercise stopped the kernel before this check"
        if step is not None and c.index == step.index:
            c.message = (f"time limit: it ran longer than {timeout:g} s and was stopped"
                         if why == "timeout" else "the kernel stopped during this check")
        c.failures = [Failure("", "", "", c.message, "")]
    return checks


def _killed_reason(name, checks, step, why, timeout):
    """(reason, hint) for an exercise whose code stopped the kernel or ran past the time limit."""
    where = "its answer cell"
    if step is not None and step.role in ("check", "hidden"):
        check = next((c for c in checks if c.index == step.index), None)
        if check is not None:
            where = _check_label(check, checks)
    if why == "timeout":
        return (f"time limit: {where} ran longer than {timeout:g} s and was stopped",
                "look for an endless loop (a while loop whose condition never changes) or a very slow "
                "computation; the other exercises were graded without it")
    return (f"the answer stopped the Python kernel during {where}",
            "look for os._exit, a crash or memory use; the other exercises were graded without it")


def check_result(cell, index, points, hidden, rec, expected, timeout):
    """A CheckResult: compare every report the reference made with what the submission sent."""
    options = checks_mod.report_options(ex.source_of(cell))
    cell_hint = _meta(cell).get("hint", "") if isinstance(_meta(cell).get("hint", ""), str) else ""
    result = CheckResult(index=index, hidden=hidden, points=points, passed=False,
                         error=rec.ename, error_message=rec.evalue or "")
    got = result.reported
    for key, value in rec.reports:
        got.setdefault(key, value)  # the first value sent under a key counts
    failure = _check_cell_failure(rec, timeout)
    for key, value in expected:
        opts = checks_mod.options_for(options, key)
        hint = opts.hint or cell_hint
        if key not in got:
            if failure is not None:
                continue
            result.failures.append(Failure(key, checks_mod.show(value), "(nothing)",
                                           f"the check did not report {key!r}", hint))
            continue
        ok, why = checks_mod.compare(value, got[key], opts)
        if not ok:
            specific = checks_mod.wrong_hint(opts, got[key])
            result.failures.append(Failure(key, checks_mod.show(value), checks_mod.show(got[key]), why,
                                           specific or hint or _default_hint(hidden)))
    if failure is not None:
        result.message, hint = failure
        result.failures.insert(0, Failure("", "", "", failure[0], hint or cell_hint))
    result.passed = failure is None and not result.failures
    return result


def _default_hint(hidden):
    if hidden:
        return "this check runs your code on other inputs: test it yourself on a case you can work out by hand"
    return "compare your value with the expected one: signs, shapes, transposes, rounding"


def score(reference, table, plan, records, killed, timeout, missing, expected, partial=False, stopped_at=None):
    """The ExerciseResults of a run (records by step number; ``expected`` by reference cell index).
    ``stopped_at`` maps a killed exercise to the step (answer or check) during which its kernel stopped."""
    stopped_at = stopped_at or {}
    step_of = {step.index: k for k, step in enumerate(plan)}
    results = []
    for name, entry in table.items():
        res = ExerciseResult(name=name, max_points=entry["points"])
        for index in entry["answers"]:
            res.forbidden += ex.forbidden_of(reference["cells"][index])
        checks = []
        for index, points, hidden in entry["checks"]:
            rec = records.get(step_of[index]) or Record("not run")
            checks.append(check_result(reference["cells"][index], index, points, hidden, rec,
                                       expected.get(index, []), timeout))
        res.checks = checks
        answer_records = [records.get(step_of[i]) for i in entry["answers"]]
        answers_ok = all(r is not None and r.status == "ok" for r in answer_records)
        all_passed = all(c.passed for c in checks)
        res.passed = name not in killed and name not in missing and answers_ok and all_passed
        use_partial = partial or any(_meta(reference["cells"][i]).get("partial") is True for i in entry["answers"])
        if res.passed:
            res.points = res.max_points
            results.append(res)
            continue
        if use_partial and name not in killed and name not in missing and answers_ok:
            res.points = sum(c.points for c in checks if c.passed)
        if name in killed:
            step = stopped_at.get(name)
            res.checks = _stopped_checks(checks, step, killed[name], timeout)
            res.reason, res.hint = _killed_reason(name, checks, step, killed[name], timeout)
        elif name in missing:
            res.reason = "no answer cell for this exercise in the submission"
            res.hint = ("the answer cell is found by its cell id, then by the tag 'answer' and "
                        f"metadata nnlib.exercise = {name!r}: copy your code into the cell of a fresh "
                        "exercise notebook")
        elif not answers_ok:
            bad = next(r for r in answer_records if r is None or r.status != "ok")
            res.reason, res.hint = _answer_failure(bad, timeout)
        else:
            failed = [c for c in checks if not c.passed]
            res.reason = "; ".join(_check_label(c, checks) + ": " + (
                c.failures[0].why if c.failures else c.message) for c in failed)
            first = failed[0].failures[0] if failed[0].failures else None
            if first is not None:
                res.hint = first.hint
                if not failed[0].hidden and first.key:
                    res.expected, res.actual = first.expected, first.got
        results.append(res)
    return results


def _check_label(check, checks):
    """"visible check 1", "hidden check 2" (numbered among checks of the same kind)."""
    same = [c for c in checks if c.hidden == check.hidden]
    kind = "hidden check" if check.hidden else "visible check"
    return f"{kind} {same.index(check) + 1}" if len(same) > 1 else kind


# --------------------------------------------------------------------------- grading


def grade_notebook(submission_path, reference=None, timeout=DEFAULT_TIMEOUT, solutions_dir=None,
                   notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT, partial=False, sandbox=None, limits=None):
    """Grade one submitted notebook; returns a GradeResult (``error`` set if it cannot be graded).
    Never raises for anything a submission does."""
    start = time.perf_counter()
    submission_path = Path(submission_path)
    result = GradeResult(submission=submission_path, timeout=timeout)
    try:
        box = sandbox or detect(limits)
        result.sandbox = box.note
        try:
            if submission_path.is_symlink():  # (unpacked from an archive) it could point at the reference
                raise ValueError(f"cannot read {submission_path} as a notebook: a symbolic link, not a file")
            if not submission_path.is_file():  # a FIFO would block the read, a directory cannot be read
                raise ValueError(f"cannot read {submission_path} as a notebook: not a regular file")
            if submission_path.stat().st_size > 20 << 20:
                raise ValueError(f"cannot read {submission_path} as a notebook: larger than 20 MiB")
            submission = ex.read_notebook(submission_path)
        except (ValueError, OSError) as exc:
            raise GradingError(str(exc)) from None
        try:
            result.reference = find_reference(submission_path, submission, reference, solutions_dir)
        except GradingError:
            if reference is not None or not has_expected_values(submission):
                raise
            return self_check(result, submission, box, timeout, notebook_timeout, partial, start)
        try:
            ref_nb = ex.read_notebook(result.reference)
            table = ex.exercise_cells(ref_nb, where=str(result.reference))
        except ValueError as exc:
            raise GradingError(f"the reference is malformed: {exc}") from None
        answers = submitted_answers(submission, ref_nb, table)
        missing = {name for name, e in table.items() if any(answers.get(i) is None for i in e["answers"])}
        forbidden = forbidden_helpers(ref_nb, table)
        try:
            library = guard_mod.library_without(forbidden)
        except ValueError as exc:
            raise GradingError(f"the reference is malformed: {exc}") from None
        # The reference's values (a kernel of its own, cached) and the submission's run, side by side.
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            future = pool.submit(reference_values, result.reference, ref_nb, table, forbidden, box, library)
            plan, run, killed, notes = run_with_reruns(ref_nb, table, answers, forbidden, library, box, timeout,
                                                       notebook_timeout)
            expected = future.result()
        finally:
            pool.shutdown(wait=True)
        result.exercises = score(ref_nb, table, plan, run.records, killed, timeout, missing, expected, partial,
                                 stopped_at=getattr(run, "stopped_at", None))
        result.note = "; ".join(notes)
    except GradingError as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one notebook must never stop a class run
        result.error = f"internal grader error ({type(exc).__name__}: {exc})"
    result.seconds = time.perf_counter() - start
    return result


def run_with_reruns(ref_nb, table, answers, forbidden, library, box, timeout, notebook_timeout):
    """Run the plan; an answer that stops the kernel is replaced by its stub and the notebook runs
    again. Returns (plan, run, killed {exercise: why}, notes)."""
    deadline = time.monotonic() + notebook_timeout
    killed, notes, stopped_at = {}, [], {}
    while True:
        plan = build_plan(ref_nb, table, answers, stubbed=set(killed))
        run = _Run(plan, forbidden, timeout, deadline, box, cap=64 * 1024, library=library)
        run.stopped_at = stopped_at  # read by score(): where each killed exercise stopped its kernel
        run.execute()
        if run.died_at is None or run.death == "deadline":
            if run.death == "deadline":
                notes.append(f"the notebook ran past its time limit of {notebook_timeout:g} s")
            return plan, run, killed, notes
        culprit = _culprit(plan, run)
        if culprit is None:
            raise GradingError("the reference's setup stopped the kernel")
        if culprit in killed:
            raise GradingError(f"exercise {culprit} stops the kernel even as a stub")
        killed[culprit] = run.death
        stopped_at[culprit] = plan[run.died_at]  # the answer or check during which the kernel stopped
        notes.append(f"{culprit} ran past the time limit of {timeout:g} s; the other exercises were graded "
                     "in a fresh kernel" if run.death == "timeout" else f"{culprit}: the answer stopped the kernel")


def has_expected_values(nb):
    """Does the notebook hold visible checks with the values to expect (a generated exercise notebook)?"""
    return any(ex.cell_role(c) == "check" and isinstance(_meta(c).get("expected"), list) for c in nb.get("cells", []))


def self_check(result, submission, box, timeout, notebook_timeout, partial, start):
    """Grade a notebook without its reference solution: only its visible checks, whose expected
    values the generated exercise notebook holds (metadata ``nnlib.expected``). Self-study only:
    the student could edit those values; the hidden checks need the reference and are not run."""
    try:
        table = ex.exercise_cells(submission, where=str(result.submission), markers=False)
    except ValueError as exc:
        raise GradingError(f"cannot self-check {result.submission}: {exc}") from None
    expected = {}
    hidden = 0
    for name, entry in table.items():
        hidden += sum(1 for _, _, h in entry["checks"] if h)
        entry["checks"] = [(i, p, h) for i, p, h in entry["checks"] if not h]
        for i, _, _ in entry["checks"]:
            values = _meta(submission["cells"][i]).get("expected")
            expected[i] = [(k, v) for k, v in values if isinstance(k, str)] if isinstance(values, list) else []
        entry["points"] = sum(p for _, p, _ in entry["checks"])
    table = {name: e for name, e in table.items() if e["checks"]}
    if not table:
        raise GradingError(f"no reference solution for {result.submission}, and it has no visible checks to run")
    answers = {i: ex.source_of(submission["cells"][i]) for e in table.values() for i in e["answers"]}
    forbidden = forbidden_helpers(submission, table)
    try:
        library = guard_mod.library_without(forbidden)
    except ValueError:
        library = None
    plan, run, killed, notes = run_with_reruns(submission, table, answers, forbidden, library, box, timeout,
                                               notebook_timeout)
    result.exercises = score(submission, table, plan, run.records, killed, timeout, set(), expected, partial)
    result.self_check = True
    notes.insert(0, "self-check without the reference solution: only the visible checks ran, against the "
                    "values stored in this notebook; the hidden checks (on other inputs) need the reference "
                    "(solutions/ of the repository, or --reference)")
    result.note = "; ".join(notes)
    result.seconds = time.perf_counter() - start
    return result


#: per-cell time limit and whole-run limit of the reference run (trusted code, may train a network)
REFERENCE_TIMEOUT, REFERENCE_DEADLINE = 120.0, 600.0


def reference_values(reference_path, ref_nb, table, forbidden, box, library):
    """{check cell index: [(key, value)]}: what the reference solution reports, from a separate
    kernel run of the reference itself (cached per reference, see :mod:`nnlib.grade.reference`)."""
    own = {i: ex.source_of(ref_nb["cells"][i]) for e in table.values() for i in e["answers"]}
    plan = build_plan(ref_nb, table, own)

    def run_plan(plan):
        run = _Run(plan, forbidden, REFERENCE_TIMEOUT, time.monotonic() + REFERENCE_DEADLINE, box,
                   cap=64 * 1024, library=library)
        run.execute()
        return run.records

    try:
        for k, step in enumerate(plan):
            if step.role in ("check", "hidden"):
                checks_mod.report_options(step.source)  # the options must parse before anything runs
        return reference_mod.expected_reports(reference_path, plan, run_plan, forbidden)
    except (ValueError, reference_mod.ReferenceRunError) as exc:
        raise GradingError(f"the reference is malformed: {exc}") from None



def format_result(result):
    """The student's table, as text."""
    lines = [f"nnlib.grade: {result.submission}"]
    if result.error:
        lines.append(f"  cannot grade: {result.error}")
        return "\n".join(lines)
    if result.self_check:
        lines.append(f"  self-check: {len(result.exercises)} exercises, visible checks only (per-cell timeout "
                     f"{result.timeout:g} s)")
    else:
        lines.append(f"  reference: {result.reference} ({len(result.exercises)} exercises, "
                     f"per-cell timeout {result.timeout:g} s)")
    if result.note:
        lines.append(f"  note: {result.note}")
    lines.append("")
    width = max([len("exercise")] + [len(e.name) for e in result.exercises])
    pwidth = max(len(f"{points_text(e.points)}/{points_text(e.max_points)}") for e in result.exercises)
    pwidth = max(pwidth, len("points"))
    lines.append(f"  {'exercise'.ljust(width)}  {'points'.rjust(pwidth)}  result")
    lines.append(f"  {'-' * width}  {'-' * pwidth}  ------")
    pad = " " * (width + pwidth + 6)
    for e in result.exercises:
        pts = f"{points_text(e.points)}/{points_text(e.max_points)}".rjust(pwidth)
        checks = f"{sum(c.passed for c in e.checks)}/{len(e.checks)} checks"
        if e.passed:
            lines.append(f"  {e.name.ljust(width)}  {pts}  passed ({checks})")
            continue
        lines.append(f"  {e.name.ljust(width)}  {pts}  FAILED ({checks} passed)")
        lines += [pad + line for line in failure_lines(e)]
    lines.append(f"  {'-' * width}  {'-' * pwidth}")
    lines.append(f"  {'total'.ljust(width)}  {f'{points_text(result.total)}/{points_text(result.max_total)}'.rjust(pwidth)}"
                 + ("  full marks" if result.full_marks else "")
                 + ("  (visible checks only: the hidden ones need the reference)" if result.self_check else ""))
    lines.append(f"  graded in {result.seconds:.1f} s; {result.sandbox}")
    return "\n".join(lines)


def failure_lines(e):
    """What a failed exercise shows: the answer's problem, or every failing check, each with its
    hint and (for a visible check) expected and got."""
    failed = [c for c in e.checks if not c.passed]
    if not failed or e.reason.startswith(("the answer", "no answer", "time limit: the answer")):
        out = [e.reason]
        if e.hint:
            out.append(f"hint: {e.hint}")
        return out
    out = []
    for c in failed:
        label = _check_label(c, e.checks)
        for f in c.failures:
            if not f.key:
                out.append(f"{label}: {f.why}")
            else:
                out.append(f"{label}, {f.key}: {f.why}" if c.hidden else f"{label}, {f.key}:")
                if not c.hidden:
                    out.append(f"    expected: {f.expected}")
                    out.append(f"    got:      {f.got}")
            if f.hint:
                out.append(f"    hint: {f.hint}")
    return out


def grade_many(paths, reference=None, timeout=DEFAULT_TIMEOUT, jobs=DEFAULT_JOBS, solutions_dir=None,
               out=None, notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT, partial=False, sandbox=None,
               progress=None):
    """Grade several notebooks, ``jobs`` at a time (each run is a kernel: one per core).
    Returns the GradeResults in the order of ``paths``; prints one line each to ``out``, and calls
    ``progress(results_so_far)`` after each one (class mode keeps its CSV current with it)."""
    _STOP.clear()  # a new run (the first line printed below tells a caller that it has started)
    box = sandbox or detect()
    if out is not None:
        print(box.note, file=out)
    pool = ThreadPoolExecutor(max_workers=max(1, int(jobs)))
    futures = [pool.submit(grade_notebook, p, reference, timeout, solutions_dir, notebook_timeout, partial, box)
               for p in paths]
    results = []
    try:
        for path, future in zip(paths, futures):
            # Poll rather than block, so that a SIGTERM (which only sets _STOP) is acted on at once.
            while True:
                if _STOP.is_set():
                    raise KeyboardInterrupt
                try:
                    r = future.result(timeout=0.2)
                    break
                except FutureTimeout:
                    continue
            results.append(r)
            if out is not None:
                status = f"cannot grade: {r.error}" if r.error else f"{points_text(r.total)}/{points_text(r.max_total)}"
                from .report import display_name

                print(f"{display_name(path)}: {status} ({r.seconds:.1f} s)", file=out)
            if progress is not None:
                progress(list(results))
    except KeyboardInterrupt:
        _STOP.set()
        for future in futures:
            future.cancel()
        kill_all_kernels()
        pool.shutdown(wait=True, cancel_futures=True)
        done = len(results)
        for path, future in list(zip(paths, futures))[done:]:
            r = None
            if future.done() and not future.cancelled():
                try:
                    r = future.result()
                except BaseException:  # noqa: BLE001
                    r = None
            if r is None or r.error and "kernel" in (r.error or ""):
                r = GradeResult(submission=Path(path), error="not graded: the grading run was interrupted")
            results.append(r)
        return results
    pool.shutdown(wait=True)
    return results


def kill_all_kernels():
    with _LIVE_LOCK:
        live = list(_LIVE)
    for kernel in live:
        kernel.kill_process()  # each worker thread then closes its own kernel's sockets


#: what the fallback (no bubblewrap) protects and what it does not, said wherever it is used
FALLBACK_LIMITS = (
    "without bubblewrap the kernel runs on the host file system: it can read every file its user can "
    "read (a private reference readable by that user included), write where that user can write "
    "(the working folder is on the host disk, so only the per-file size limit holds), and the "
    "original nnlib sources (forbidden helpers included) stay readable; still in place: a clean "
    "environment, resource limits where the platform has them, an unprivileged uid when the grader "
    "is root and setpriv works, no network when unshare works, and verdicts made outside the kernel"
)


def refuse_unsandboxed(box, accept_risk, why):
    """Raise GradingError when ``box`` does not isolate the kernel and the risk was not accepted."""
    if box.mode == "bwrap" or accept_risk:
        return
    raise GradingError(
        f"{why} needs a sandbox that keeps each kernel away from the grader's files, and bubblewrap "
        f"is not usable here ({box.note}). Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; "
        "Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap) and run again, or grade "
        "anyway with --accept-unsandboxed-risk: " + FALLBACK_LIMITS + ".")


def is_private_reference(reference=None, solutions_dir=None):
    """Is the reference given on the command line other than the public solutions/ of this repository?"""
    public = (ex.default_root() / "solutions").resolve()
    if solutions_dir is not None and Path(solutions_dir).resolve() != public:
        return True
    return reference is not None and Path(reference).resolve().parent != public


def class_entries(folder, skip=()):
    """Every entry of the class folder (sorted), except ``skip`` (the CSV and feedback folder)
    and hidden files: each gets a row, graded or saying why not."""
    skip = {Path(p).resolve() for p in skip}
    entries = []
    for entry in sorted(Path(folder).iterdir(), key=lambda p: os.fsencode(p.name)):
        if entry.name.startswith(".") or entry.resolve() in skip:
            continue
        entries.append(entry)
    return entries




def grade_class(folder, csv_path, reference=None, timeout=DEFAULT_TIMEOUT, jobs=DEFAULT_JOBS,
                solutions_dir=None, out=sys.stdout, notebook_timeout=DEFAULT_NOTEBOOK_TIMEOUT, partial=False,
                feedback=True, sandbox=None, accept_risk=False):
    """Grade every notebook in a folder, ``jobs`` at a time; write one CSV row per entry.

    Columns: student (the file name), exercise_set, one per exercise (points earned), total, max,
    note (why a notebook could not be (fully) graded, or which exercises failed and why). When the
    folder mixes exercise sets, exercise columns are named ``set:exercise``. Every entry of the
    folder gets a row (a file that is not a .ipynb, a directory, a name that is not UTF-8: a row
    saying why). The CSV (and the feedback files, ``<csv stem>_feedback/<student>.md``) are written
    atomically after every kernel is gone; if the CSV cannot be written where asked, it is written
    to the current folder or the temporary folder and the error says where.

    Class mode grades with a private reference: it refuses to run without bubblewrap unless
    ``accept_risk`` (``--accept-unsandboxed-risk``) says to (see :data:`FALLBACK_LIMITS`).
    """
    from .report import csv_text, display_name, write_csv, write_feedback, write_or_report, write_scores

    box = sandbox or detect()
    refuse_unsandboxed(box, accept_risk, "class mode (grading with a private reference)")
    if not Path(folder).is_dir():
        raise GradingError(f"{folder} is not a folder")
    feedback_dir = Path(csv_path).with_name(Path(csv_path).stem + "_feedback")
    entries = class_entries(folder, skip=(csv_path, feedback_dir))
    if not entries:
        raise GradingError(f"no files in {folder}")
    paths, skipped = [], {}
    for entry in entries:
        if not entry.name.endswith(".ipynb"):
            skipped[entry] = "not graded: not a notebook (the file name does not end in .ipynb)"
        elif entry.is_dir() and not entry.is_symlink():
            skipped[entry] = "not graded: a folder, not a notebook file"
        else:
            paths.append(entry)

    def rows(done):
        results = {r.submission: r for r in done}
        out_rows = []
        for entry in entries:
            if entry in skipped:
                out_rows.append(GradeResult(submission=entry, error=skipped[entry]))
            else:
                out_rows.append(results.get(entry) or GradeResult(
                    submission=entry, error="not graded: the grading run was killed before it"))
        return out_rows

    def provisional(done):
        # Written before and during the run, so that even a grader killed with SIGKILL (which no
        # handler can catch) leaves one row per submission; the final CSV replaces it below.
        write_or_report(f"the provisional CSV {csv_path}", lambda: write_csv(rows(done), csv_path), None)

    provisional([])
    results = grade_many(paths, reference, timeout, jobs, solutions_dir, out=out,
                         notebook_timeout=notebook_timeout, partial=partial, sandbox=box,
                         progress=provisional)
    kill_all_kernels()
    final = rows(results)
    try:
        written = write_scores(csv_path, csv_text(final), out)
    except OSError as exc:
        raise GradingError(str(exc)) from None
    if feedback:
        write_or_report(f"the feedback files in {feedback_dir}", lambda: write_feedback(final, feedback_dir), out)
    print(f"wrote {written} ({len(final)} rows)", file=out)
    for entry in skipped:
        print(f"{display_name(entry)}: {skipped[entry]}", file=out)
    return final


def _sigterm(signum, frame):
    """One notebook: stop at once (its kernel is killed on the way out)."""
    raise KeyboardInterrupt


def _sigterm_class(signum, frame):
    """Class mode: only a flag. grade_many polls it, kills the kernels and still writes every row;
    raising here could interrupt the main thread inside a lock it holds."""
    _STOP.set()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.grade",
        description="Grade exercise notebooks against the reference solutions, each in a sandboxed kernel.",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="submitted notebook(s) to grade")
    parser.add_argument("--class", dest="folder", type=Path,
                        help="grade every .ipynb in this folder (instructor) and write --csv")
    parser.add_argument("--csv", type=Path, help="class mode: CSV file to write (default scores.csv); with "
                        "notebooks: replace their rows in this CSV (a regrade)")
    parser.add_argument("--reference", type=Path, help="the reference solution notebook (default: found by name)")
    parser.add_argument("--solutions", type=Path, help="folder of reference solutions (default: solutions/)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per-cell timeout in seconds")
    parser.add_argument("--notebook-timeout", type=float, default=DEFAULT_NOTEBOOK_TIMEOUT,
                        help="wall-clock limit per notebook in seconds")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="class mode: notebooks graded at once")
    parser.add_argument("--partial", action="store_true", help="give the points of each passed check")
    parser.add_argument("--no-feedback", action="store_true", help="class mode: no per-student feedback files")
    parser.add_argument("--accept-unsandboxed-risk", action="store_true",
                        help="grade with a private reference even without bubblewrap (the kernel can then read "
                             "what the grader's user can read; see the message printed without this flag)")
    course.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.notebook_timeout <= 0:
        parser.error(f"--timeout and --notebook-timeout must be positive, got {args.timeout:g}, "
                     f"{args.notebook_timeout:g}")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _sigterm_class if args.folder else _sigterm)
    from .kernel import become_subreaper

    become_subreaper()  # processes a kernel detaches are killed with it (Linux; see kernel.sweep_orphans)
    if args.folder and args.notebooks:
        parser.error("give either notebooks or --class FOLDER, not both")
    if course.wants(args):  # class mode, records, merge, Gradescope zip: nnlib.grade.course
        return course.run(args)
    if not args.notebooks:
        parser.error("give a notebook to grade, e.g. exercises/05_backpropagation.ipynb")
    if is_private_reference(args.reference, args.solutions):
        try:
            refuse_unsandboxed(detect(), args.accept_unsandboxed_risk, "grading with a private reference")
        except GradingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    status = 0
    for path in args.notebooks:
        result = grade_notebook(path, args.reference, args.timeout, args.solutions, args.notebook_timeout,
                                args.partial)
        print(format_result(result))
        status = max(status, 2 if result.error else (0 if result.full_marks else 1))
    return status
