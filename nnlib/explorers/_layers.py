"""A full redraw without redrawing the text that did not change: the figure drawn in layers.

Text is what matplotlib draws slowest (laying out the string, rasterising every glyph): in an
explorer's figure the tick labels, the axis labels and the legend take about nine tenths of
``canvas.draw()``. When an update moves an axis limit the background must be drawn again, but most
of its text is as it was: a new x range leaves the y axis's labels and the legend alone.

``TextLayers.draw(fig, canvas)`` makes the picture ``canvas.draw()`` makes, in three layers:

1. the **base**: everything except the text layers below, drawn by matplotlib (a few ms);
2. per axis, its **texts** (tick labels, axis label, offset text): pasted back when this axis was
   drawn before with the same limits and labels, else drawn alone (its tick marks and grid, which
   are in the base, switched off meanwhile) and kept;
3. per legend, **last**: pasted back when the pixels under it are the ones it was drawn over
   before, else drawn and kept (a few versions per legend: a zero line may run under it).

Pasting gives exactly the pixels of a full draw, not an approximation, because of two checks: an
axis's texts are pasted or kept only where the picture under them (with a margin of a pixel) is
one plain colour, so nothing else is drawn there and the order of drawing does not matter; and a
legend is drawn last in a full draw too (nothing in its axes has a higher zorder, and it does not
reach into an axes drawn after its own). When a check
fails, ``draw`` returns False and the caller draws the whole figure instead (``canvas.draw()``).
Legends placed by ``loc="best"`` (which follow the data) are drawn in the base, not layered.
"""

import numpy as np


class TextLayers:
    """The kept text layers of one figure; see the module docstring. ``keep`` bounds how many.

    ``drawn`` and ``pasted`` count the layers drawn anew and the ones pasted back.
    """

    def __init__(self, keep=64, versions=6):
        self.keep, self.versions = int(keep), int(versions)
        self.drawn = self.pasted = 0
        self._axes = {}       # key of an axis's texts -> (rows, columns, colour under them, pixels)
        self._legends = {}    # key of a legend -> [(rows, columns, pixels before, pixels after)]

    def clear(self):
        """Forget every kept layer (after a static artist changed)."""
        self._axes.clear()
        self._legends.clear()

    def draw(self, fig, canvas):
        """Draw ``fig`` on ``canvas`` in layers; True if done, False if the caller must draw it whole."""
        axes = [ax for ax in fig.axes if ax.get_visible()]
        axises = [axis for ax in axes for axis in (ax.xaxis, ax.yaxis) if axis.get_visible()]
        legends = [legend for legend in [ax.get_legend() for ax in axes] + list(fig.legends)
                   if legend is not None and legend.get_visible()]
        legends = [legend for legend in legends if getattr(legend, "_loc", None) != 0]   # not loc="best"
        if not all(_drawn_last(legend) for legend in legends):
            return False
        saved = [_Switches(axis) for axis in axises]
        try:
            for switches in saved:                        # 1. the base: no text layer in it
                switches.show(labels=False)
            for legend in legends:
                legend.set_visible(False)
            canvas.draw()
            pixels = np.asarray(canvas.buffer_rgba())
            for switches in saved:                        # 2. each axis's texts, alone
                switches.show(marks=False)
                drawn = self._axis_texts(fig, switches.axis, pixels)
                switches.show()
                if not drawn:
                    return False
            for legend in legends:                        # 3. the legends, on top
                legend.set_visible(True)
                box = self._legend(fig, legend, pixels)
                if box is not None and _reaches_later_axes(fig, legend, box, pixels.shape[0]):
                    return False
            return True
        finally:
            for switches in saved:
                switches.show()
            for legend in legends:
                legend.set_visible(True)

    def _axis_texts(self, fig, axis, pixels):
        key = (id(axis), tuple(axis.get_view_interval()), axis.get_scale(), axis.label.get_text(),
               axis.offsetText.get_text(), tuple(axis.axes.get_position().bounds), pixels.shape)
        kept = self._axes.get(key)
        if kept is None:
            before = pixels.copy()
            fig.draw_artist(axis)
            box = _changed_box(before, pixels)
            if box is None:
                kept = (None, None, None, None)
            else:
                rows, cols = box
                under = before[rows, cols]
                if not (under == under[0, 0]).all():
                    return False
                kept = (rows, cols, under[0, 0].copy(), pixels[rows, cols].copy())
            self._keep(self._axes, key, kept)
            self.drawn += 1
            return True
        rows, cols, colour, texts = kept
        if rows is None:
            return True
        if not (pixels[rows, cols] == colour).all():
            return False
        pixels[rows, cols] = texts
        self.pasted += 1
        return True

    def _legend(self, fig, legend, pixels):
        key = (id(legend), tuple(text.get_text() for text in legend.get_texts()), pixels.shape)
        versions = self._legends.setdefault(key, [])
        for i, (rows, cols, before, after) in enumerate(versions):
            if np.array_equal(pixels[rows, cols], before):
                pixels[rows, cols] = after
                versions.insert(0, versions.pop(i))
                self.pasted += 1
                return rows, cols
        before = pixels.copy()
        fig.draw_artist(legend)
        self.drawn += 1
        box = _changed_box(before, pixels)
        if box is not None:
            rows, cols = box
            versions.insert(0, (rows, cols, before[rows, cols].copy(), pixels[rows, cols].copy()))
            del versions[self.versions:]
        return box

    def _keep(self, store, key, value):
        if len(store) >= self.keep:
            store.pop(next(iter(store)))
        store[key] = value


