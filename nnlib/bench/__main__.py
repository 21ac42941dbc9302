"""``python -m nnlib.bench``: time the library, the chapters and the explorers (see :mod:`nnlib.bench`)."""

import sys

from . import main

sys.exit(main())
