"""``python -m nnlib.grade``: the grader, which lives in :mod:`nnlib.grading.grader`.

This module keeps the old import path and command working; everything is re-exported from there.
"""

import sys

from .grading.grader import *  # noqa: F401,F403
from .grading.grader import (GradingError, build_merged, build_plan, find_reference, format_result,  # noqa: F401
                             grade_class, grade_many, grade_notebook, main, neutralise_markers,
                             submitted_answers)

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head` and the like
        sys.exit(1)
