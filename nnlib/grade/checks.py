"""The grader's side of ``report()``: the options of each report, and the comparison of values.

Runs in the grader's process only. :func:`report_options` reads the options of every
``report(key, value, **options)`` call of a REFERENCE check cell by parsing its source with
``ast`` (the options must be literals); :func:`compare` decides whether a value a submission's
kernel sent matches the value the reference reported, with the report's tolerance, and
:func:`wrong_hint` finds the hint of a typical wrong answer. Nothing the kernel sends besides
(key, value) is used: the options come from the reference's source.

Options (all optional):

- ``atol``, ``rtol``: tolerance for numbers and arrays (default 1e-6 each): ``|got - expected| <=
  atol + rtol * |expected|``, element by element. Integers compare exactly when both are ints.
- ``hint``: the report's own hint, shown when it fails.
- ``wrong``: ``[(literal value, "hint"), ...]``: each typical wrong answer and its own hint.
- ``kind``: ``"exact"`` (no tolerance), ``"text"`` (strings compared after ``strip().lower()``).
- ``at_least``: a number: the value passes when it is a number >= this bound (the reference's
  value is not used; for results that differ between correct answers, such as a test accuracy).
"""

import ast
import functools
import math
import threading

from .verdict import plain, show

DEFAULT_ATOL = 1e-6
DEFAULT_RTOL = 1e-6
OPTION_NAMES = ("atol", "rtol", "hint", "wrong", "kind", "at_least")
KINDS = ("exact", "text")


class Options(dict):
    """The options of one report call (a dict with defaults filled in)."""

    @property
    def atol(self):
        return self.get("atol", DEFAULT_ATOL)

    @property
    def rtol(self):
        return self.get("rtol", DEFAULT_RTOL)

    @property
    def hint(self):
        return self.get("hint", "")


def _is_report(call):
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "report") or (
        isinstance(func, ast.Attribute) and func.attr == "report")


#: CPython 3.11's ast.parse is not safe to call from two threads at once ("AST constructor recursion
#: depth mismatch", gh-106905); class mode grades two notebooks at once
_AST_LOCK = threading.Lock()


def parse(source):
    """``ast.parse`` under a lock (see _AST_LOCK)."""
    with _AST_LOCK:
        return ast.parse(source)


def report_calls(source):
    """[(key or None, Options)] of the ``report(...)`` calls in ``source``, in source order.
    ``key`` is None when the key is not a literal string (an f-string in a loop).
    Raises ValueError when an option is not a literal or not known."""
    try:
        tree = parse(source)
    except SyntaxError as exc:
        raise ValueError(f"the check cell does not parse: {exc}") from None
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_report(node)):
            continue
        if len(node.args) != 2:
            raise ValueError(f"line {node.lineno}: report() takes (key, value, **options), "
                             f"got {len(node.args)} positional arguments")
        key_node = node.args[0]
        key = key_node.value if isinstance(key_node, ast.Constant) and isinstance(key_node.value, str) else None
        options = Options()
        for kw in node.keywords:
            if kw.arg not in OPTION_NAMES:
                raise ValueError(f"line {node.lineno}: report() has no option {kw.arg!r} "
                                 f"(options: {', '.join(OPTION_NAMES)})")
            try:
                with _AST_LOCK:
                    value = ast.literal_eval(kw.value)
            except ValueError:
                raise ValueError(f"line {node.lineno}: report()'s option {kw.arg}= must be a literal "
                                 "(the grader reads it from the source)") from None
            options[kw.arg] = _checked_option(kw.arg, value, node.lineno)
        calls.append((key, options))
    return calls


def _checked_option(name, value, line):
    where = f"line {line}: report()'s option {name}="
    if name == "at_least":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be a number, got {value!r}")
        return float(value)
    if name in ("atol", "rtol"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{where} must be a number >= 0, got {value!r}")
        return float(value)
    if name == "hint":
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string")
        return value
    if name == "kind":
        if value not in KINDS:
            raise ValueError(f"{where} must be one of {KINDS}, got {value!r}")
        return value
    # wrong
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(w, tuple) and len(w) == 2 and isinstance(w[1], str) for w in value):
        raise ValueError(f"{where} must be a list of (value, \"hint\") pairs")
    return [(plain(v), h) for v, h in value]


@functools.lru_cache(maxsize=512)
def report_options(source):
    """{key: Options} for the literal keys of a check cell, and the Options for its other keys
    (``None`` entry: the options of the call(s) whose key is computed; they must agree)."""
    out = {}
    for key, options in report_calls(source):
        if key in out and out[key] != options:
            raise ValueError(f"report({key!r}, ...) appears twice with different options")
        out[key] = options
    return out


def options_for(table, key):
    """The options of ``key`` in a cell's ``report_options`` table (literal key, else computed)."""
    if key in table:
        return table[key]
    return table.get(None, Options())


# --------------------------------------------------------------------------- comparing


def _number(data):
    """A plain number as a float (None when it is not a number)."""
    if type(data) is bool:
        return None
    if type(data) in (int, float):
        return float(data)
    if type(data) is dict and "float" in data:
        return float(data["float"])
    return None


def _close(e, g, atol, rtol):
    if math.isnan(e) or math.isnan(g):
        return math.isnan(e) and math.isnan(g)
    if math.isinf(e) or math.isinf(g):
        return e == g
    return abs(g - e) <= atol + rtol * abs(e)