class _Switches:
    """The visibility of an axis's tick marks, grid lines and texts: kept, switched, restored.

    (Switching each artist is much cheaper than ``Axis.set_tick_params``. A tick that matplotlib
    adds meanwhile copies the first tick, so it is restored like the first.)
    """

    PARTS = ("gridline", "tick1line", "tick2line", "label1", "label2")

    def __init__(self, axis):
        self.axis = axis
        self.ticks = {"major": axis.majorTicks, "minor": axis.minorTicks}
        self.saved = {which: [tuple(getattr(tick, part).get_visible() for part in self.PARTS) for tick in ticks]
                      for which, ticks in self.ticks.items()}
        self.label, self.offset = axis.label.get_visible(), axis.offsetText.get_visible()

    def show(self, labels=True, marks=True):
        """Restore what was shown, but without the texts (``labels=False``) or the marks and grid."""
        for which, ticks in self.ticks.items():
            saved = self.saved[which]
            for i, tick in enumerate(ticks):
                for part, on in zip(self.PARTS, saved[i] if i < len(saved) else saved[0]):
                    getattr(tick, part).set_visible(on and (labels if part.startswith("label") else marks))
        self.axis.label.set_visible(self.label and labels)
        self.axis.offsetText.set_visible(self.offset and labels)


def _changed_box(before, after, margin=1):
    """(row slice, column slice) of the pixels that differ, widened by ``margin``; None if none do."""
    changed = before.view(np.uint32)[..., 0] != after.view(np.uint32)[..., 0]    # one RGBA pixel = 4 bytes
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if len(rows) == 0:
        return None
    height, width = changed.shape
    return (slice(max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, height)),
            slice(max(cols[0] - margin, 0), min(cols[-1] + 1 + margin, width)))


def _drawn_last(legend):
    """Whether a full draw draws ``legend`` after everything else of its axes (or figure)."""
    parent = legend.axes if legend.axes is not None else legend.figure
    others = [a.get_zorder() for a in parent.get_children()
              if a is not legend and a.get_visible() and not a.get_animated()
              and a is not getattr(parent, "patch", None)]
    return all(z <= legend.get_zorder() for z in others)


def _reaches_later_axes(fig, legend, box, height, margin=2):
    """Whether the pixels ``box`` of an axes legend meet an axes drawn after the legend's own."""
    if legend.axes is None:
        return False                              # a figure legend is drawn after every axes
    rows, cols = box
    later = fig.axes[fig.axes.index(legend.axes) + 1:]
    for ax in later:
        x0, y0, x1, y1 = ax.bbox.extents          # display pixels, y upwards
        top, bottom = height - y1 - margin, height - y0 + margin
        if cols.start < x1 + margin and cols.stop > x0 - margin and rows.start < bottom and rows.stop > top:
            return True
    return False
