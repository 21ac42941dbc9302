"""What every explorer shares: one persistent figure, the live widget, and the static HTML copy.

An explorer is one class with two renderings (chapter pages link here from their explorer cells):

- **live, in Jupyter** (``Explorer``): ipywidgets controls and an ``Image`` widget. Each update
  recomputes the numbers and moves the artists of ONE figure that lives as long as the explorer
  (``Line2D.set_data``, ``AxesImage.set_data``, ...). ``LiveFigure`` draws the parts that do not
  change (axes, ticks, labels, legend) once per set of axis limits, keeps that picture, and per
  update pastes it back and draws only the artists that moved (blitting, on matplotlib's Agg
  canvas). Axis limits are snapped to a coarse ladder (``snap_limits``), so that most updates keep
  the background and the few backgrounds there are get reused. A background for new limits is
  drawn in layers (``nnlib.explorers._layers``): the text that did not change (the other axis's
  labels, the legend) is pasted back rather than drawn again. No ``tight_layout`` per update: each
  figure fixes its margins once with ``subplots_adjust``.
- **static, in the HTML book** (``Explorer.to_html(**grid)`` -> ``StaticExplorer``): the same
  ``render`` is called for every combination of a grid of control values; the PNGs are stored in
  the page with a few lines of inline JavaScript that show the frame matching the controls. No
  kernel, no CDN, works from ``file://``.

The figure is shown in an ``ipywidgets.Image`` rather than an ``Output`` widget: an Image needs no
captured output, so the notebooks also execute headless (nbclient, nbval).
"""

import base64
import hashlib
import html
import io
import itertools
import json
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ._layers import TextLayers


