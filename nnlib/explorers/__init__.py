"""Interactive explorers (ipywidgets), one module per topic.

Each explorer redraws a figure from ``nnlib.plots`` as its sliders move. They need a running
Jupyter kernel; the HTML book shows a static figure drawn by the same plotting function instead.
"""
