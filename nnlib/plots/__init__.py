"""Plotting functions for the chapters, one module per topic (matplotlib is imported only here).

Each function returns a matplotlib Figure; the chapters call them and the explorers in
``nnlib.explorers`` reuse them, so the static figure in the HTML book and the live explorer in
Jupyter draw the same picture.
"""
