"""Helpers that belong to one chapter each: its worked examples, tables and small experiments.

They are not part of the library a student reads first (that is ``nnlib``'s top level, the numeric
core); a chapter imports what it needs from here, for example ``from nnlib.chapters import show``.

- :mod:`~nnlib.chapters.show`: the number and table formatting every chapter prints with;
- :mod:`~nnlib.chapters.examples`: the source notes' worked networks (chapters 3, 5 and 6);
- :mod:`~nnlib.chapters.autodiff`: chapter 5's scalar autodiff engine (`Value`);
- :mod:`~nnlib.chapters.boolean`, :mod:`~nnlib.chapters.ensemble`, :mod:`~nnlib.chapters.playground`:
  chapter 8's logic gates, ensembles and playground;
- :mod:`~nnlib.chapters.surfaces`: chapter 9's loss surfaces for the optimisers;
- :mod:`~nnlib.chapters.deep_networks`: chapter 10's deep networks;
- :mod:`~nnlib.chapters.polynomial`: chapter 11's polynomial fits;
- :mod:`~nnlib.chapters.review`: the review appendix's question bank.
"""

import importlib


def __getattr__(name):
    """``nnlib.chapters.show`` and the others load on first use, like ``nnlib``'s own modules."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = module
    return module
