"""The attacks of issues 12 and 22, each reproduced with a dummy answer: a submission whose answer
cells attack the grader instead of solving the exercise.

Why each fails now (issue 22): no check computes, compares or prints a verdict in the kernel. A check
cell only sends values (``report()``), converted to plain data by the grader's own code; the grader
compares them, in its own process, with what the reference solution reported in a separate kernel.
So code of the answer's that runs during a check (a finaliser, a ``__hash__``, a callback on the
kernel's event loop, the function the check calls) can only change values, and a value passes only
if it equals the reference's, which a hidden check never puts in the student's kernel. Forbidden
helpers are not in the kernel's nnlib at all (bubblewrap binds a copy without their code).

Most attacks are graded together in one class-mode run (a kernel costs 1.5-3 s to start); the
sandbox is inspected from inside with a one-exercise "probe" reference, in both modes. Tests that
need bubblewrap skip where it is missing (and fail under CI=true, where .ci/run installs it).
"""

import csv
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nnlib.grade import grader, sandbox

from test_grader import (REFERENCE, ROOT, VISIBLE_EX2, WRONG_EX2, answer_cell, by_name, points, solved,
                         table, with_answer, write)

TIMEOUT = 5.0
TRAINING = ROOT / "solutions" / "11_training_in_practice.ipynb"


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def bwrap_works():
    return sandbox.detect().mode == "bwrap" and os.environ.get("NNLIB_GRADE_NO_BWRAP") != "1"


@pytest.fixture(scope="module")
def needs_bwrap():
    """Skip (and say why) where bubblewrap is missing; under CI=true its absence is a failure."""
    if bwrap_works():
        return
    message = ("bubblewrap is not usable here (Debian: apt-get install bubblewrap; .ci/run installs it): "
               "the tests of the sandbox need it")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# --------------------------------------------------------------------------- the dummy answers

# Issue 22, 1: code that runs inside the grader's own work (a __hash__, a finaliser run by the
# collector) rewires what it can reach: report(), print, numpy's comparison functions.
FINALISER_AND_HASH = WRONG_EX2 + f'''
import gc, builtins
import numpy as _np
_targets = {VISIBLE_EX2!r}


def _rewire():
    from nnlib.grade import verdict
    real = verdict.report
    def report(key, value, **options):
        return real(key, _np.array(_targets[key]) if key in _targets else value)
    verdict.report = report
    get_ipython().user_ns["report"] = report
    _np.allclose = lambda *a, **k: True
    _np.array_equal = lambda *a, **k: True
    builtins.print = lambda *a, **k: None


class _Sneaky:
    def __hash__(self):
        _rewire()
        return 1

    def __del__(self):
        _rewire()


get_ipython().user_ns[_Sneaky()] = 1   # a user-namespace key whose __hash__ runs later
_cycle = [_Sneaky()]
_cycle.append(_cycle)
del _cycle
gc.set_threshold(1, 1, 1)              # the collector (and the finaliser) runs during the next check
'''

# Issue 22, 3: the function a check calls reads the check's expected value from the namespace it
# shares with the answer (any array of the right shape that is not one of its inputs).
STEAL_EXPECTED = '''\
import gc, sys
import numpy as np


def dense_backward(X, W, grad_out):
    shapes = [(W.shape[0], W.shape[1]), (1, W.shape[1]), (X.shape[0], X.shape[1])]
    found = []
    for shape in shapes:
        candidates = [o for o in gc.get_objects() if type(o) is np.ndarray and o.shape == shape
                      and o is not X and o is not W and o is not grad_out]
        frame = sys._getframe(1)
        candidates += [v for v in frame.f_globals.values() if type(v) is np.ndarray and v.shape == shape
                       and v is not X and v is not W and v is not grad_out]
        found.append(candidates[-1] if candidates else np.zeros(shape))
    return tuple(found)
'''

