"""A pytest plugin for ``nnlib.grade``: records nbval's raw result for every notebook cell.

``nnlib.grade`` runs ``pytest --nbval`` on a merged notebook in a subprocess, with a
copy of this file loaded as ``-p _nnlib_grade_plugin --grade-report=FILE``. For each
cell this plugin writes one JSON record: the cell number, passed/failed/skipped, the failure message, whether it
timed out or found the kernel dead, and the expected and actual output text.

It reads the *raw* outcome (``call.excinfo``), not the report pytest prints: after a
timed-out cell nbval marks every later cell ``xfail``, which would turn a failing
check into "skipped" and a passing one into "xpassed". This module imports only
pytest and json (loaded as a copy, outside the nnlib package, it does not import numpy).
"""

import json
import sys

import pytest

# nbformat (which nbval imports) imports jsonschema, and jsonschema imports the optional
# package rfc3987_syntax, if it is installed, only to check the "iri" string format, which
# no notebook schema uses. Building that package's grammar takes about a second, a third of
# a grading run, so this plugin (loaded before nbval) marks it as absent.
sys.modules.setdefault("rfc3987_syntax", None)

_records = []


def pytest_addoption(parser):
    parser.addoption("--grade-report", action="store", default=None,
                     help="nnlib.grade: write per-cell results as JSON to this file")


def outputs_text(outputs):
    """The comparable text of a cell's outputs: stdout/stderr, text/plain, errors."""
    parts = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text is not None:
                parts.append(text if text.endswith("\n") else text + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename', 'Error')}: {out.get('evalue', '')}\n")
    return "".join(parts)


def _error_name(outputs):
    for out in outputs or []:
        if out.get("output_type") == "error":
            return out.get("ename")
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    yield
    cell_num = getattr(item, "cell_num", None)
    if cell_num is None or call.when == "teardown":
        return
    if call.when == "setup" and call.excinfo is None:
        return  # the cell's result comes with the "call" phase
    exc = call.excinfo
    if exc is None:
        status, message = "passed", ""
    elif exc.errisinstance(pytest.skip.Exception):
        status, message = "skipped", str(exc.value)
    else:
        status, message = "failed", str(exc.value).strip().splitlines()[0] if str(exc.value).strip() else exc.typename
    actual = getattr(item, "test_outputs", None)
    _records.append({
        "cell": cell_num,
        "phase": call.when,
        "status": status,
        "message": message,
        "timed_out": status == "failed" and message.startswith("Timeout"),
        "kernel_dead": status == "failed" and "Kernel dead" in message,
        "error": _error_name(actual),
        "expected": outputs_text(item.cell.get("outputs", [])),
        "actual": outputs_text(actual) if actual is not None else None,
    })


def pytest_sessionfinish(session):
    path = session.config.getoption("--grade-report")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(_records, f, indent=1)
