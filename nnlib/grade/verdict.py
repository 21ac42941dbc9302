"""``report(key, value, **options)``: how a check cell sends the values it computed out of the kernel.

Every check cell of an exercise set ends with one or more calls such as::

    report("dW", dW, atol=1e-6, hint="each weight w_ij collects x_i g_j over the batch")
    report("dead", set(answer), wrong=[({"dW1"}, "dW1 still flows: ...")], hint="...")

In the kernel, ``report`` does two things and nothing else:

1. it converts ``value`` to **plain data** with this module's own code (:func:`plain`): exact
   builtin types only (``bool``, ``int``, ``float``, ``str``, ``None``, lists and tuples of plain
   data, dicts with ``str`` keys, sets of ``str``/``int``), numpy's own scalar types, and exact
   numeric ``numpy.ndarray`` objects, copied to float64 by numpy's C routines. No method of the
   student's object runs: a subclass (an ndarray with ``__array_function__``, a float whose
   difference is always 0, an object equal to everything) is refused with a message that says
   what to pass instead;
2. it publishes one ``display_data`` message: its data is the line ``key = value`` (6
   significant digits, ``text/plain``) that the student reads, and its *metadata* holds the plain
   value under the key :data:`MIME` (metadata: notebook renderers and nbval ignore it, and the
   stored notebook still carries the value).

Nothing here compares, asserts or prints a verdict, and the options (``atol``, ``rtol``, ``hint``,
``wrong``, ``kind``) are *not* sent: the grader reads them from the reference notebook's source
(:mod:`nnlib.grade.checks`) and compares, in its own process, the sent value with the value the
reference solution reported (see :mod:`nnlib.grade.grader`). A check's expected value is never
in the student's kernel.

The first code cell of an exercise notebook loads this with ``%load_ext nnlib.grade.verdict``;
``from nnlib.grade.verdict import report`` works too.
"""

import math

#: the key of a report's plain value in a display_data message's metadata
MIME = "application/vnd.nnlib.report+json"

#: at most this many numbers of an array are shown on the ``key = value`` line (all are sent)
SHOW_ITEMS = 12

#: the largest report accepted, counted in numbers and characters; a check never needs more
MAX_ITEMS = 200_000


class ForbiddenHelper(RuntimeError):
    """Raised, while an answer is graded, by an nnlib helper that the exercise asks the student to write."""


class ReportError(TypeError):
    """A value that ``report`` cannot send (a type it does not know, or too large)."""


def _numpy():
    import numpy

    return numpy


def _float(x):
    """A JSON-safe float: finite floats as numbers, the others as tagged strings."""
    if math.isfinite(x):
        return x
    return {"float": "nan" if x != x else ("inf" if x > 0 else "-inf")}


