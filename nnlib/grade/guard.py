"""What the grading kernel gets besides the cells: an nnlib without the forbidden helpers, and a
setup cell. Defence in depth only: the grade never depends on code inside the kernel.

Why this is enough
------------------
Since the check protocol (``report()``, :mod:`nnlib.grade.verdict`), nothing in the kernel decides
a verdict. Check cells send the values they computed from the student's code; the grader compares
them, in its own process, with the values the REFERENCE solution reported on the same inputs in a
separate kernel (:mod:`nnlib.grade.reference`). So:

- code of an answer that runs during a check (a function the check calls, a finaliser, a
  ``__hash__``, a callback on the kernel's event loop) can change what the kernel sends, but the
  grader only accepts values equal to the reference's: to forge a passing value is to compute it;
- a lying object (an ndarray subclass with ``__array_function__``, a float whose difference is 0,
  an object equal to everything) is refused by ``report`` before anything is sent: only exact
  builtin and numpy types are converted, by the grader's own code;
- a hidden check's expected value never exists in the student's kernel, so there is nothing to read.

The guard that used to restore the kernel before every check (an audit hook holding a snapshot
and signing outputs) is gone: it lived in the same interpreter as the answer and could be made
harder, never safe.

What this module still does
---------------------------
- :func:`library_without` writes a copy of the ``nnlib`` package in which each **forbidden helper**
  (the nnlib functions an exercise asks the student to write, metadata ``nnlib.forbidden``) has
  its body replaced by ``raise ForbiddenHelper(...)``. With bubblewrap the kernel sees only that
  copy (bound at ``/opt/nnlib/nnlib``): the original code is not in its file system at all, so it
  cannot be recovered by reading a frame, a closure or a file. The reference run uses the same
  copy, so a check cell cannot depend on a forbidden helper either.
- :func:`setup_source` is the first cell of every grading kernel: it puts ``report`` in the
  namespace, and replaces the forbidden helpers in memory too (for the fallback without
  bubblewrap, where the original files stay readable).

Limits (what this does NOT protect, by design)
----------------------------------------------
- A visible check's expected value is in the student's notebook: an answer can hard-code it.
  Hidden checks (other inputs, values only the reference run knows) are what make a grade proof
  of work; scoring is all-or-nothing per exercise by default.
- An answer can call any nnlib function that is not declared forbidden; every exercise that asks
  for something nnlib has must declare it (``tests/test_exercises.py`` checks the known ones).
- Without bubblewrap (the fallback) the original nnlib sources are readable, so a forbidden helper
  can be re-created from them; class mode refuses the fallback unless the instructor passes
  ``--accept-unsandboxed-risk``.
"""

import ast
import hashlib
import shutil
import tempfile
import threading
from pathlib import Path

#: folders of the nnlib package a grading kernel does not need (never imported by a check)
SKIP_FOLDERS = ("explorers", "bench", "exercises", "__pycache__")


def _target(qualname):
    """(source file, qualified name inside it) of a forbidden helper, resolved by importing it in
    the grader's process (trusted code); None when it does not exist."""
    import importlib
    import inspect

    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                obj = getattr(obj, name)
        except AttributeError:
            return None
        obj = inspect.unwrap(getattr(obj, "__func__", obj))
        try:
            return Path(inspect.getsourcefile(obj)).resolve(), obj.__qualname__
        except (TypeError, OSError):
            return None
    return None


def _message(qualname, exercise):
    if qualname.startswith("sympy."):
        return (f"{qualname} (symbolic differentiation) is not available while answers are graded: exercise "
                f"{exercise} asks you to derive the result by hand and enter it")
    return (f"{qualname} is not available while answers are graded: exercise {exercise} asks you "
            "to write it yourself")


def _blank(source, qualname, message):
    """``source`` with the body of the function or class ``qualname`` replaced by a raise."""
    from .checks import parse

    tree = parse(source)
    lines = source.splitlines(keepends=True)

    def find(body, names):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == names[0]:
                return node if len(names) == 1 else find(node.body, names[1:])
        return None

    node = find(tree.body, qualname.split("."))
    if node is None:
        raise ValueError(f"{qualname}: no definition found in the source")
    first, last = node.body[0].lineno, node.body[-1].end_lineno
    indent = " " * node.body[0].col_offset
    raise_line = (f"{indent}raise __import__('nnlib.grade.verdict', fromlist=['ForbiddenHelper'])"
                  f".ForbiddenHelper({message!r})\n")
    if isinstance(node, ast.ClassDef):
        replacement = (f"{indent}def __init__(self, *args, **kwargs):\n"
                       f"{indent}    " + raise_line.lstrip())
    else:
        replacement = raise_line
    return "".join(lines[: first - 1]) + replacement + "".join(lines[last:])


