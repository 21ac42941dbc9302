"""``python -m nnlib.exercises``: the exercise generator, which lives in :mod:`nnlib.grading.exercises`.

This module keeps the old import path and command working; everything is re-exported from there.
"""

import sys

from .grading.exercises import *  # noqa: F401,F403
from .grading.exercises import __all__, main  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