# Issue 22, 3: a callback on the kernel's iopub event loop re-patches report() while a check runs.
IOPUB_CALLBACK = WRONG_EX2 + f'''
import numpy as _np
_targets = {VISIBLE_EX2!r}
_kernel = get_ipython().kernel


def _patch():
    from nnlib.grade import verdict
    real = getattr(verdict, "_real", verdict.report)
    verdict._real = real
    def report(key, value, **options):
        return real(key, _np.array(_targets[key]) if key in _targets else value)
    verdict.report = report
    get_ipython().user_ns["report"] = report
    _kernel.iopub_thread.io_loop.call_later(0.001, _patch)


_kernel.iopub_thread.io_loop.add_callback(_patch)
'''

# A post-run event that publishes report messages of its own for the hidden checks' keys.
FORGED_MESSAGES = WRONG_EX2 + '''
from IPython.display import publish_display_data
from nnlib.grade.verdict import MIME


def _forge(result):
    for key in ("dW (4 samples, 3 -> 5)", "db (4 samples, 3 -> 5)", "dX (4 samples, 3 -> 5)", "db"):
        publish_display_data({"text/plain": key},
                             metadata={MIME: {"key": key, "value": {"array": {"shape": [1, 5], "data": [0.0] * 5}}}})


get_ipython().events.register("pre_run_cell", lambda info: _forge(None))
'''

# Issue 22, 4: lying objects.
LYING_NDARRAY = '''\
import numpy as np


class _Lying(np.ndarray):
    def __array_function__(self, func, types, args, kwargs):
        return True            # np.allclose(mine, anything) is True

    def __eq__(self, other):
        return True

    def tolist(self):
        return [[1.5, 2.0, 0.0]]


def dense_backward(X, W, grad_out):
    return (np.zeros((W.shape[0], W.shape[1])).view(_Lying), np.zeros((1, W.shape[1])).view(_Lying),
            np.zeros(X.shape).view(_Lying))
'''

ZERO_DIFFERENCE = '''\
class _Zero(float):
    def __sub__(self, other):
        return 0.0
    __rsub__ = __sub__

    def __abs__(self):
        return 0.0

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.0

df_dx = df_dy = df_dz = df_dw = _Zero(0.0)
'''

EQUAL_TO_ALL = '''\
class _All(frozenset):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def __iter__(self):
        return iter(["w1_11"])

zero_gradients = _All({"w1_11"})
'''

# Issue 22, 2: the forbidden helper's original recovered (reload, its source file, a frame).
RECOVER_FORBIDDEN = '''\
import importlib, inspect
import nnlib.layers
importlib.reload(nnlib.layers)
try:
    exec(inspect.getsource(nnlib.layers), vars(nnlib.layers))   # the original source, if it is there
except Exception:
    pass


def dense_backward(X, W, grad_out):
    layer = nnlib.layers.Dense(W.shape[0], W.shape[1], weights=W)
    layer.forward(X)
    dX = layer.backward(grad_out)
    return layer.W.grad, layer.b.grad, dX
'''

# Issue 22, 6: a disk flood (the working folder must be the private tmpfs); the amount written is
# reported as df_dx (set 05's ex5) so that the test sees it.
DISK_FLOOD = '''\
import os
written = 0
try:
    with open("flood.bin", "wb") as f:
        for _ in range(300):
            f.write(b"x" * (1 << 20))
            f.flush()
            written += 1
except OSError:
    pass
try:
    for i in range(300):          # many files below the per-file limit
        with open(f"f{i}.bin", "wb") as f:
            f.write(b"x" * (8 << 20))
        written += 8
except OSError:
    pass
df_dx = float(written)
df_dy = df_dz = df_dw = 0.0
'''

# Issue 22, 8: a process that tries to outlive the kernel.
KERNEL_LEAK = WRONG_EX2 + '''
import subprocess
subprocess.Popen(["sleep", "917"], start_new_session=True)
subprocess.Popen(["sh", "-c", "(setsid sleep 917 &) ; sleep 917"], start_new_session=True)
'''

ATTACKS_EX2 = {
    "finaliser_and_hash": FINALISER_AND_HASH,
    "steal_expected": STEAL_EXPECTED,
    "iopub_callback": IOPUB_CALLBACK,
    "forged_messages": FORGED_MESSAGES,
    "lying_ndarray": LYING_NDARRAY,
    "recover_forbidden": RECOVER_FORBIDDEN,
    "kernel_leak": KERNEL_LEAK,
}