def plain(value, _depth=0, _budget=None):
    """``value`` as plain JSON-able data, built by this function only (see the module docstring).

    Encoding: ``None``, ``bool``, ``int``, ``str`` and finite ``float`` as themselves; a non-finite
    float as ``{"float": "nan"|"inf"|"-inf"}``; a list or tuple as ``{"list": [...]}``; a set as
    ``{"set": [sorted items]}``; a dict as ``{"dict": [[key, value], ...]}`` (keys sorted);
    an array as ``{"array": {"shape": [...], "data": [float, ...]}}`` (row-major).
    Raises :class:`ReportError` for anything else.
    """
    budget = _budget if _budget is not None else [MAX_ITEMS]
    if _depth > 20:
        raise ReportError("report(): the value is nested more than 20 levels deep")
    kind = type(value)  # the exact type: no isinstance, so no __class__ or __instancecheck__ of the value's
    if value is None or kind is bool or kind is str:
        if kind is str:
            budget[0] -= len(value)
            if budget[0] < 0:
                raise ReportError(f"report(): the value is too large (more than {MAX_ITEMS} items)")
        return value
    if kind is int:
        return value
    if kind is float:
        return _float(value)
    if kind in (list, tuple):
        budget[0] -= len(value)
        if budget[0] < 0:
            raise ReportError(f"report(): the value is too large (more than {MAX_ITEMS} items)")
        return {"list": [plain(v, _depth + 1, budget) for v in list.__iter__(list(value))]}
    if kind in (set, frozenset):
        items = [plain(v, _depth + 1, budget) for v in value]
        if not all(type(v) in (str, int) for v in items):
            raise ReportError("report(): a set may hold only str or int items")
        return {"set": sorted(items, key=lambda v: (type(v) is str, v))}
    if kind is dict:
        items = []
        for k in dict.keys(value):
            if type(k) is not str:
                raise ReportError(f"report(): dict keys must be str, got {type(k).__name__}")
            items.append([k, plain(dict.__getitem__(value, k), _depth + 1, budget)])
        return {"dict": sorted(items, key=lambda kv: kv[0])}
    np = _numpy()
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise ReportError(f"report(): only arrays of numbers can be reported, this one has dtype "
                              f"{value.dtype} (convert it, e.g. np.asarray(x, dtype=float))")
        budget[0] -= value.size
        if budget[0] < 0:
            raise ReportError(f"report(): the array is too large ({value.size} numbers, at most {MAX_ITEMS})")
        # numpy's C routines on the base class: ndarray.astype and ndarray.tolist, never the object's own
        flat = np.ndarray.tolist(np.ndarray.astype(np.ndarray.ravel(value), np.float64))
        return {"array": {"shape": [int(n) for n in value.shape], "data": [_float(x) for x in flat]}}
    if kind in (np.float64, np.float32, np.float16, np.longdouble):
        return _float(float(value))
    if kind in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                np.intc, np.uintc, np.longlong, np.ulonglong):
        return int(value)
    if kind is np.bool_:
        return bool(value)
    raise ReportError(
        f"report() sends plain values only: bool, int, float, str, None, lists, tuples, dicts with str "
        f"keys, sets of str, numpy arrays of numbers and numpy numbers; got an object of type "
        f"{kind.__module__}.{kind.__qualname__}. Pass a plain value instead, e.g. float(x), "
        f"np.asarray(x, dtype=float) or list(x) of such values."
    )


def show(data):
    """The plain value as the student reads it: numbers with 6 significant digits."""
    if type(data) is bool or data is None:
        return repr(data)
    if type(data) is int:
        return str(data)
    if type(data) is float:
        text = f"{data:.6g}"
        return "0" if text == "-0" else text
    if type(data) is str:
        return repr(data)
    if "float" in data:
        return data["float"]
    if "list" in data:
        return "[" + ", ".join(show(v) for v in data["list"]) + "]"
    if "set" in data:
        return "{" + ", ".join(show(v) for v in data["set"]) + "}" if data["set"] else "set()"
    if "dict" in data:
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in data["dict"]) + "}"
    if "array" in data:
        shape, values = data["array"]["shape"], data["array"]["data"]
        if len(values) <= 2 * SHOW_ITEMS:
            return _nested(shape, [show(v) for v in values])
        shown = ", ".join(show(v) for v in values[:SHOW_ITEMS])
        return f"array of shape {tuple(shape)}: [{shown}, ... ({len(values)} numbers)]"
    return repr(data)


def _nested(shape, items):
    """Row-major ``items`` as nested lists of the given shape, as text."""
    if len(shape) <= 1:
        return "[" + ", ".join(items) + "]"
    step = len(items) // shape[0] if shape[0] else 0
    return "[" + ", ".join(_nested(shape[1:], items[i * step:(i + 1) * step]) for i in range(shape[0])) + "]"


def report(key, value, **options):
    """Send ``value`` (converted by :func:`plain`) under ``key`` to the grader and show ``key = value``.

    ``options`` (``atol``, ``rtol``, ``hint``, ``wrong``, ``kind``) are for the grader, which reads
    them from the reference notebook's source: here they are ignored.
    """
    if type(key) is not str or not key:
        raise ReportError("report(key, value): the key must be a non-empty str")
    data = plain(value)
    text = f"{key} = {show(data)}"
    try:
        from IPython.display import publish_display_data
        from IPython import get_ipython

        if get_ipython() is None:
            raise ImportError
    except ImportError:  # plain Python: print only
        print(text)
        return
    publish_display_data({"text/plain": text}, metadata={MIME: {"key": key, "value": data}})


def load_ipython_extension(ipython):
    """``%load_ext nnlib.grade.verdict``: puts ``report`` in the notebook's namespace."""
    ipython.push({"report": report})
