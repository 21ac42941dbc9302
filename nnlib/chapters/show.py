"""Printing numbers and tables in the chapters.

The chapters print their results so that nbval can compare a fresh run with the stored page, which
means plain, rounded Python numbers (never a numpy repr, never ``-0.0``). These helpers do that
formatting once, so that a chapter's code cells show the mathematics rather than string formatting:

>>> fmt(0.50732101)
'0.5073'
>>> fmt(-1e-9, 3)          # rounds to zero: printed without a minus sign
'0.000'
>>> fmt(13462.3, ".3e")
'1.346e+04'
>>> fmt_list([0.25, -0.0, 1 / 3], 3)
'[0.25, 0.0, 0.333]'
>>> print(Table(["x", "sigmoid(x)"], [[0, 0.5], [2, 0.8807970779778823]], digits=4))
x  sigmoid(x)
0      0.5000
2      0.8808

A :class:`Table` that is the last expression of a cell is shown as an HTML table in Jupyter and in the
built book (``text/html``), and as the aligned text above in its ``text/plain`` form; nbval compares both.
``print(table)`` prints the text form only.

Used by every chapter, first in :doc:`chapter 1 </book/01_neuron_perceptron>`.
"""

import html
import numbers

__all__ = ["fmt", "fmt_list", "Table"]


def _as_real(x, name):
    """``x`` as a Python float or int, refusing what is not one real number (arrays, strings, None)."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        return float(x)
    if hasattr(x, "shape") and getattr(x, "shape", None) == () and hasattr(x, "item"):
        return _as_real(x.item(), name)                     # a 0-d numpy array
    raise TypeError(f"{name}: expected a real number, got {type(x).__name__} {x!r:.60}")


def _spec(digits):
    """A format spec from ``digits``: an int n means n decimals (``.nf``); a string is used as given."""
    if isinstance(digits, bool) or not isinstance(digits, (int, str)):
        raise TypeError(f"digits: expected an int (decimals) or a format spec such as '.3e', "
                        f"got {type(digits).__name__} {digits!r}")
    if isinstance(digits, int):
        if digits < 0:
            raise ValueError(f"digits: expected a number of decimals >= 0, got {digits}")
        return f".{digits}f"
    return digits


def fmt(x, digits=4):
    """Format one real number: ``digits`` decimals (int) or a format spec (``".3e"``, ``"+.2f"``, ``"d"``).

    A float that rounds to zero is printed without a minus sign (``0.000``, not ``-0.000``), so the
    printed text does not depend on the sign of a rounding error. An integer (Python, numpy or bool)
    with ``digits`` given as a number of decimals prints as an integer (``fmt(3)`` is ``'3'``); give a
    spec string to format it otherwise (``fmt(3, ".2f")`` is ``'3.00'``).
    """
    value = _as_real(x, "fmt(x)")
    spec = _spec(digits)
    if isinstance(value, int) and isinstance(digits, int):
        return str(value)                                   # an integer (count, epoch) stays an integer
    if spec.endswith("d"):
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"fmt(x): format {spec!r} needs an integer, got {value!r}")
            value = int(value)
        return format(value, spec)
    text = format(float(value), spec)
    # '-0.000' and '-0.000e+00' become positive: the sign of a number that rounds to 0 is noise.
    if text.lstrip("+-").strip("0.e+-") == "" and text.startswith("-"):
        text = format(0.0, spec)
    return text


def fmt_list(values, digits=4):
    """Format a sequence of numbers like a Python list, each rounded to ``digits`` decimals.

    ``fmt_list([0.25, 1/3], 3)`` is ``'[0.25, 0.333]'``: trailing zeros are dropped, as ``round`` does,
    so the text matches ``print([round(v, 3) for v in values])`` without its ``-0.0`` pitfall.
    Accepts a list, a tuple or a 1-D numpy array.
    """
    if hasattr(values, "ndim") and values.ndim != 1:
        raise ValueError(f"fmt_list(values): expected a 1-D sequence, got an array of shape {values.shape}")
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"fmt_list(values): expected a sequence of numbers, got {type(values).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise TypeError(f"fmt_list(digits): expected an int >= 0, got {digits!r}")
    parts = []
    for i, v in enumerate(values):
        value = _as_real(v, f"fmt_list(values)[{i}]")
        parts.append(str(int(value)) if isinstance(value, int) else repr(round(value, digits) + 0.0))
    return "[" + ", ".join(parts) + "]"


class Table:
    """A table of results: HTML in the book and in Jupyter, aligned text for nbval and ``print``.

    Parameters
    ----------
    columns : list of str
        The column headings, one per column.
    rows : list of sequences
        One sequence per row, each with one entry per column: a number or a string.
    digits : int or str or list, default 4
        How numbers are formatted (see :func:`fmt`): one spec for every column, or a list with one per
        column (``None`` in the list means the default).
    title : str, optional
        A caption shown above the table.

    Notes
    -----
    Numbers are right-aligned and strings left-aligned; columns are separated by two spaces.
    """

    def __init__(self, columns, rows, digits=4, title=None):
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise TypeError(f"Table(columns): expected a list of column headings (str), got {columns!r:.80}")
        self.columns = list(columns)
        n = len(self.columns)
        if isinstance(digits, (list, tuple)):
            if len(digits) != n:
                raise ValueError(f"Table(digits): expected one format per column ({n}), got {len(digits)}")
            specs = [4 if d is None else d for d in digits]
        else:
            specs = [digits] * n
        for d in specs:
            _spec(d)                                            # validate early, with a clear message
        self.title = title
        self.cells = []
        for r, row in enumerate(rows):
            row = list(row)
            if len(row) != n:
                raise ValueError(f"Table(rows[{r}]): expected {n} entries ({', '.join(self.columns)}), "
                                 f"got {len(row)}")
            self.cells.append([(v, True) if isinstance(v, str) else (fmt(v, specs[c]), False)
                               for c, v in enumerate(row)])

    def _widths(self):
        return [max([len(h)] + [len(row[c][0]) for row in self.cells]) for c, h in enumerate(self.columns)]

    def __str__(self):
        widths = self._widths()
        text_columns = [all(row[c][1] for row in self.cells) if self.cells else True
                        for c in range(len(self.columns))]

        def line(entries, is_text):
            parts = [e.ljust(w) if left else e.rjust(w) for e, w, left in zip(entries, widths, is_text)]
            return "  ".join(parts).rstrip()

        lines = [self.title] if self.title else []
        lines.append(line(self.columns, text_columns))
        for row in self.cells:
            lines.append(line([e for e, _ in row], [is_str for _, is_str in row]))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        esc = html.escape
        out = ['<table class="nn-table">']
        if self.title:
            out.append(f"<caption>{esc(self.title)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in self.columns) + "</tr></thead>")
        out.append("<tbody>")
        for row in self.cells:
            tds = "".join(f'<td class="{"nn-text" if is_str else "nn-num"}">{esc(e)}</td>' for e, is_str in row)
            out.append(f"<tr>{tds}</tr>")
        out.append("</tbody></table>")
        return "".join(out)