def figure_to_png(fig, dpi=90):
    """Render a (throw-away) ``fig`` to PNG bytes. Kept for callers outside the explorers."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def snap_limits(lo, hi, *, log=False, floor=None):
    """(lo, hi) widened to a coarse ladder, so that small changes of the data keep the limits.

    Linear axes: the ends are rounded outwards to a multiple of 1, 2 or 5 times a power of ten
    (about a quarter of the span). Log axes: to whole decades. ``floor`` bounds ``lo`` from below.
    """
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"snap_limits: limits must be finite, got ({lo}, {hi})")
    if log:
        lo = max(lo, 1e-300)
        hi = max(hi, lo)
        a, b = np.floor(np.log10(lo)), np.ceil(np.log10(hi))
        if a == b:
            b = a + 1
        lo, hi = 10.0 ** a, 10.0 ** b
    else:
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        raw = span / 4
        power = 10.0 ** np.floor(np.log10(raw))
        step = min((m * power for m in (1, 2, 5, 10) if m * power >= raw), default=10 * power)
        lo, hi = np.floor(lo / step) * step, np.ceil(hi / step) * step
        if lo == hi:
            lo, hi = lo - step, hi + step
    if floor is not None:
        lo = max(lo, floor)
    return float(lo), float(hi)


class LiveFigure:
    """One matplotlib Figure, drawn on an Agg canvas, that explorers update in place.

    ``dynamic(artist)`` marks an artist that changes between updates (it is drawn per update, over
    a stored background); everything else is background. A background is drawn once per set of
    axis limits and labels and kept (up to ``keep`` of them), so that going back to earlier limits
    costs nothing; ``invalidate()`` forgets them all (after changing another static artist). A new
    background is drawn in layers, reusing the text of earlier ones (``TextLayers``);
    ``reference_rgb()`` draws the picture the plain way, all at once, to compare with.
    ``png()`` returns the figure as JPEG (live) or PNG (``small=True``) bytes.

    Size: the figure is shown ``figsize`` x ``CSS_PPI`` CSS pixels wide and high (96 per inch, the
    CSS inch) and drawn with ``scale`` device pixels per CSS pixel (2: crisp on a HiDPI screen, and
    on a plain one the browser scales it down by exactly half), so nothing is stretched.
    ``css_size`` is (width, height) in CSS pixels; ``use_dpi(dpi)`` switches the drawing
    resolution (the static copy for the web book is drawn at ``STATIC_DPI``), each resolution with
    its own kept backgrounds and text layers.

    Counters: ``backgrounds_drawn`` (in layers or whole) and ``whole_redraws`` (the layers' checks
    failed, so ``canvas.draw()`` drew everything).
    """

    CSS_PPI = 96
    STATIC_DPI = 72

    def __init__(self, figsize, scale=2, keep=24, **margins):
        self.scale = scale
        self.css_size = (round(figsize[0] * self.CSS_PPI), round(figsize[1] * self.CSS_PPI))
        self.fig = Figure(figsize=figsize, dpi=self.CSS_PPI * scale)
        self.canvas = FigureCanvasAgg(self.fig)
        if margins:
            self.fig.subplots_adjust(**margins)
        self._dynamic = []
        self._by_dpi = {}
        self._use(self.fig.dpi)
        self.keep = int(keep)
        self.backgrounds_drawn = 0
        self.whole_redraws = 0

    def dynamic(self, artist):
        """Register ``artist`` as one that changes; returns it."""
        artist.set_animated(True)
        self._dynamic.append(artist)
        return artist

    def _use(self, dpi):
        self._backgrounds, self._texts = self._by_dpi.setdefault(dpi, ({}, TextLayers()))

    @property
    def live_dpi(self):
        return self.CSS_PPI * self.scale

    def use_dpi(self, dpi):
        """Draw at ``dpi`` from now on (``live_dpi`` for the live widget, ``STATIC_DPI`` for the
        web copy); the backgrounds and text layers kept for each resolution stay apart."""
        if dpi != self.fig.dpi:
            self.fig.set_dpi(dpi)
            self._use(dpi)

    def invalidate(self):
        """Redraw the background at the next ``png()`` (after changing a static artist)."""
        for backgrounds, texts in self._by_dpi.values():
            backgrounds.clear()
            texts.clear()

    def set_limits(self, ax, xlim=None, ylim=None):
        """Set the limits of ``ax`` (only a real change is applied)."""
        for current, new, setter in ((ax.get_xlim(), xlim, ax.set_xlim), (ax.get_ylim(), ylim, ax.set_ylim)):
            if new is not None and not np.allclose(current, new, rtol=1e-12, atol=0.0):
                setter(new)

    def warm(self, settings):
        """Draw and keep the backgrounds for ``settings`` ahead of time (when the explorer is
        built), so that the first visit of those limits is as fast as any other update.

        ``settings``: a list of settings, each a list of (ax, xlim, ylim) (None keeps a limit).
        """
        saved = [(ax, ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes]
        for setting in settings:
            for ax, xlim, ylim in setting:
                self.set_limits(ax, xlim, ylim)
            self.rgb_buffer()
        for ax, xlim, ylim in saved:
            self.set_limits(ax, xlim, ylim)

    def _key(self):
        return tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xlabel(), ax.get_ylabel()) for ax in self.fig.axes)

    def rgb(self):
        """The current picture as an (height, width, 3) uint8 array."""
        return np.asarray(self.rgb_buffer())[..., :3]

    def rgb_buffer(self):
        """Draw the current picture; returns the canvas's RGBA buffer."""
        key = self._key()
        background = self._backgrounds.get(key)
        if background is None:
            if not self._texts.draw(self.fig, self.canvas):
                self.canvas.draw()
                self.whole_redraws += 1
            if len(self._backgrounds) >= self.keep:
                self._backgrounds.pop(next(iter(self._backgrounds)))
            self._backgrounds[key] = self.canvas.copy_from_bbox(self.fig.bbox)
            self.backgrounds_drawn += 1
        else:
            self.canvas.restore_region(background)
        self._draw_dynamic()
        return self.canvas.buffer_rgba()

    def reference_rgb(self):
        """The current picture drawn the plain way (everything by ``canvas.draw()``, no kept
        background or text), as an (height, width, 3) uint8 array: what the layers and the
        blitting must reproduce. The kept backgrounds are left as they were."""
        self.canvas.draw()
        self._draw_dynamic()
        picture = np.asarray(self.canvas.buffer_rgba())[..., :3].copy()
        return picture

    def _draw_dynamic(self):
        for artist in self._dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)

    def png(self, *, small=False):
        """The current picture, encoded. ``small=True``: a PNG with a 64-colour palette and the
        best compression (the frames stored in the HTML book: small and crisp). Otherwise a JPEG
        of quality 92 (live updates: about ten times faster to encode than a PNG of this size)."""
        buffer = io.BytesIO()
        if small:
            image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.rgb_buffer(), "raw", "RGBA", 0, 1)
            image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                                          dither=Image.Dither.NONE).save(buffer, format="png", optimize=True)
        else:
            # The canvas's RGBA buffer read as RGBX (the figure is opaque): no copy, and libjpeg
            # reads that layout itself, so the 2x picture is encoded without converting it first.
            image = Image.frombuffer("RGBX", self.canvas.get_width_height(), self.rgb_buffer(), "raw", "RGBX", 0, 1)
            image.save(buffer, format="jpeg", quality=90)
        return buffer.getvalue()


