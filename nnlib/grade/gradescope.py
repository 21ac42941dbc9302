"""Gradescope: the autograder zip, and what runs inside it for each submission.

Build (instructor)::

    python -m nnlib.grade --gradescope-zip autograder.zip --solutions private/ --assignment 05_backpropagation

The zip holds, at its top level (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh``: run once when Gradescope builds the image (as root): Python, a virtual environment
  in ``/autograder/venv`` with only what grading needs (``requirements-grading.txt``: numpy,
  ipykernel, jupyter_client, and sympy if the reference imports it; not jupyter-book, matplotlib
  or scikit-learn), and ``setpriv`` (util-linux);
- ``warm_cache`` (run by setup.sh): grades the reference against itself once, so that its values
  are cached (``/autograder/cache``) and each submission then starts one kernel, not two;
- ``run_autograder``: run per submission (as root): it makes the reference readable by root only,
  then runs ``python -m nnlib.grade.gradescope``, which grades ``/autograder/submission/*.ipynb``
  and writes ``/autograder/results/results.json``;
- ``nnlib/`` (the package), ``reference/<set>.ipynb`` (the private reference), ``config.json``.

Inside Gradescope's container namespaces are not permitted, so the sandbox runs in its container
mode (:mod:`nnlib.grade.sandbox`): the kernel runs as an unprivileged uid of its own, with the
resource limits; ``/autograder/source`` (the reference and the original nnlib sources) is root's,
mode 0700, so the grader reads it and the student's kernel cannot (the kernel imports a copy of nnlib
without the forbidden helpers, :func:`nnlib.grade.guard.library_without`). ``results.json`` follows Gradescope's autograder specification: a total
``score``, and one test per exercise with ``score``, ``max_score``, ``status``, ``name``,
``number``, ``output`` (what failed, expected and got for a visible check, the hint) and
``visibility``.

For a test outside Gradescope, ``AUTOGRADER_ROOT`` replaces ``/autograder`` and
``NNLIB_GRADE_PYTHON`` the virtual environment's Python.
"""

import argparse
import json
import os
import re
import stat
import sys
import time
import zipfile
from pathlib import Path

from . import exercises as ex

