"""``python -m pytest --nbval exercises/NN_topic.ipynb`` grades the exercise notebook honestly.

Plain nbval compares a fresh run of a notebook with the outputs stored in it: on a student's
notebook those are the student's own (a wrong answer run and saved "passes"). This plugin (loaded
by the repository's ``conftest.py``) takes over every notebook whose metadata says it is an
exercise notebook (``nnlib.exercise_set``, written by ``python -m nnlib.exercises``): instead of
nbval's items it yields **one item per exercise**, and each item's result is the grader's
(:func:`nnlib.grade.grader.grade_notebook`): the submission's answers are run in a fresh sandboxed
kernel with the reference's check cells, visible and hidden, and every reported value is compared
with what the reference solution reports, never with what the student saved. A failing exercise
fails its item with every failing check, each with expected, got and its hint. Without the
reference solution (no ``solutions/``) the visible checks run against the values stored in the
exercise notebook, and the report says that the hidden ones need the reference.

Every other notebook (``book/``, ``solutions/``) keeps nbval's normal behaviour: a ``report()``
output is compared through its ``key = value`` text (6 significant digits); the full-precision value
sits in the output's metadata, which nbval does not compare.
"""

import json
from pathlib import Path

import pytest


def _exercise_set(path):
    """The exercise set named in an exercise notebook's metadata, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f).get("metadata", {}).get("nnlib", {})
    except (OSError, ValueError, AttributeError):
        return None
    value = meta.get("exercise_set") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def _nbval_on(config):
    return bool(getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False))


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    """With ``--nbval``: an exercise notebook is collected as one test per exercise (graded) instead of
    nbval's cells; other notebooks are left to nbval."""
    outcome = yield
    if file_path.suffix != ".ipynb" or not _nbval_on(parent.config):
        return
    collected = outcome.get_result()
    if _exercise_set(file_path) is not None:
        kept = [c for c in collected if type(c).__name__ != "IPyNbFile"]
        outcome.force_result(kept + [_GradedNotebook.from_parent(parent, path=file_path)])


class _GradedNotebook(pytest.File):
    """An exercise notebook: one item per exercise; the notebook is graded once, by its first item
    (so that with pytest-xdist, which collects on every worker, only the worker that runs the items
    grades; ``--dist loadfile`` keeps them on one worker)."""

    def collect(self):
        from . import exercises as ex

        try:
            nb = ex.read_notebook(self.path)
            names = list(ex.exercise_cells(nb, where=str(self.path), markers=False))
        except ValueError as exc:
            names, self._error = [], str(exc)
        for name in names or ["grading"]:
            yield _GradedExercise.from_parent(self, name=name)

    def graded(self):
        if not hasattr(self, "_result"):
            from .grader import DEFAULT_TIMEOUT, grade_notebook

            timeout = float(getattr(self.config.option, "nbval_cell_timeout", None) or DEFAULT_TIMEOUT)
            self._result = grade_notebook(self.path, timeout=min(timeout, DEFAULT_TIMEOUT))
        return self._result


class _ExerciseFailed(Exception):
    """An exercise below full marks (or a notebook that could not be graded)."""


class _GradedExercise(pytest.Item):
    """One exercise of a graded notebook: passes at full marks."""

    def runtest(self):
        from .grader import failure_lines

        result = self.parent.graded()
        if result.error:
            raise _ExerciseFailed([f"cannot grade {result.submission}: {result.error}"])
        e = next((e for e in result.exercises if e.name == self.name), None)
        if e is None:
            raise _ExerciseFailed([f"{self.name}: not graded (the reference has no exercise of this name)"])
        if not e.passed:
            head = f"{e.name}: {e.points:g}/{e.max_points:g} points"
            if result.self_check:
                head += " (self-check: visible checks only, the hidden ones need the reference)"
            raise _ExerciseFailed([head] + ["  " + line for line in failure_lines(e)])

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, _ExerciseFailed):
            return "\n".join(excinfo.value.args[0])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{Path(self.path).name}::{self.name}"
