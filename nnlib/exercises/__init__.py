"""``python -m nnlib.exercises``: the exercise generator, which lives in :mod:`nnlib.grade.exercises`.

A command name only; everything is re-exported from there.
"""

from ..grade.exercises import *  # noqa: F401,F403
from ..grade.exercises import __all__, main  # noqa: F401