#: what grading needs in the kernel and the grader (the book's other dependencies are left out)
BASE_REQUIREMENTS = ("numpy>=2.0,<3", "ipykernel>=6.29,<8", "jupyter_client>=8.6,<9")
#: third-party modules a reference may import, and their requirement line
OPTIONAL_REQUIREMENTS = {"sympy": "sympy>=1.12,<2", "scipy": "scipy>=1.11,<2"}

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (nnlib.grade.gradescope).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
# python3-venv: the grader's environment; util-linux: setpriv (the kernel's own uid)
apt-get install -y --no-install-recommends python3 python3-venv python3-pip util-linux
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --no-cache-dir --upgrade pip
/autograder/venv/bin/pip install --no-cache-dir -r /autograder/source/requirements-grading.txt
# the kernel runs as an unprivileged uid: it must be able to run this Python; it imports a copy of
# nnlib without the forbidden helpers that the grader makes in /tmp, never /autograder/source, which
# (the private reference, the original sources) stays root's only
chmod -R a+rX /autograder/venv
chmod a+rx /autograder
chown -R root:root /autograder/source
chmod -R go-rwx /autograder/source
# run the reference once now, so that each submission starts one kernel, not two (the reference's
# values are cached in /autograder/cache, root's only); a failure here only costs time later
bash /autograder/source/warm_cache || true
"""

WARM_CACHE = """#!/usr/bin/env bash
# Run by setup.sh: grade the reference against itself once, which caches its values (nnlib.grade.gradescope).
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${NNLIB_GRADE_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
XDG_CACHE_HOME="${XDG_CACHE_HOME:-$ROOT/cache}" PYTHONPATH="$ROOT/source" NNLIB_GRADE_CONTAINER=1 \
    "$PY" -m nnlib.grade.gradescope --root "$ROOT" --warm
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission, as root (nnlib.grade.gradescope).
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${NNLIB_GRADE_PYTHON:-$ROOT/venv/bin/python}"
# the kernel's uid gets nothing of source/ (reference, original sources): root's only, again
chmod a+rx "$ROOT"
chmod -R go-rwx "$ROOT/source"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$ROOT/cache}"  # the reference's values, filled by setup.sh
PYTHONPATH="$ROOT/source" NNLIB_GRADE_CONTAINER=1 exec "$PY" -m nnlib.grade.gradescope --root "$ROOT"
"""


# --------------------------------------------------------------------------- building the zip


def _references(solutions, reference, assignment):
    """The one reference notebook the zip grades against."""
    if reference:
        ref = Path(reference)
        if not ref.is_file():
            raise ValueError(f"reference solution {ref} does not exist")
        return ref
    folder = Path(solutions) if solutions else ex.default_root() / "solutions"
    if assignment:
        ref = folder / f"{assignment}.ipynb"
        if not ref.is_file():
            raise ValueError(f"no reference {ref} for --assignment {assignment}")
        return ref
    found = ex.solution_files(folder)
    if len(found) != 1:
        raise ValueError(f"a Gradescope assignment grades one exercise set: give --assignment NN_name "
                         f"(sets in {folder}: {', '.join(p.stem for p in found) or 'none'})")
    return found[0]


def requirements_for(reference_nb):
    """The requirement lines grading this reference needs."""
    text = "\n".join(ex.source_of(c) for c in reference_nb["cells"] if c.get("cell_type") == "code")
    extra = [req for mod, req in OPTIONAL_REQUIREMENTS.items()
             if re.search(rf"^\s*(import|from)\s+{mod}\b", text, re.MULTILINE)]
    return [*BASE_REQUIREMENTS, *extra]


def _add(zf, name, data, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def build_zip(out, solutions=None, reference=None, assignment=None, timeout=10.0, notebook_timeout=120.0,
              partial=False):
    """Write Gradescope's autograder zip for one exercise set; returns its path."""
    ref = _references(solutions, reference, assignment)
    ref_nb = ex.read_notebook(ref)
    table = ex.exercise_cells(ref_nb, where=str(ref))  # a malformed reference fails here, not on Gradescope
    set_name = assignment or ref.stem
    package = Path(__file__).resolve().parents[1]
    config = {"exercise_set": set_name, "reference": f"reference/{set_name}.ipynb", "timeout": timeout,
              "notebook_timeout": notebook_timeout, "partial": partial,
              "exercises": {name: entry["points"] for name, entry in table.items()}}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        _add(zf, "setup.sh", SETUP_SH, executable=True)
        _add(zf, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add(zf, "warm_cache", WARM_CACHE, executable=True)
        _add(zf, "requirements-grading.txt", "\n".join(requirements_for(ref_nb)) + "\n")
        _add(zf, "config.json", json.dumps(config, indent=1) + "\n")
        _add(zf, f"reference/{set_name}.ipynb", ref.read_bytes())
        for path in sorted(package.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            _add(zf, f"nnlib/{path.relative_to(package).as_posix()}", path.read_bytes())
    return out


# --------------------------------------------------------------------------- inside Gradescope


def pick_submission(folder, set_name):
    """(notebook, why) for the submission folder: the only .ipynb, else the one named after the set,
    else the one whose metadata names the set; (None, message) when there is none."""
    found = sorted(p for p in Path(folder).rglob("*.ipynb")
                   if not any(part.startswith(".") for part in p.relative_to(folder).parts))
    if not found:
        return None, f"no .ipynb file in your submission: upload {set_name}.ipynb"
    if len(found) == 1:
        return found[0], ""
    named = [p for p in found if p.stem == set_name]
    if named:
        return named[0], f"graded {named[0].name} (of {len(found)} notebooks)"
    from .course import _read, declared_set

    for p in found:
        if declared_set(_read(p)) == set_name:
            return p, f"graded {p.name} (of {len(found)} notebooks)"
    return found[0], f"graded {found[0].name}: none of the {len(found)} notebooks is named {set_name}.ipynb"


def exercise_output(e):
    """The feedback of one exercise, as Gradescope shows a test's output (plain text)."""
    if e.passed:
        return f"passed ({sum(c.passed for c in e.checks)} of {len(e.checks)} checks)"
    lines = [f"not passed: {e.reason}"]
    if e.expected is not None:
        lines += [f"expected: {e.expected}", f"got:      {e.actual}"]
    if e.hint:
        lines.append(f"hint: {e.hint}")
    return "\n".join(lines)


def results_json(result, config, picked_note="", error=None, seconds=0.0):
    """The results.json document for one graded (or ungradable) submission."""
    error = error or result.error
    graded = {e.name: e for e in (result.exercises if result and not error else [])}
    tests = []
    for number, (name, max_points) in enumerate(config["exercises"].items(), start=1):
        e = graded.get(name)
        tests.append({
            "name": name, "number": str(number),
            "score": e.points if e else 0, "max_score": max_points,
            "status": "passed" if e and e.passed else "failed",
            "output": exercise_output(e) if e else f"not graded: {error}",
            "visibility": "visible",
        })
    lines = [f"exercise set {config['exercise_set']}"]
    if picked_note:
        lines.append(picked_note)
    if error:
        lines.append(f"could not be graded: {error}")
    elif result.note:
        lines.append(f"note: {result.note}")
    if result is not None and result.sandbox:
        lines.append(result.sandbox)
    return {"score": sum(t["score"] for t in tests), "execution_time": round(seconds),
            "output": "\n".join(lines), "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def run(root):
    """Grade the submission under ``root`` (Gradescope's /autograder); write results/results.json."""
    from .course import _read, declared_set
    from .grader import grade_notebook
    from .sandbox import detect

    start = time.perf_counter()
    root = Path(root)
    source = root / "source"
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    reference = source / config["reference"]
    set_name = config["exercise_set"]
    path, picked = pick_submission(root / "submission", set_name)
    result, error = None, None
    box = detect()
    if box.mode != "bwrap" and not box.drop_uid:
        # Fail closed: the kernel would run as root, and root reads the private reference.
        error = ("the grader cannot run the student's kernel as a uid of its own here (setpriv missing, or "
                 "this Python is not usable by another uid: chmod -R a+rX the virtual environment), so the "
                 f"private reference would be readable by it; nothing was graded. {box.note}")
    elif path is None:
        error = picked
    else:
        declared = declared_set(_read(path))
        if declared and declared != set_name:
            error = f"exercise set {declared}, expected {set_name}: upload the {set_name} notebook"
        else:
            result = grade_notebook(path, reference=reference, timeout=config["timeout"],
                                    notebook_timeout=config["notebook_timeout"], partial=config["partial"],
                                    sandbox=box)
    doc = results_json(result, config, picked, error, time.perf_counter() - start)
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
    print(doc["output"])
    print(f"score {doc['score']:g} of {sum(t['max_score'] for t in doc['tests']):g}")
    return 0


def warm(root):
    """Grade the reference against itself once (setup.sh, at image build): its values are cached, so
    each submission then starts one kernel. Returns 0 when the reference gets full marks."""
    from .grader import grade_notebook

    source = Path(root) / "source"
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    reference = source / config["reference"]
    result = grade_notebook(reference, reference=reference, timeout=config["timeout"],
                            notebook_timeout=config["notebook_timeout"])
    print(f"reference {reference.name}: " + (f"cannot grade: {result.error}" if result.error else
                                             f"{result.total:g}/{result.max_total:g}") + f"; {result.sandbox}")
    return 0 if result.full_marks else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlib.grade.gradescope",
                                     description="Grade /autograder/submission for Gradescope (run_autograder).")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    parser.add_argument("--warm", action="store_true", help="setup.sh: run the reference once to cache its values")
    args = parser.parse_args(argv)
    return warm(args.root) if args.warm else run(args.root)


if __name__ == "__main__":
    sys.exit(main())
