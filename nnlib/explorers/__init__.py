"""Interactive explorers (ipywidgets), one module per topic, each with two renderings.

In Jupyter an explorer is live: its controls redraw one persistent figure in place, fast enough
to follow a drag (``python -m nnlib.bench --explorers`` times them). For the HTML book, which has
no kernel, ``explorer.to_html(**grid)`` precomputes the same figures over a grid of control values
and returns a self-contained widget (``_render.StaticExplorer``). See ``nnlib.explorers._render``.
"""