class Explorer:
    """Base class of the explorers: controls -> compute -> draw -> PNG, live or precomputed.

    A subclass builds ``self.controls`` (name -> ipywidget) and a ``LiveFigure`` in ``self.live``,
    then calls ``self._start()``. It implements

    - ``compute(values)``: the numbers for a dict of control values (no drawing), and
    - ``draw(result)``: move the figure's artists to show ``result``; returns the status line
      (plain text, shown under the controls).

    ``render(values)`` runs both and returns (png, status); the widget callback and ``to_html``
    both call it, so Jupyter and the HTML book show the same figures. ``timings`` records
    (seconds in total, seconds drawing) per live update, for ``python -m nnlib.bench --explorers``.
    """

    name = "explorer"

    def _start(self, rows=None):
        self.status = widgets.HTML()
        # shown at the figure's CSS size (drawn with twice as many pixels: crisp, never stretched);
        # narrower only where the output area is narrower (then scaled down with its aspect kept)
        width, height = self.live.css_size
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(
            width=f"{width}px", max_width="100%", height="auto", object_fit="contain"))
        self.timings = []
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        rows = rows if rows is not None else [list(self.controls.values())]
        self.widget = widgets.VBox([widgets.HBox(row) for row in rows] + [self.status, self.image])
        self.refresh()

    def values(self):
        """The controls' current values, {name: value}."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self, values, *, small=False):
        """(PNG bytes, status text) for the control values ``values`` (a dict)."""
        start = time.perf_counter()
        result = self.compute(values)
        computed = time.perf_counter()
        status = self.draw(result)
        png = self.live.png(small=small)
        self.last_timing = (time.perf_counter() - start, time.perf_counter() - computed)
        return png, status

    def refresh(self):
        """Redraw for the controls' current values and show the result in the widgets."""
        start = time.perf_counter()
        png, status = self.render(self.values())
        self.image.value = png
        self.status.value = f"<b>{html.escape(status)}</b>"
        total = time.perf_counter() - start
        self.timings.append((total, self.last_timing[1]))

    def _on_change(self, change):
        self.refresh()

    def to_html(self, **grid):
        """A ``StaticExplorer`` holding a frame for every combination of the values in ``grid``.

        ``grid`` maps control names to the values to precompute, e.g. ``w1=[-2, -1, 0, 1, 2]``;
        controls not named keep their current value. Afterwards the live figure is restored.
        """
        if not grid:
            raise ValueError(f"{type(self).__name__}.to_html: name at least one control and its values")
        for name, options in grid.items():
            if name not in self.controls:
                raise ValueError(f"{type(self).__name__}.to_html: no control {name!r}; "
                                 f"the controls are {sorted(self.controls)}")
            if len(options) == 0:
                raise ValueError(f"{type(self).__name__}.to_html: control {name!r} needs at least one value")
        names = list(grid)
        base = self.values()
        frames = {}
        disabled_before = {n: self.controls[n].disabled for n in names}
        self.live.use_dpi(self.live.STATIC_DPI)
        try:
            for combo in itertools.product(*(range(len(grid[n])) for n in names)):
                values = dict(base, **{n: grid[n][i] for n, i in zip(names, combo)})
                png, status = self.render(values, small=True)
                # a control that has no effect for these values (the explorer's draw() disabled
                # it, as the activation explorer does leaky ReLU's alpha) is disabled in the copy too
                off = tuple(i for i, n in enumerate(names) if self.controls[n].disabled)
                frames[combo] = (png, status, off) if off else (png, status)
        finally:
            self.live.use_dpi(self.live.live_dpi)
            for n, state in disabled_before.items():
                self.controls[n].disabled = state
        self.render(base)
        initial = tuple(_closest(grid[n], base[n]) for n in names)
        controls = [(self.label(n), [self.format_value(n, v) for v in grid[n]]) for n in names]
        return StaticExplorer(self.name, controls, frames, initial)

    def label(self, name):
        """The label of control ``name`` in the static copy (its widget's description)."""
        return self.controls[name].description or name

    def format_value(self, name, value):
        """How a value of control ``name`` is written next to it in the static copy."""
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, tuple):
            return "(" + ", ".join(self.format_value(name, v) for v in value) + ")"
        return str(value)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # What Jupyter shows where the widget cannot be drawn (a notebook opened but not run yet,
        # a viewer without widgets): one line, instead of the VBox(children=(...)) repr.
        if isinstance(bundle, tuple):
            bundle = (dict(bundle[0]), *bundle[1:])
            data = bundle[0]
        else:
            bundle = data = dict(bundle or {})
        data["text/plain"] = self.plain_text()
        return bundle

    def plain_text(self):
        """The widget's plain-text form: what a reader sees before the cell has run."""
        return (f"The {self.name} explorer: run this cell (with the cells above it) "
                f"to use the explorer.")