@pytest.fixture(scope="module")
def attack_run(needs_bwrap, tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    subs = {name: with_answer("ex1", source) for name, source in ATTACKS_EX2.items()}
    subs["honest_wrong"] = with_answer("ex1", WRONG_EX2)
    subs["zero_difference"] = with_answer("ex5", ZERO_DIFFERENCE)
    subs["equal_to_all"] = with_answer("ex3", EQUAL_TO_ALL)
    subs["disk_flood"] = with_answer("ex5", DISK_FLOOD)
    subs["solved_classmate"] = solved()
    for name, nb in subs.items():
        write(folder, name, nb)
    before = sha(REFERENCE)
    csv_path = folder / "scores.csv"
    out = io.StringIO()
    start = time.perf_counter()
    results = grader.grade_class(folder, csv_path, reference=REFERENCE, timeout=TIMEOUT, jobs=2, out=out)
    seconds = time.perf_counter() - start
    return {"results": {r.submission.stem: r for r in results}, "csv": csv_path, "log": out.getvalue(),
            "reference_sha": (before, sha(REFERENCE)), "seconds": seconds, "count": len(subs)}


@pytest.mark.parametrize("name", sorted(ATTACKS_EX2))
def test_an_attack_earns_nothing(attack_run, name):
    r = attack_run["results"][name]
    honest = attack_run["results"]["honest_wrong"]
    assert r.error is None, r.error
    assert points(r)["ex1"] == 0, table(r)
    assert r.total <= honest.total, table(r)
    # the hidden checks fail as the honest wrong answer's do: no value the reference computed was reachable
    assert not any(c.passed for c in by_name(r, "ex1").checks if c.hidden), table(r)


def test_lying_objects_earn_nothing(attack_run):
    results = attack_run["results"]
    assert points(results["zero_difference"])["ex5"] == 0, table(results["zero_difference"])
    assert points(results["equal_to_all"])["ex3"] == 0, table(results["equal_to_all"])
    # the lying array reached report() only as plain numbers (np.asarray in the check): zeros
    ex2 = by_name(results["lying_ndarray"], "ex1")
    assert ex2.checks[0].reported["db"] == {"array": {"shape": [1, 3], "data": [0.0, 0.0, 0.0]}}


def test_a_forbidden_helper_cannot_be_recovered(attack_run):
    ex2 = by_name(attack_run["results"]["recover_forbidden"], "ex1")
    assert "not available while answers are graded" in ex2.reason, ex2.reason


def test_the_disk_limit_holds(attack_run):
    r = attack_run["results"]["disk_flood"]
    written = by_name(r, "ex5").checks[0].reported["df_dx"]
    assert written <= 64, f"the kernel wrote {written} MiB"  # the private tmpfs, not the host disk
    assert attack_run["results"]["solved_classmate"].full_marks


def test_no_process_outlives_the_grading(attack_run):
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    assert "sleep 917" not in out, out


def test_nothing_outside_the_kernel_changed(attack_run):
    before, after = attack_run["reference_sha"]
    assert before == after
    rows = list(csv.DictReader(attack_run["csv"].open(encoding="utf-8")))
    assert len(rows) == attack_run["count"]
    assert attack_run["results"]["solved_classmate"].full_marks, table(attack_run["results"]["solved_classmate"])
    print(f"\nclass run: {attack_run['count']} notebooks in {attack_run['seconds']:.1f} s "
          f"({attack_run['count'] / attack_run['seconds'] * 60:.0f} per minute, 2 at a time)")


def test_delegating_to_the_library_is_refused_with_a_reason(needs_bwrap, tmp_path):
    """Set 11's ex1 and ex3 (issue 22, 5): an answer that delegates to nn.Dropout or l2_penalty."""
    nb = solved("11_training_in_practice")
    answer_cell(nb, "ex1").source = (
        "def dropout_forward(A, p, rng, training=True):\n"
        "    layer = nn.Dropout(p, rng)\n"
        "    out = layer.forward(A) if training else A\n"
        "    return out, (out / A if training else np.ones_like(A))\n")
    answer_cell(nb, "ex3").source = (
        "from nnlib.regularization import l2_penalty\n"
        "def l2_step(weights, grads, lr, lam):\n"
        "    params = [nn.Parameter('W', W.copy()) for W in weights]\n"
        "    return l2_penalty(params, lam), [W - lr * (G + lam * W) for W, G in zip(weights, grads)]\n")
    result = grader.grade_notebook(write(tmp_path, "delegates", nb), reference=TRAINING, timeout=30)
    for name in ("ex1", "ex3"):
        e = by_name(result, name)
        assert e.points == 0 and "asks you to write it yourself" in e.reason + str(e.checks[0].message), table(result)
    assert by_name(result, "ex2").points == by_name(result, "ex2").max_points


def test_symbolic_differentiation_cannot_pass_the_derive_exercise(tmp_path):
    """Set 07's ex6 (derive on paper): sympy's differentiation raises while the answer is graded."""
    nb = solved("07_softmax_backprop")
    answer_cell(nb, "ex6").source = "dL_dz = [sp.diff(L, z) for z in zs]\n"
    result = grader.grade_notebook(write(tmp_path, "diff", nb),
                                   reference=ROOT / "solutions" / "07_softmax_backprop.ipynb", timeout=30)
    e = by_name(result, "ex6")
    assert e.points == 0 and "derive" in e.reason.lower() + e.hint.lower(), table(result)
    nb = solved("07_softmax_backprop")
    answer_cell(nb, "ex6").source = "dL_dz = [sp.Derivative(L, z).doit() for z in zs]\n"
    result = grader.grade_notebook(write(tmp_path, "derivative", nb),
                                   reference=ROOT / "solutions" / "07_softmax_backprop.ipynb", timeout=30)
    assert by_name(result, "ex6").points == 0, table(result)


def test_a_symlink_to_the_reference_is_not_graded(tmp_path):
    link = tmp_path / "link.ipynb"
    link.symlink_to(REFERENCE)
    result = grader.grade_notebook(link, reference=REFERENCE)
    assert result.error and "symbolic link" in result.error


# --------------------------------------------------------------------------- the sandbox from inside

PROBE_ANSWER = '''\
import json, os, socket
### BEGIN SOLUTION
facts = {"uid": os.getuid(), "cwd": sorted(os.listdir(".")), "marker": "NNLIB_TEST_MARKER" in os.environ}
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1).close()
    facts["network"] = "connected"
except OSError as exc:
    facts["network"] = type(exc).__name__
facts["reference_exists"] = os.path.exists(REFERENCE)
facts["original_nnlib_exists"] = os.path.exists(os.path.join(ROOT, "nnlib", "layers.py"))
try:
    open(REFERENCE, "a").close()
    facts["reference_writable"] = True
except OSError:
    facts["reference_writable"] = False
try:
    open(os.path.join(ROOT, "probe.tmp"), "w").close()
    os.remove(os.path.join(ROOT, "probe.tmp"))  # (the fallback may run as the grader's user)
    facts["repo_writable"] = True
except OSError:
    facts["repo_writable"] = False
import resource
facts["cpu_limit"] = resource.getrlimit(resource.RLIMIT_CPU)[0]
facts["nproc_limit"] = resource.getrlimit(resource.RLIMIT_NPROC)[0]
facts["pid_namespace"] = os.getpid() < 10
facts["cwd_filesystem"] = os.statvfs(".").f_blocks * os.statvfs(".").f_frsize
import subprocess, sys
_child = subprocess.run([sys.executable, "-I", "-c", f"open('/proc/{os.getpid()}/mem', 'rb').close(); print('opened')"],
                        capture_output=True, text=True, timeout=30)
facts["child_reads_kernel_memory"] = "opened" in _child.stdout
facts = json.dumps(facts, sort_keys=True)
### END SOLUTION
'''


def probe_reference(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [
        nbformat.v4.new_markdown_cell("# Solutions 99. Probe"),
        nbformat.v4.new_code_cell(f"REFERENCE = {str(path)!r}\nROOT = {str(ROOT)!r}"),
        nbformat.v4.new_code_cell(PROBE_ANSWER, metadata={"tags": ["answer"], "nnlib": {"exercise": "ex1"}}),
        nbformat.v4.new_code_cell('report("facts", facts)',
                                  metadata={"tags": ["check"], "nnlib": {"exercise": "ex1", "points": 1}}),
    ]
    for i, c in enumerate(cells):
        c.id = f"probe-{i}"
    nb.cells = cells
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def _probe(mode, folder):
    box = sandbox.detect(force_fallback=mode == "fallback")
    ref = probe_reference(folder / "99_probe.ipynb")
    os.environ["NNLIB_TEST_MARKER"] = "secret"
    try:
        result = grader.grade_notebook(ref, reference=ref, timeout=20, sandbox=box)
    finally:
        del os.environ["NNLIB_TEST_MARKER"]
    assert result.error is None, result.error
    return box, json.loads(result.exercises[0].checks[0].reported["facts"])


def test_the_sandbox_seen_from_inside(needs_bwrap, tmp_path):
    box, facts = _probe("bwrap", tmp_path)
    assert facts["marker"] is False  # a clean environment
    assert facts["network"] != "connected"
    assert facts["cpu_limit"] == box.limits.cpu_seconds
    assert facts["cwd"] == []  # a fresh, empty working folder
    assert facts["cwd_filesystem"] <= box.limits.tmp_bytes  # the private tmpfs, not the host disk
    assert facts["reference_exists"] is False  # the reference is not in the sandbox at all
    assert facts["original_nnlib_exists"] is False  # nor nnlib's original sources
    assert facts["pid_namespace"] is True
    if box.drop_uid:
        assert facts["uid"] in range(sandbox.UID_BASE, sandbox.UID_BASE + sandbox.UID_COUNT)
        assert facts["nproc_limit"] == box.limits.processes
        assert facts["repo_writable"] is False and facts["reference_writable"] is False
        assert facts["child_reads_kernel_memory"] is False  # the kernel is not dumpable


def test_the_fallback_says_what_it_does_not_protect(tmp_path):
    box, facts = _probe("fallback", tmp_path)
    assert facts["marker"] is False and facts["cpu_limit"] == box.limits.cpu_seconds
    assert "FALLBACK" in box.note and "apt-get install bubblewrap" in box.note
    assert facts["reference_exists"] is True  # as the message says: the kernel sees the host's files
    assert "can read every file" in grader.FALLBACK_LIMITS and "original nnlib sources" in grader.FALLBACK_LIMITS


# --------------------------------------------------------------------------- the grader killed


def start_slow_class_run(tmp_path, students, jobs):
    """A class run of ``students`` notebooks whose ex2 answer sleeps 4 s, started as the command line
    does it; returns the process once grading has begun, and the CSV's path."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for i in range(students):
        write(folder, f"student{i}", with_answer("ex1", "import time\ntime.sleep(4)\n" + WRONG_EX2))
    csv_path = tmp_path / "scores.csv"
    proc = subprocess.Popen([sys.executable, "-m", "nnlib.grade", "--class", str(folder), "--csv", str(csv_path),
                             "--reference", str(REFERENCE), "--jobs", str(jobs), "--accept-unsandboxed-risk"],
                            cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # the sandbox line: grading has started (on a loaded machine, late)
    assert first.startswith("sandbox:"), first + proc.stderr.read()
    return proc, csv_path


def test_a_terminated_class_run_still_writes_a_row_per_submission(tmp_path):
    proc, csv_path = start_slow_class_run(tmp_path, students=4, jobs=2)
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == [f"student{i}.ipynb" for i in range(4)], out + err
    assert any("interrupted" in r["note"] for r in rows), rows
    assert proc.returncode is not None
    time.sleep(1)
    ps = subprocess.run(["ps", "-ww", "-eo", "pid,stat,args"], capture_output=True, text=True).stdout
    left = [line for line in ps.splitlines() if str(tmp_path) in line and " Z" not in line]
    assert not left, left


def test_no_kernel_outlives_a_killed_grader_in_the_fallback(tmp_path):
    """Issue 22: a grading kernel was still running long after its grader was gone. Without
    bubblewrap the kernel now asks the system to kill it when the grader's process is gone."""
    folder = tmp_path / "subs"
    folder.mkdir()
    write(folder, "sleeper", with_answer("ex2", "import time\ntime.sleep(30)\n" + WRONG_EX2))
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "nnlib.grade", "--class", str(folder), "--csv",
                             str(tmp_path / "s.csv"), "--reference", str(REFERENCE), "--accept-unsandboxed-risk"],
                            cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(temp),
                                               NNLIB_GRADE_NO_BWRAP="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("sandbox: FALLBACK")

    def kernels():
        ps = subprocess.run(["ps", "-ww", "-eo", "stat,args"], capture_output=True, text=True).stdout
        return [line for line in ps.splitlines() if str(temp) in line and "ipykernel" in line
                and not line.startswith("Z")]

    deadline = time.monotonic() + 120
    while not kernels() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernels(), "no kernel started"
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while kernels() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not kernels()


def test_no_process_of_a_submission_outlives_its_grading_in_the_fallback(tmp_path):
    """Without bubblewrap (and its PID namespace) a kernel's detached processes are found through the
    command line's subreaper and killed with the kernel."""
    folder = tmp_path / "subs"
    folder.mkdir()
    write(folder, "leak", with_answer("ex2", KERNEL_LEAK))
    proc = subprocess.run([sys.executable, "-m", "nnlib.grade", "--class", str(folder), "--csv", str(tmp_path / "s.csv"),
                           "--reference", str(REFERENCE), "--accept-unsandboxed-risk"], cwd=ROOT, timeout=300,
                          env=dict(os.environ, NNLIB_GRADE_NO_BWRAP="1"), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ps = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    left = [line for line in ps.splitlines() if "sleep 917" in line]
    for line in left:  # (do not leave them running even when the test fails)
        os.kill(int(line.split()[0]), signal.SIGKILL)
    assert not left


def test_a_killed_class_run_leaves_a_row_per_submission(tmp_path):
    """SIGKILL cannot be handled: the CSV written before and during the run still has every row, and
    the kernels die with the grader (bubblewrap's --die-with-parent; in the fallback, their session)."""
    proc, csv_path = start_slow_class_run(tmp_path, students=3, jobs=1)
    time.sleep(2)
    proc.kill()
    proc.communicate(timeout=60)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == [f"student{i}.ipynb" for i in range(3)]
    assert all(r["note"] for r in rows), rows   # each says why it has no grade (yet)


# --------------------------------------------------------------------------- without bubblewrap


def test_without_bubblewrap_the_verdicts_still_hold(tmp_path):
    """The fallback sandbox (no bubblewrap): the attacks on the checks still earn nothing and a solved
    notebook still gets full marks, because the verdicts are made outside the kernel in both modes."""
    box = sandbox.detect(force_fallback=True)
    assert box.mode == "fallback"
    folder = tmp_path / "subs"
    folder.mkdir()
    subs = {"honest_wrong": WRONG_EX2, "finaliser_and_hash": FINALISER_AND_HASH, "lying_ndarray": LYING_NDARRAY,
            "steal_expected": STEAL_EXPECTED}
    for name, source in subs.items():
        write(folder, name, with_answer("ex1", source))
    write(folder, "solved_classmate", solved())
    out = io.StringIO()
    results = {r.submission.stem: r for r in grader.grade_class(
        folder, tmp_path / "scores.csv", reference=REFERENCE, timeout=TIMEOUT, jobs=2, out=out, sandbox=box,
        accept_risk=True)}
    assert "FALLBACK" in out.getvalue()
    assert results["solved_classmate"].full_marks, table(results["solved_classmate"])
    assert results["honest_wrong"].total == 10
    for name in subs:
        assert points(results[name])["ex1"] == 0, table(results[name])
