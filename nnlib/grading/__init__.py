"""The course tooling: exercise notebooks and their grader, apart from the numeric library.

- :mod:`nnlib.grading.exercises`: the exercise format; generates ``exercises/`` from ``solutions/``
  (``python -m nnlib.exercises``);
- :mod:`nnlib.grading.grader`: grades submissions (``python -m nnlib.grade``), its threat model;
- :mod:`nnlib.grading.sandbox`: the sandbox each submission's kernel runs in (bubblewrap, setpriv,
  resource limits) and the fallback without bubblewrap;
- :mod:`nnlib.grading.kernel`: drives that kernel from the grader's process (jupyter_client);
- :mod:`nnlib.grading.guard`: the code that restores the kernel before every check;
- :mod:`nnlib.grading.report`: the CSV and the per-student feedback files;
- :mod:`nnlib.grading.verdict`: the ``%%nnlib_check`` cell magic of the student notebooks.
"""
