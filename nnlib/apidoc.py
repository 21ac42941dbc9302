"""The API reference of the book (``book/appendix_api.ipynb``), generated from nnlib's docstrings.

``module_reference(name)`` returns an HTML fragment listing a module's docstring and every public
function and class defined in it (with public methods and properties), each with its signature and
docstring. The appendix calls it once per module, and nbval compares the result with the stored
page: a changed signature or docstring makes the test fail until the page is regenerated
(``python tools/make_api_reference.py`` then ``python tools/execute_notebooks.py book/appendix_api.ipynb``),
so the reference cannot drift from the code. Standard library only.
"""

import html
import importlib
import inspect
import pkgutil
import re

#: modules left out of the reference: private helpers
PRIVATE_PREFIX = "_"


def public_modules(package="nnlib"):
    """Every importable module of ``package`` whose name has no part starting with '_', sorted."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if not any(part.startswith(PRIVATE_PREFIX) for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _clean(text):
    """Remove memory addresses (they change from run to run) from a repr or signature."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


def signature(obj):
    """The call signature as text, e.g. '(n_in, n_out, *, init='xavier', rng=None)'; '' if unknown."""
    try:
        return _clean(str(inspect.signature(obj)))
    except (TypeError, ValueError):
        return ""


def _doc(obj):
    doc = inspect.getdoc(obj) if not isinstance(obj, property) else (obj.__doc__ or "")
    doc = inspect.cleandoc(doc) if doc else ""
    return f"<pre>{html.escape(_clean(doc))}</pre>" if doc else "<p><em>(no docstring)</em></p>"


def public_members(module):
    """(name, object) of the public functions and classes defined in ``module`` (not imported into it)."""
    members = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) == module.__name__:
            members.append((name, obj))
    return members


def _class_members(cls):
    rows = []
    for name, obj in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if name == "__init__":
            continue  # the class signature shows the constructor's arguments
        if isinstance(obj, property):
            rows.append(f"<dt><code>{html.escape(name)}</code> <em>(property)</em></dt><dd>{_doc(obj)}</dd>")
        elif isinstance(obj, (staticmethod, classmethod)) or inspect.isfunction(obj):
            fn = obj.__func__ if isinstance(obj, (staticmethod, classmethod)) else obj
            rows.append(f"<dt><code>{html.escape(name + signature(fn))}</code></dt><dd>{_doc(fn)}</dd>")
    return f"<dl>{''.join(rows)}</dl>" if rows else ""


def module_reference(name):
    """HTML for one module: its docstring, then each public function and class with its docstring."""
    module = importlib.import_module(name)
    parts = [_doc(module)]
    members = public_members(module)
    if not members:
        parts.append("<p><em>No public functions or classes of its own.</em></p>")
    items = []
    for member_name, obj in members:
        kind = "class" if inspect.isclass(obj) else "function"
        head = html.escape(f"{member_name}{signature(obj)}")
        body = _doc(obj) + (_class_members(obj) if inspect.isclass(obj) else "")
        items.append(f"<dt><em>{kind}</em> <code>{head}</code></dt><dd>{body}</dd>")
    if items:
        parts.append(f"<dl>{''.join(items)}</dl>")
    return f"<div class=\"nnlib-api\">{''.join(parts)}</div>"


def top_level_names(package="nnlib"):
    """The names ``import nnlib as nn`` exposes (nn.Dense, nn.train, ...), with their defining module."""
    root = importlib.import_module(package)
    # __all__ lists the names even before they are imported (the package loads them lazily)
    names = getattr(root, "__all__", None) or sorted(vars(root))
    rows = []
    for name in sorted(names):
        obj = getattr(root, name)
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        rows.append((name, getattr(obj, "__module__", type(obj).__name__)))
    return rows
