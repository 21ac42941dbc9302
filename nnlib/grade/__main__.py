"""``python -m nnlib.grade``: grade one notebook, several, or a class (see :mod:`nnlib.grade.grader`)."""

import sys

from .grader import main

try:
    sys.exit(main())
except BrokenPipeError:  # output piped into `head` and the like
    sys.exit(1)
