"""The attacks of issue 12, each reproduced: a submission whose answer cells attack the grader.

Every attack here earns nothing (the exercise it cheats on scores what the honest wrong answer
scores, 0), cannot touch another row, the CSV or the reference, and cannot stop or stall a class
run beyond the limits. The cheats that edit the submitted notebook itself are in test_grader.py.

Most attacks are graded together in one class-mode run (a kernel costs 1.5-3 s to start);
the sandbox is inspected from inside with a one-exercise "probe" reference, in both modes:
bubblewrap and the fallback without it.
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

from nnlib import exercises as ex
from nnlib.grade import grader, sandbox

from test_grader import BACKPROP, ROOT, WRONG_EX2, answer_cell, points, solved, table

REFERENCE = ROOT / "solutions" / f"{BACKPROP}.ipynb"
TIMEOUT = 5.0


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def expected_outputs(exercise):
    """What every check of an exercise prints in the (public) reference: what a forger pastes in."""
    nb = nbformat.read(REFERENCE, as_version=4)
    return ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells
            if ex.cell_role(c) in ("check", "hidden") and ex.exercise_name(c) == exercise]


def with_ex2(source):
    nb = solved()
    answer_cell(nb, "ex2").source = source
    return nb


def with_answer(exercise, source):
    nb = solved()
    answer_cell(nb, exercise).source = source
    return nb


# A wrong answer to ex5 that passes its visible check (a set of names); the hidden check prints
# "correct: False" for it. FORGE_PRINT defines _forge(), which patches print to print True for False.
WRONG_EX5 = 'zero_gradients = {"w1"}\n'
FORGE_PRINT = """
import builtins as _b
_real_print = _b.print
def _forged_print(*args, **kwargs):
    return _real_print(*[True if a is False else a for a in args], **kwargs)
def _forge():
    _b.print = _forged_print
"""
HIDDEN_VERDICT_ATTACKS = {
    # an object whose __getattr__ ran inside the guard's restore, after builtins were put back
    "getattr_runs_in_restore": """
class _Sneaky:
    def __getattr__(self, name):
        _forge()
        raise AttributeError(name)
_sneaky = _Sneaky()
""",
    # an interval timer whose handler fires between any two bytecodes of the check
    "signal_handler": """
import signal
signal.signal(signal.SIGALRM, lambda signum, frame: _forge())
signal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)
""",
    # a garbage-collector callback, with a collection at every allocation
    "gc_callback": """
import gc
gc.callbacks.append(lambda phase, info: _forge())
gc.set_threshold(1)
""",
    # a finaliser on a name the hidden check rebinds (rng = ...)
    "finaliser_on_rebound_name": """
class _Finaliser:
    def __del__(self):
        _forge()
rng = _Finaliser()
""",
    # a thread threading does not list
    "unlisted_thread": """
import _thread, time
def _loop():
    while True:
        _forge()
        time.sleep(0.0002)
_thread.start_new_thread(_loop, ())
""",
    # the guard's closure cell `sys` (shared with the hook) replaced by a fake
    "guard_closure_cell": """
import sys as _real_sys
class _FakeSys:
    def audit(self, event, box):
        _real_sys.audit(event, box)
        if box[0] == "check":
            _forge()
        elif box[0] == "end":
            _b.print = _real_print
    def __getattr__(self, name):
        return getattr(_real_sys, name)
for _name, _guard in list(globals().items()):
    if _name.startswith("_nnlib_guard"):
        for _cell in _guard.__closure__ or ():
            if _cell.cell_contents is _real_sys:
                _cell.cell_contents = _FakeSys()
""",
    # the IPython method around the guard's call wrapped: it rewrote the buffered output afterwards
    "output_rewritten_after_the_guard": """
import sys
_cls = type(get_ipython())
_original = _cls.user_expressions
def _user_expressions(self, expressions):
    out = _original(self, expressions)
    for buffer in list(sys.stdout._buffers.values()):
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        buffer.write(text.replace("False", "True"))
    return out
_cls.user_expressions = _user_expressions
""",
}
ALIAS_ATTACKS = {
    "copied_forbidden_helper": """