_copies = {}
_copies_lock = threading.Lock()  # two grading threads must share one copy (a second would delete the first)


def library_without(forbidden, package_dir=None):
    """A folder holding a copy of the ``nnlib`` package with the forbidden helpers' bodies removed.

    ``forbidden`` is {qualified name: exercise}. The copy is made once per set of helpers in
    this grader process (a temporary folder, deleted at exit) and is read-only for the kernel.
    Returns the folder that contains ``nnlib/`` (put it on the kernel's PYTHONPATH).
    Raises ValueError when a declared helper does not exist in nnlib.
    """
    package_dir = Path(package_dir or Path(__file__).resolve().parents[1])
    key = (str(package_dir), tuple(sorted(forbidden.items())))
    with _copies_lock:
        if key not in _copies:
            _copies[key] = _make_copy(package_dir, forbidden)
        return Path(_copies[key].name)


def _make_copy(package_dir, forbidden):
    """A TemporaryDirectory holding nnlib/ without the forbidden helpers (see library_without)."""
    tmp = tempfile.TemporaryDirectory(prefix="nnlib-lib-")
    root = Path(tmp.name)
    shutil.copytree(package_dir, root / "nnlib", ignore=shutil.ignore_patterns(*SKIP_FOLDERS, "*.pyc"))
    edits = {}
    for qualname, exercise in sorted(forbidden.items()):
        if not qualname.startswith("nnlib."):
            continue  # (sympy's differentiation: replaced in memory by setup_source only)
        target = _target(qualname)
        if target is None:
            raise ValueError(f"forbidden helper {qualname} (exercise {exercise}) does not exist in nnlib")
        path, inner = target
        try:
            relative = path.relative_to(package_dir)
        except ValueError:
            raise ValueError(f"forbidden helper {qualname} is defined outside nnlib ({path})") from None
        edits.setdefault(relative, []).append((inner, _message(qualname, exercise)))
    for relative, items in edits.items():
        file = root / "nnlib" / relative
        source = file.read_text(encoding="utf-8")
        for inner, message in items:
            source = _blank(source, inner, message)
        file.write_text(source, encoding="utf-8")
    for path in sorted(root.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    root.chmod(0o755)
    return tmp


def library_digest(package_dir=None):
    """A digest of nnlib's numeric sources (the reference cache is keyed by it)."""
    package_dir = Path(package_dir or Path(__file__).resolve().parents[1])
    h = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).parts
        if any(part in SKIP_FOLDERS for part in parts):
            continue
        if parts[0] == "grade" and parts[-1] not in ("verdict.py", "guard.py"):
            continue  # the grader's own code does not change what the reference reports
        h.update(str(path.relative_to(package_dir)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


SETUP_TEMPLATE = r'''
def _nnlib_grading_setup(forbidden):
    import importlib
    import numpy
    import nnlib
    from nnlib.grade import verdict
    get_ipython().push({"report": verdict.report})
    try:  # not dumpable: another process of the sandbox's uid may not read this kernel's memory
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except Exception:
        pass
    for qualname, message in forbidden:
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                owner = importlib.import_module(".".join(parts[:cut]))
                break
            except ImportError:
                continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        original = getattr(owner, parts[-1], None)

        def refuse(*args, _message=message, **kwargs):
            raise verdict.ForbiddenHelper(_message)

        setattr(owner, parts[-1], refuse)
        if original is not None and getattr(nnlib, parts[-1], None) is original:
            setattr(nnlib, parts[-1], refuse)  # the package's re-export of the same helper


_nnlib_grading_setup(%r)
del _nnlib_grading_setup
'''


def setup_source(forbidden):
    """The kernel's first cell: ``report`` in the namespace, forbidden helpers replaced in memory."""
    pairs = sorted((q, _message(q, e)) for q, e in forbidden.items())
    return SETUP_TEMPLATE % (pairs,)
