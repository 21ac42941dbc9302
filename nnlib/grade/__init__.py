"""The course tooling (``python -m nnlib.grade``): exercise notebooks and their grader, apart from the
numeric library, which never imports it.

- :mod:`nnlib.grade.exercises`: the exercise format; generates ``exercises/`` from ``solutions/``
  (``python -m nnlib.exercises``);
- :mod:`nnlib.grade.grader`: grades submissions (``python -m nnlib.grade``), its threat model;
- :mod:`nnlib.grade.checks`: the options of each ``report()`` (read from the reference) and the comparison;
- :mod:`nnlib.grade.reference`: the expected values, from a cached run of the reference solution;
- :mod:`nnlib.grade.pytest_plugin`: ``pytest --nbval`` on an exercise notebook grades it;
- :mod:`nnlib.grade.sandbox`: the sandbox each submission's kernel runs in (bubblewrap, setpriv,
  resource limits) and the fallback without bubblewrap;
- :mod:`nnlib.grade.kernel`: drives that kernel from the grader's process (jupyter_client);
- :mod:`nnlib.grade.guard`: the kernel's nnlib without the forbidden helpers, and its setup cell;
- :mod:`nnlib.grade.report`: the CSV and the per-student feedback files;
- :mod:`nnlib.grade.verdict`: ``report(key, value)``, how a check cell sends its values out of the kernel.
"""

import importlib


def __getattr__(name):
    """``from nnlib.grade import grade_notebook`` and the grader's other names, loaded on first use.

    Loading lazily keeps ``%load_ext nnlib.grade.verdict`` in a student's kernel light: it does not
    import the grader (jupyter_client and the rest) that it never uses.
    """
    if name.startswith("__"):
        raise AttributeError(name)
    grader = importlib.import_module(f"{__name__}.grader")
    try:
        return getattr(grader, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
