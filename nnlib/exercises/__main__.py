"""``python -m nnlib.exercises``: regenerate ``exercises/`` from ``solutions/`` (``--check``: only compare)."""

import sys

from ..grade.exercises import main

sys.exit(main())
