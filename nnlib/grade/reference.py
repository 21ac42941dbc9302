"""The expected values of every check: what the REFERENCE solution reports, run in its own kernel.

The grader never takes an expected value from a notebook's stored outputs (a student's saved
outputs are theirs to edit, and the reference's may be stale): :func:`expected_reports` runs the
reference notebook, unchanged, in a separate kernel (the same sandbox and the same nnlib without
forbidden helpers as a submission gets, so a check cannot depend on one), and keeps each check
cell's ``report()`` values. The result is cached per reference: in memory for this grader
process, and on disk in a private folder (``~/.cache/nnlib-grade``, mode 0700, never bound into a
sandbox), keyed by the SHA-256 of the reference file, of nnlib's sources and of the forbidden list.
"""

import hashlib
import json
import os
import threading
from pathlib import Path

from .guard import library_digest

_memory = {}
_lock = threading.Lock()
_computing = {}  # key -> lock held while one thread runs that reference (the others wait for it)

#: bump when the format of a cached entry changes
CACHE_VERSION = 1


class ReferenceRunError(Exception):
    """The reference notebook failed to run or a check cell of it reported nothing."""


def cache_dir():
    """The private cache folder (created mode 0700); None when it cannot be made."""
    base = os.environ.get("NNLIB_GRADE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "nnlib-grade")
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        os.chmod(base, 0o700)
        return Path(base)
    except OSError:
        return None


def cache_key(reference_path, forbidden):
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION}\n".encode())
    h.update(Path(reference_path).read_bytes())
    h.update(library_digest().encode())
    h.update(json.dumps(sorted(forbidden.items())).encode())
    return h.hexdigest()


def expected_reports(reference_path, plan, run_plan, forbidden):
    """{reference cell index: [(key, plain value), ...]} for every check cell of ``plan``.

    ``run_plan(plan)`` runs the plan in a kernel and returns {step number: CellRun-like record
    with ``status``, ``ename``, ``evalue``, ``reports``}. Raises ReferenceRunError when a check cell of
    the reference fails or reports nothing.
    """
    key = cache_key(reference_path, forbidden)
    with _lock:
        if key in _memory:
            return _memory[key]
        computing = _computing.setdefault(key, threading.Lock())
    with computing:
        with _lock:
            if key in _memory:
                return _memory[key]
        return _expected_reports(key, reference_path, plan, run_plan)


def _expected_reports(key, reference_path, plan, run_plan):
    folder = cache_dir()
    file = folder / f"{key}.json" if folder else None
    if file is not None and file.is_file():
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            expected = {int(k): [tuple(r) for r in v] for k, v in data.items()}
            with _lock:
                _memory[key] = expected
            return expected
        except (OSError, ValueError):
            pass
    records = run_plan(plan)
    expected = {}
    for k, step in enumerate(plan):
        rec = records.get(k)
        if rec is None or rec.status != "ok":
            what = f"{rec.ename}: {rec.evalue}" if rec is not None and rec.ename else (rec.status if rec else "not run")
            raise ReferenceRunError(f"the reference {reference_path} fails at cell {step.index} "
                                  f"({step.role} of {step.exercise}): {what}")
        if step.role in ("check", "hidden"):
            if not rec.reports:
                raise ReferenceRunError(f"the reference {reference_path}: check cell {step.index} of "
                                      f"{step.exercise} reports nothing (every check cell calls report())")
            expected[step.index] = list(rec.reports)
    with _lock:
        _memory[key] = expected
    if file is not None:
        try:
            tmp = file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({str(k): v for k, v in expected.items()}), encoding="utf-8")
            os.chmod(tmp, 0o600)
            os.replace(tmp, file)
        except OSError:
            pass
    return expected


def clear_memory():
    """Forget the in-memory cache (tests)."""
    with _lock:
        _memory.clear()