def _closest(options, value):
    """Index of ``value`` in ``options`` (or of the nearest number), for the static copy's start."""
    for i, option in enumerate(options):
        if option == value:
            return i
    try:
        return int(np.argmin([abs(float(o) - float(value)) for o in options]))
    except (TypeError, ValueError):
        return 0


_SCRIPT = """
(function (root) {
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var fold = root.querySelector("details.nnlib-explorer-fold");
  var summary = fold.querySelector("summary");
  if (root.closest(".jp-OutputArea-output, .output_area")) {
    // in Jupyter the live explorer is right above: this precomputed copy stays folded
    summary.textContent = "The " + root.dataset.explorer + " explorer precomputed for the web book " +
      "(the live one is above): show or hide";
  } else {
    // in the web book this is the explorer: open, with no fold to click
    fold.open = true;
    summary.hidden = true;
  }
  var data = JSON.parse(root.querySelector("script.nnlib-explorer-data").textContent);
  var inputs = root.querySelectorAll("[data-control]");
  var readouts = root.querySelectorAll("output.nnlib-explorer-readout");
  var img = root.querySelector("img.nnlib-explorer-figure");
  var status = root.querySelector(".nnlib-explorer-status");
  function show() {
    var key = [];
    for (var i = 0; i < inputs.length; i++) {
      var text = data.labels[i][Number(inputs[i].value)];
      key.push(inputs[i].value);
      if (readouts[i]) { readouts[i].textContent = text; }
      if (inputs[i].type === "range") { inputs[i].setAttribute("aria-valuetext", text); }
    }
    var frame = data.frames[data.index[key.join(",")]];
    var off = frame[2] || [];
    for (var j = 0; j < inputs.length; j++) { inputs[j].disabled = off.indexOf(j) >= 0; }
    img.src = "data:image/png;base64," + data.images[frame[0]];
    img.alt = "Figure of the " + root.dataset.explorer + " explorer: " + frame[1];
    if (status.textContent !== frame[1]) { status.textContent = frame[1]; }
    root.dataset.frame = key.join(",");
  }
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("input", show);
    inputs[i].addEventListener("change", show);
  }
  show();
})(document.getElementById("%(id)s"));
"""