def compare(expected, got, options=None, _path=""):
    """(True, "") when ``got`` matches ``expected`` (both plain data), else (False, why)."""
    options = options or Options()
    atol, rtol = options.atol, options.rtol
    if options.get("kind") == "exact":
        atol = rtol = 0.0
    where = f" at {_path}" if _path else ""
    if "at_least" in options and not _path:
        g_num = _number(got)
        ok = g_num is not None and g_num >= options["at_least"]
        return ok, ("" if ok else f"expected at least {show(options['at_least'])}, got {show(got)}")
    e_num, g_num = _number(expected), _number(got)
    if e_num is not None:
        if g_num is None:
            return False, f"expected a number{where}, got {_kind(got)}"
        if type(expected) is int and type(got) is int:
            return (expected == got), ("" if expected == got else f"expected {show(expected)}{where}, got {show(got)}")
        if _close(e_num, g_num, atol, rtol):
            return True, ""
        return False, f"expected {show(expected)}{where}, got {show(got)}"
    if type(expected) is bool or expected is None:
        ok = type(got) is type(expected) and got == expected
        return ok, ("" if ok else f"expected {show(expected)}{where}, got {show(got)}")
    if type(expected) is str:
        if type(got) is not str:
            return False, f"expected a string{where}, got {_kind(got)}"
        ok = (got.strip().lower() == expected.strip().lower()) if options.get("kind") == "text" else got == expected
        return ok, ("" if ok else f"expected {show(expected)}{where}, got {show(got)}")
    if type(got) is not dict or set(got) != set(expected):
        # a list and an array of numbers compare by their numbers (a check may report either)
        arr_e, arr_g = _as_array(expected), _as_array(got)
        if arr_e is not None and arr_g is not None:
            return _compare_arrays(arr_e, arr_g, atol, rtol, where)
        return False, f"expected {_kind(expected)}{where}, got {_kind(got)}"
    if "array" in expected:
        return _compare_arrays(_as_array(expected), _as_array(got), atol, rtol, where)
    if "set" in expected:
        ok = expected["set"] == got["set"]
        return ok, ("" if ok else f"expected {show(expected)}{where}, got {show(got)}")
    if "list" in expected:
        e, g = expected["list"], got["list"]
        if len(e) != len(g):
            arr_e, arr_g = _as_array(expected), _as_array(got)
            if arr_e is not None and arr_g is not None:
                return _compare_arrays(arr_e, arr_g, atol, rtol, where)
            return False, f"expected {len(e)} items{where}, got {len(g)}"
        for i, (a, b) in enumerate(zip(e, g)):
            ok, why = compare(a, b, options, f"{_path}[{i}]")
            if not ok:
                return False, why
        return True, ""
    if "dict" in expected:
        ek, gk = [k for k, _ in expected["dict"]], [k for k, _ in got["dict"]]
        if ek != gk:
            return False, f"expected the keys {ek}{where}, got {gk}"
        for (k, a), (_, b) in zip(expected["dict"], got["dict"]):
            ok, why = compare(a, b, options, f"{_path}[{k!r}]")
            if not ok:
                return False, why
        return True, ""
    return False, f"expected {show(expected)}{where}, got {show(got)}"


def _kind(data):
    if type(data) is dict:
        if "array" in data:
            return f"an array of shape {tuple(data['array']['shape'])}"
        if "float" in data:
            return "a number"
        return {"list": "a list", "set": "a set", "dict": "a dict"}.get(next(iter(data), ""), "a value")
    return {bool: "a bool", int: "an int", float: "a number", str: "a string"}.get(type(data), "None")


def _as_array(data):
    """(shape, flat floats) of an array, or of a (nested) list of numbers; None otherwise."""
    if type(data) is dict and "array" in data:
        return tuple(data["array"]["shape"]), [_number(x) for x in data["array"]["data"]]
    if type(data) is dict and "list" in data:
        items = data["list"]
        if not items:
            return (0,), []
        nums = [_number(x) for x in items]
        if all(n is not None for n in nums):
            return (len(items),), nums
        subs = [_as_array(x) for x in items]
        if any(s is None for s in subs) or len({s[0] for s in subs}) != 1:
            return None
        return (len(items),) + subs[0][0], [x for s in subs for x in s[1]]
    return None


def _compare_arrays(e, g, atol, rtol, where):
    (e_shape, e_data), (g_shape, g_data) = e, g
    if tuple(e_shape) != tuple(g_shape):
        return False, f"expected shape {tuple(e_shape)}{where}, got shape {tuple(g_shape)}"
    bad = [i for i, (a, b) in enumerate(zip(e_data, g_data)) if not _close(a, b, atol, rtol)]
    if not bad:
        return True, ""
    i = bad[0]
    index = _unravel(i, e_shape)
    return False, (f"{len(bad)} of {len(e_data)} numbers differ{where}; the first at index {index}: "
                   f"expected {show(e_data[i])}, got {show(g_data[i])}")


def _unravel(i, shape):
    index = []
    for n in reversed(shape):
        index.append(i % n if n else 0)
        i = i // n if n else 0
    return list(reversed(index))


def wrong_hint(options, got):
    """The hint of the typical wrong answer ``got`` matches (``wrong=`` option), or None."""
    for value, hint in options.get("wrong", []):
        if compare(value, got, options)[0]:
            return hint
    return None