import types
import nnlib as nn
def _copy(f):
    return types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
numerical_gradient = _copy(nn.numerical_gradient)
relative_error = _copy(nn.relative_error)
""",
    "callable_object_of_forbidden_helper": """
import nnlib as nn
class _Gradient:
    __call__ = staticmethod(nn.numerical_gradient)
class _Error:
    __call__ = staticmethod(nn.relative_error)
numerical_gradient = _Gradient()
relative_error = _Error()
""",
}


# --------------------------------------------------------------------------- the attacks

def attacks(csv_path, ref_copy):
    """{name: notebook}: the wrong answer to ex2 plus one attack each."""
    targets = expected_outputs("ex2")
    forged_cells = "".join(f"print({t!r}, end='')\n" for t in targets)
    subs = {"honest_wrong": with_ex2(WRONG_EX2)}
    # 1. rewriting the checks before they run
    subs["input_transformer"] = with_ex2(WRONG_EX2 + f'''
_forged = {forged_cells!r}
def _rewrite(lines):
    text = "".join(lines)
    return [_forged] if ("dense_backward" in text and "def dense_backward" not in text) else lines
get_ipython().input_transformers_cleanup.append(_rewrite)
''')
    subs["ast_transformer"] = with_ex2(WRONG_EX2 + f'''
import ast
class _Forge(ast.NodeTransformer):
    def visit_Module(self, node):
        if any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "dense_backward" for n in ast.walk(node)):
            return ast.parse({forged_cells!r})
        return node
get_ipython().ast_transformers.append(_Forge())
''')
    subs["pre_run_event"] = with_ex2(WRONG_EX2 + f'''
import builtins
def _pre(info):
    if "dense_backward(" in (info.raw_cell or ""):
        builtins.print({targets[0]!r}, end="")
        raise KeyboardInterrupt  # stop the real check
get_ipython().events.register("pre_run_cell", _pre)
''')
    subs["reads_the_reference"] = with_ex2(WRONG_EX2 + f'''
import glob, json, os
_found = [p for p in glob.glob("*.ipynb") + glob.glob("/tmp/**/*.ipynb", recursive=True) + [{str(REFERENCE)!r}]
          if os.path.exists(p)]
if _found:
    _ref = json.load(open(_found[0]))
    _outs = ["".join("".join(o.get("text", "")) for o in c["outputs"]) for c in _ref["cells"]
             if "check" in c["metadata"].get("tags", []) and c["metadata"].get("nnlib", {{}}).get("exercise") == "ex2"]
    _it = iter(_outs)
    get_ipython().input_transformers_cleanup.append(
        lambda lines: [f"print({{next(_it)!r}}, end='')"] if "dense_backward(" in "".join(lines) else lines)
''')
    # 2. getting around the guard
    subs["global_print"] = with_ex2(WRONG_EX2 + f'''
import builtins as _b
_targets = iter({targets!r})
def print(*args, **kwargs):
    _b.print(next(_targets, ""), end="")
''')
    subs["guard_replaced"] = with_ex2(WRONG_EX2 + f'''
_targets = iter({targets!r})
for _name in [n for n in globals() if n.startswith("_nnlib_guard")]:
    globals()[_name] = lambda event, box: __builtins__.print(next(_targets, ""), end="") or "0" * 64 + ":0"
''')
    subs["saved_state_dug_out"] = with_ex2(WRONG_EX2 + '''
import gc
_hits = [o for o in gc.get_objects() if isinstance(o, dict) and "print" in o and o is not globals()]
''')
    subs["iostream_swapped"] = with_ex2(WRONG_EX2 + f'''
import sys
_targets = iter({targets!r})
_cls = type(sys.stdout)
_real_write = _cls.write
def _write(self, text):
    return _real_write(self, next(_targets, "") if text.strip() else "")
_cls.write = _write
sys.stdout.write = lambda text: _real_write(sys.stdout, next(_targets, ""))
''')
    subs["references_patched"] = with_ex2(WRONG_EX2 + '''
import numpy as np
import nnlib.layers
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda *a, **k: True
nnlib.layers.Dense.backward = lambda self, grad_out: dense_backward(self._X, self.W.value, grad_out)[2]
''')
    # 3. delegating to the library function the exercise asks for
    subs["delegates_to_nnlib"] = with_ex2('''
def dense_backward(X, W, grad_out):
    layer = nn.Dense(W.shape[0], W.shape[1], weights=W.copy(), bias=np.zeros((1, W.shape[1])))
    layer.forward(X)
    dX = layer.backward(grad_out)
    return layer.W.grad, layer.b.grad, dX
''')
    # 4. acting outside the kernel
    subs["outside_the_kernel"] = with_ex2(WRONG_EX2 + f'''
import os, subprocess
for _p in ("report.json", "/tmp/report.json"):
    try:
        os.mkfifo(_p)
    except OSError:
        pass
try:
    os.mkdir("report.json.d")
except OSError:
    pass
_script = (f"sleep 4; echo 'cheater,{BACKPROP},9,9,9,9,9,45,45,' > {str(csv_path)!r}; "
           f"echo broken > {str(ref_copy)!r}")
try:
    subprocess.Popen(["sh", "-c", _script], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except OSError:
    pass
for _target in ({str(csv_path)!r}, {str(ref_copy)!r}):  # (the reference graded against is the copy)
    try:
        open(_target, "a").write("tampered")
    except OSError:
        pass
''')
    # 5. denying the class its grades
    subs["sleeps_in_every_cell"] = with_ex2(WRONG_EX2 + f'''
import time
get_ipython().events.register("pre_run_cell", lambda info: time.sleep({0.9 * TIMEOUT}))
get_ipython().events.register("post_run_cell", lambda result: time.sleep({0.9 * TIMEOUT}))
''')
    subs["resources"] = with_ex2(WRONG_EX2 + '''
import os
try:
    _big = bytearray(3 << 30)       # 3 GiB
except MemoryError:
    _big = None
try:
    with open("big.bin", "wb") as f:
        f.write(b"x" * (40 << 20))  # 40 MiB
except OSError:
    pass
print("y" * (50 << 20))           # 50 MiB of output
_children = 0
try:
    for _ in range(500):
        if os.fork() == 0:
            import time
            time.sleep(30)
            os._exit(0)
        _children += 1
except OSError:
    pass
''')
    subs["kills_the_kernel"] = with_ex2(WRONG_EX2 + "import os\nos.kill(os.getpid(), 9)\n")
    # 6. code of the answer's that runs in the middle of a check the check does not call: each one
    #    turns the hidden check's "correct: False" of a wrong ex5 into "correct: True"
    for name, trigger in HIDDEN_VERDICT_ATTACKS.items():
        subs[name] = with_answer("ex5", WRONG_EX5 + FORGE_PRINT + trigger)
    # 7. the forbidden helpers of ex6 handed to the check in a wrapper the alias check did not know
    for name, source in ALIAS_ATTACKS.items():
        subs[name] = with_answer("ex6", source)
    # a solved classmate, graded in the same run: full marks whatever the others do
    subs["solved_classmate"] = solved()
    # not attacks: two common mistakes in ex4, which must get different hints
    ans = answer_cell(solved(), "ex4").source
    for name, (old, new) in {
        "mistake_transpose": ("delta_h = (delta_o @ W2.T)", "delta_h = (delta_o @ W2)"),
        "mistake_new_weights": ("    return (W1 - eta * x.T @ delta_h", "    W2 = W2 - eta * h.T @ delta_o\n"
                                "    delta_h = (delta_o @ W2.T) * h * (1 - h)\n    return (W1 - eta * x.T @ delta_h"),
    }.items():
        assert old in ans
        nb = solved()
        answer_cell(nb, "ex4").source = ans.replace(old, new).replace("W2 - eta * h.T @ delta_o, b2", "W2, b2") \
            if name == "mistake_new_weights" else ans.replace(old, new)
        subs[name] = nb
    return subs


@pytest.fixture(scope="module")
def attack_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    ref_dir = tmp_path_factory.mktemp("private_reference")
    ref_copy = ref_dir / REFERENCE.name
    ref_copy.write_bytes(REFERENCE.read_bytes())
    csv_path = folder / "scores.csv"
    before = {"reference": sha(REFERENCE), "copy": sha(ref_copy)}
    subs = attacks(csv_path, ref_copy)
    for name, nb in subs.items():
        (folder / f"{name}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    os.mkfifo(folder / "a_fifo.ipynb")  # a "submission" that is a FIFO: must not block the run
    (folder / "a_directory.ipynb").mkdir()
    out = io.StringIO()
    start = time.monotonic()
    box = sandbox.detect()
    first_uid = len(box.issued)
    results = grader.grade_class(folder, csv_path, reference=ref_copy, timeout=TIMEOUT, jobs=2, out=out,
                                 notebook_timeout=60, sandbox=box)
    uids = set(box.issued[first_uid:])
    seconds = time.monotonic() - start
    csv_text = csv_path.read_text(encoding="utf-8")
    time.sleep(6)  # longer than the detached child of "outside_the_kernel" waits
    return {"results": {r.submission.stem: r for r in results}, "csv": csv_path, "csv_text": csv_text,
            "before": before, "ref_copy": ref_copy, "seconds": seconds, "log": out.getvalue(), "uids": uids}


def ex2_points(run, name):
    return points(run["results"][name])["ex2"]


@pytest.mark.parametrize("name", [
    "input_transformer", "ast_transformer", "pre_run_event", "reads_the_reference", "global_print",
    "guard_replaced", "saved_state_dug_out", "iostream_swapped", "references_patched", "delegates_to_nnlib",
    "outside_the_kernel", "sleeps_in_every_cell", "resources", "kills_the_kernel",
])
def test_attack_earns_nothing(attack_run, name):
    honest = attack_run["results"]["honest_wrong"]
    assert honest.total == honest.max_total - 3, table(honest)  # the wrong ex2 costs its 3 points, no more
    r = attack_run["results"][name]
    assert r.error is None, r.error
    assert ex2_points(attack_run, name) == 0, table(r)
    # and it does not cost the other exercises anything beyond what it breaks itself
    assert r.total <= attack_run["results"]["honest_wrong"].total, table(r)


@pytest.mark.parametrize("name", sorted(HIDDEN_VERDICT_ATTACKS))
def test_code_run_in_the_middle_of_a_check_earns_nothing(attack_run, name):
    r = attack_run["results"][name]
    assert r.error is None, r.error
    assert points(r)["ex5"] == 0, table(r)
    # no more than the honest wrong ex5 scores (a thread left running also fails the later checks)
    assert r.total <= attack_run["results"]["solved_classmate"].total - 2, table(r)


@pytest.mark.parametrize("name", sorted(ALIAS_ATTACKS))
def test_a_wrapped_forbidden_helper_is_refused(attack_run, name):
    r = attack_run["results"][name]
    ex6 = next(e for e in r.exercises if e.name == "ex6")
    assert ex6.points == 0 and "RuntimeError" in ex6.reason and "not available" in ex6.reason, table(r)


def test_a_symlink_to_the_reference_is_not_graded(tmp_path):
    """A submission unpacked from an archive may be a symbolic link to the reference itself."""
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / f"{BACKPROP}.ipynb").symlink_to(REFERENCE)
    results = grader.grade_class(folder, tmp_path / "scores.csv", reference=REFERENCE, timeout=TIMEOUT,
                                 out=io.StringIO(), feedback=False)
    assert len(results) == 1 and results[0].total == 0
    assert "symbolic link" in results[0].error, results[0].error


@pytest.mark.parametrize("name", ["input_transformer", "ast_transformer", "pre_run_event", "global_print",
                                  "iostream_swapped"])
def test_forged_checks_print_what_the_honest_wrong_answer_prints(attack_run, name):
    honest = next(e for e in attack_run["results"]["honest_wrong"].exercises if e.name == "ex2")
    forged = next(e for e in attack_run["results"][name].exercises if e.name == "ex2")
    assert [c.actual for c in forged.checks] == [c.actual for c in honest.checks], table(attack_run["results"][name])


def test_a_replaced_guard_is_detected(attack_run):
    ex2 = next(e for e in attack_run["results"]["guard_replaced"].exercises if e.name == "ex2")
    assert not any(c.passed for c in ex2.checks)


def test_the_guard_state_cannot_be_dug_out(attack_run):
    ex2 = next(e for e in attack_run["results"]["saved_state_dug_out"].exercises if e.name == "ex2")
    assert "gc.get_objects" in ex2.reason, ex2.reason


def test_delegating_to_the_library_is_refused_with_a_reason(attack_run):
    ex2 = next(e for e in attack_run["results"]["delegates_to_nnlib"].exercises if e.name == "ex2")
    assert "RuntimeError" in ex2.reason and "nnlib.layers.Dense.backward" in ex2.reason, ex2.reason
    assert "ex2 asks you to write it yourself" in ex2.reason


def test_nothing_outside_the_kernel_changed(attack_run):
    assert sha(REFERENCE) == attack_run["before"]["reference"]
    assert sha(attack_run["ref_copy"]) == attack_run["before"]["copy"]
    assert attack_run["csv"].read_text(encoding="utf-8") == attack_run["csv_text"]  # after the child's delay
    assert "cheater" not in attack_run["csv_text"] and "tampered" not in attack_run["csv_text"]
    assert attack_run["uids"]  # (the kernels of this run: another run may be going on meanwhile)
    leftovers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _uid_of(p) in attack_run["uids"]]
    assert leftovers == [], "a sandbox process outlived the class run"


def _uid_of(proc_dir):
    try:
        line = next(x for x in (proc_dir / "status").read_text().splitlines() if x.startswith("Uid:"))
    except (OSError, StopIteration):
        return -1
    return int(line.split()[1])


def test_every_submission_has_a_row_and_the_solved_classmate_full_marks(attack_run):
    rows = list(csv.DictReader(io.StringIO(attack_run["csv_text"])))
    students = [row["student"] for row in rows]
    assert sorted(students) == sorted(f"{n}.ipynb" for n in attack_run["results"])
    by_student = {row["student"]: row for row in rows}
    solved_row = by_student["solved_classmate.ipynb"]
    assert solved_row["total"] == solved_row["max"] == "14" and solved_row["note"] == ""
    for bad in ("a_fifo.ipynb", "a_directory.ipynb"):
        assert by_student[bad]["note"].startswith("cannot read"), by_student[bad]
    assert "killed the kernel" in by_student["kills_the_kernel.ipynb"]["note"]


def test_denial_of_service_is_bounded(attack_run):
    r = attack_run["results"]
    # the sleeping hooks do not fire in checks; their own cells run into the per-cell timeout at worst
    assert r["sleeps_in_every_cell"].seconds < 45, r["sleeps_in_every_cell"].seconds
    res = r["resources"]
    ex2 = next(e for e in res.exercises if e.name == "ex2")
    assert res.seconds < 60 and ex2.points == 0
    assert attack_run["seconds"] < 240, attack_run["seconds"]


def test_hints_tell_common_mistakes_apart(attack_run):
    r = attack_run["results"]
    transpose = next(e for e in r["mistake_transpose"].exercises if e.name == "ex4")
    new_weights = next(e for e in r["mistake_new_weights"].exercises if e.name == "ex4")
    assert transpose.points == new_weights.points == 0
    assert "transpose" in transpose.hint and "OLD" not in transpose.hint, transpose.hint
    assert "OLD weights" in new_weights.hint and "transpose" not in new_weights.hint, new_weights.hint
    # the visible check fails for both, and the feedback says which visible checks passed (none)
    assert transpose.expected.startswith("w1 = ") and transpose.visible_passed == []


def test_feedback_files_one_per_student(attack_run):
    folder = attack_run["csv"].with_name("scores_feedback")
    files = sorted(p.stem for p in folder.glob("*.md"))
    assert files == sorted(attack_run["results"])
    text = (folder / "delegates_to_nnlib.md").read_text(encoding="utf-8")
    assert "**11 of 14 points**" in text and "raised `RuntimeError: nnlib.layers.Dense.backward" in text
    assert "Not available to this answer: `nnlib.layers.Dense.backward`" in text
    hidden_error = (folder / "mistake_transpose.md").read_text(encoding="utf-8")
    assert "(hidden check, 1 point): failed: raised `ValueError: matmul" in hidden_error, hidden_error


def test_partial_credit_counts_passed_checks():
    reference = ex.read_notebook(REFERENCE)
    table_ = ex.exercise_cells(reference)
    plan = grader.build_plan(reference, table_, grader.submitted_answers(solved(), reference, table_))
    records = {k: grader.Record("ok", step.expected or []) for k, step in enumerate(plan)}
    first_ex4_check = next(k for k, step in enumerate(plan) if step.exercise == "ex4" and step.role == "check")
    records[first_ex4_check] = grader.Record("ok", [("stdout", "w1 = 0\n")])
    strict = grader.score(reference, table_, plan, records, {}, TIMEOUT, set())
    partial = grader.score(reference, table_, plan, records, {}, TIMEOUT, set(), partial=True)
    assert [e.points for e in strict] == [2, 3, 2, 0, 2, 2]
    assert [e.points for e in partial] == [2, 3, 2, 2, 2, 2]  # ex4: two hidden checks of 1 point passed


def test_the_class_run_says_which_sandbox_it_used(attack_run):
    assert "sandbox:" in attack_run["log"]


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
import subprocess, sys
# a child process (a fresh interpreter, without the guard's hook) opening the kernel's memory
_child = subprocess.run([sys.executable, "-I", "-c", f"open('/proc/{os.getpid()}/mem', 'rb').close(); print('opened')"],
                        capture_output=True, text=True, timeout=30)
facts["child_reads_kernel_memory"] = "opened" in _child.stdout
### END SOLUTION
'''


def probe_reference(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [
        nbformat.v4.new_markdown_cell("# Solutions 99. Probe"),
        nbformat.v4.new_code_cell(f"REFERENCE = {str(path)!r}\nROOT = {str(ROOT)!r}"),
        nbformat.v4.new_code_cell(PROBE_ANSWER, metadata={"tags": ["answer"], "nnlib": {"exercise": "ex1"}}),
        nbformat.v4.new_code_cell("print(json.dumps(facts, sort_keys=True))",
                                  metadata={"tags": ["check"], "nnlib": {"exercise": "ex1", "points": 1}}),
    ]
    cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="(whatever)\n")]
    cells[3].execution_count = 1
    for i, c in enumerate(cells):
        c.id = f"probe-{i}"
    nb.cells = cells
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["bwrap", "fallback"])
def probe(request, tmp_path_factory):
    if request.param == "bwrap" and not sandbox.shutil.which("bwrap"):
        pytest.fail("bubblewrap is not installed: `apt-get install bubblewrap` (.ci/run does it)")
    box = sandbox.detect(force_fallback=request.param == "fallback")
    folder = tmp_path_factory.mktemp(f"probe_{request.param}")
    ref = probe_reference(folder / "99_probe.ipynb")
    os.environ["NNLIB_TEST_MARKER"] = "secret"
    try:
        result = grader.grade_notebook(ref, reference=ref, timeout=20, sandbox=box)
    finally:
        del os.environ["NNLIB_TEST_MARKER"]
    assert result.error is None, result.error
    return box, json.loads(result.exercises[0].checks[0].actual)


def test_the_sandbox_seen_from_inside(probe):
    box, facts = probe
    assert facts["marker"] is False  # a clean environment
    assert facts["network"] != "connected"
    assert facts["cpu_limit"] == box.limits.cpu_seconds
    assert facts["cwd"] == []  # a fresh, empty working folder
    if box.drop_uid:
        assert facts["uid"] in range(sandbox.UID_BASE, sandbox.UID_BASE + sandbox.UID_COUNT)
        assert facts["nproc_limit"] == box.limits.processes
        assert facts["repo_writable"] is False and facts["reference_writable"] is False
        assert facts["child_reads_kernel_memory"] is False  # the kernel is not dumpable
    else:  # the fallback cannot drop the uid here: it must say that the kernel can write what the grader can
        assert box.mode == "fallback" and "can write what the grader can" in box.note
    if box.mode == "bwrap":
        assert facts["reference_exists"] is False  # the reference is not in the sandbox at all
        assert facts["pid_namespace"] is True
        assert "bubblewrap" in box.note
    else:
        assert "FALLBACK" in box.note and "chmod 700" in box.note  # it says what it falls back to


# --------------------------------------------------------------------------- the grader killed


def start_slow_class_run(tmp_path, students, jobs):
    """A class run of ``students`` notebooks whose ex2 answer sleeps 4 s, started as the command line
    does it; returns the process once grading has begun, and the CSV's path."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for i in range(students):
        nb = with_ex2("import time\ntime.sleep(4)\n" + WRONG_EX2)
        (folder / f"student{i}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    csv_path = tmp_path / "scores.csv"
    proc = subprocess.Popen([sys.executable, "-m", "nnlib.grade", "--class", str(folder), "--csv", str(csv_path),
                             "--reference", str(REFERENCE), "--jobs", str(jobs)], cwd=ROOT,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"),
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


# --------------------------------------------------------------------------- the same guard without bubblewrap


def test_without_bubblewrap_the_guard_still_holds(tmp_path):
    """The fallback sandbox (no bubblewrap) keeps the guard, the forbidden helpers and the limits:
    the attacks on the checks still earn nothing and a solved notebook still gets full marks.
    (Attacks on files are not run here: the fallback may run the kernel as the grader's user.)"""
    box = sandbox.detect(force_fallback=True)
    assert box.mode == "fallback"
    subs = attacks(tmp_path / "unused.csv", tmp_path / "unused.ipynb")
    folder = tmp_path / "subs"
    folder.mkdir()
    names = ["honest_wrong", "input_transformer", "guard_replaced", "delegates_to_nnlib", "solved_classmate"]
    for name in names:
        (folder / f"{name}.ipynb").write_text(nbformat.writes(subs[name]), encoding="utf-8")
    out = io.StringIO()
    results = {r.submission.stem: r for r in grader.grade_class(
        folder, tmp_path / "scores.csv", reference=REFERENCE, timeout=TIMEOUT, jobs=2, out=out, sandbox=box)}
    assert "FALLBACK" in out.getvalue()
    assert results["solved_classmate"].full_marks, table(results["solved_classmate"])
    assert results["honest_wrong"].total == 11
    for name in names[1:4]:
        assert points(results[name])["ex2"] == 0, table(results[name])


# --------------------------------------------------------------------------- delegating by aliasing


def test_an_alias_of_a_forbidden_helper_is_refused(tmp_path):
    """Binding the library's helper to the name the exercise asks for hands the check nnlib's own
    function, and the check is then the nearest caller: the guard replaces such names by a refusal."""
    nb = solved()
    answer_cell(nb, "ex6").source = (
        "import nnlib as nn\n"
        "numerical_gradient = nn.numerical_gradient\n"
        "relative_error = nn.relative_error\n")
    path = tmp_path / "aliases.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    result = grader.grade_notebook(path, reference=REFERENCE, timeout=20)
    ex6 = next(e for e in result.exercises if e.name == "ex6")
    assert ex6.points == 0, table(result)
    assert "asks you to write it yourself" in ex6.reason, ex6.reason
    others = [e for e in result.exercises if e.name != "ex6"]
    assert all(e.points == e.max_points for e in others), table(result)  # nothing else is lost


def test_a_killed_class_run_leaves_a_row_per_submission(tmp_path):
    """SIGKILL cannot be handled: the CSV written before and during the run still has every row."""
    proc, csv_path = start_slow_class_run(tmp_path, students=3, jobs=1)
    time.sleep(2)
    proc.kill()
    proc.communicate(timeout=60)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == [f"student{i}.ipynb" for i in range(3)]
    assert all(r["note"] for r in rows), rows   # each says why it has no grade (yet)