class StaticExplorer:
    """An explorer precomputed over a grid of control values, for pages without a kernel.

    ``controls``: [(label, [value labels])]; ``frames``: {(index per control): (png, status)} or
    (png, status, indices of the controls disabled in that frame); ``initial``: the index per
    control shown first. ``_repr_html_`` is a self-contained widget (range inputs and selects, the
    images inline, a small script that swaps them; CSS class ``nnlib-explorer``); ``repr`` is a
    short, deterministic description (what nbval compares).

    The copy sits in a ``<details>`` that is folded unless its own script runs outside Jupyter
    (in the web book it then opens and hides its summary): in a notebook whose scripts Jupyter
    does not run, it stays folded under a line saying what it is. For assistive technology the
    sliders carry ``aria-valuetext`` (the value, not the frame's index), the status line is a
    polite live region, and the figure's alt text is the status line of the frame shown.
    """

    def __init__(self, name, controls, frames, initial):
        self.name, self.controls, self.frames, self.initial = name, controls, frames, tuple(initial)
        expected = int(np.prod([len(v) for _, v in controls]))
        if len(frames) != expected:
            raise ValueError(f"StaticExplorer {name!r}: expected {expected} frames, got {len(frames)}")

    def __repr__(self):
        parts = [f"{label} ({len(values)}: {values[0]} .. {values[-1]})" for label, values in self.controls]
        return f"<static explorer {self.name!r}: {len(self.frames)} frames over " + ", ".join(parts) + ">"

    def _data(self):
        images, seen, frames, index = [], {}, [], {}
        for key in sorted(self.frames):
            png, status, *rest = self.frames[key]
            digest = hashlib.sha1(png).hexdigest()
            if digest not in seen:
                seen[digest] = len(images)
                images.append(base64.b64encode(png).decode("ascii"))
            index[",".join(map(str, key))] = len(frames)
            frame = [seen[digest], status]
            if rest and rest[0]:
                frame.append(list(rest[0]))
            frames.append(frame)
        return {"labels": [values for _, values in self.controls], "images": images,
                "frames": frames, "index": index}

    def _repr_html_(self):
        data = self._data()
        text = json.dumps(data, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
        uid = "nnlib-explorer-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        first = data["frames"][data["index"][",".join(map(str, self.initial))]]
        off = set(first[2]) if len(first) > 2 else set()
        rows = []
        for i, (label, values) in enumerate(self.controls):
            start = self.initial[i]
            name = html.escape(label)
            disabled = " disabled" if i in off else ""
            if all(_is_number(v) for v in values) and len(values) > 1:
                rows.append(
                    f'<label class="nnlib-explorer-control">{name} '
                    f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{start}" '
                    f'data-control="{i}" aria-label="{name}" aria-valuetext="{html.escape(values[start])}"'
                    f'{disabled}> '
                    f'<output class="nnlib-explorer-readout">{html.escape(values[start])}</output></label>')
            else:
                options = "".join(f'<option value="{j}"{" selected" if j == start else ""}>{html.escape(v)}</option>'
                                  for j, v in enumerate(values))
                rows.append(f'<label class="nnlib-explorer-control">{name} '
                            f'<select data-control="{i}" aria-label="{name}"{disabled}>{options}</select>'
                            f'<output class="nnlib-explorer-readout" hidden></output></label>')
        style = ("display:flex;flex-wrap:wrap;gap:0.4em 1.4em;align-items:center;margin-bottom:0.3em;"
                 "font-size:0.9em")
        name = html.escape(self.name)
        return (
            f'<div class="nnlib-explorer" id="{uid}" data-explorer="{name}">'
            f'<details class="nnlib-explorer-fold">'
            f'<summary style="font-size:0.9em">The {name} explorer precomputed for the web book '
            f'({len(self.frames)} settings): it works in the HTML book; in Jupyter, run the cell above '
            f'to use the live explorer</summary>'
            f'<div class="nnlib-explorer-body">'
            f'<div class="nnlib-explorer-controls" style="{style}">{"".join(rows)}</div>'
            f'<div class="nnlib-explorer-status" role="status" aria-live="polite" '
            f'style="font-weight:bold;font-size:0.9em">{html.escape(first[1])}</div>'
            f'<img class="nnlib-explorer-figure" style="max-width:100%" '
            f'alt="Figure of the {name} explorer: {html.escape(first[1])}" '
            f'src="data:image/png;base64,{data["images"][first[0]]}">'
            f'<script type="application/json" class="nnlib-explorer-data">{text}</script>'
            f"</div></details><script>{_SCRIPT % {'id': uid}}</script></div>"
        )

    def size(self):
        """Bytes of the HTML this explorer adds to a page."""
        return len(self._repr_html_().encode())


def _is_number(text):
    try:
        float(text.strip("()").split(",")[0])
        return True
    except ValueError:
        return False
