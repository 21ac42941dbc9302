"""Issue 23: transfer exercises, numbers of their own, and a hint for every typical wrong answer.

- Every exercise set (one per chapter) has at least two *transfer* items, marked on their answer
  cell with ``metadata.nnlib.kind``: ``"predict"`` (commit to a number or a choice before a later
  cell, tagged ``reveal``, runs the experiment), ``"change"`` (backprop or an update rule for
  something the chapter did not do) or ``"bug"`` (fix a given backward pass or training step).
- No exercise reuses a chapter cell's inputs: the number lists written in an exercise set's code
  do not occur in its chapter's code, and no set builds the chapter's example networks.
- Every ``wrong=`` answer of a ``report`` is really wrong (it differs from the reference's value)
  and has a hint of its own.

The checks run here in this process (plain ``exec``, no kernel, no sandbox: the grader is tested
in tests/test_grader.py), with ``report`` replaced by a collector; values are compared with the
grader's own :func:`nnlib.grade.checks.compare`.
"""

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from nnlib.grade import checks
from nnlib.grade import exercises as ex
from nnlib.grade.verdict import MIME, plain

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("predict", "change", "bug")
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
SETS = [p.stem for p in ex.solution_files(ROOT / "solutions")]


def notebook(stem, folder="solutions"):
    return ex.read_notebook(ROOT / folder / f"{stem}.ipynb")


def code_of(cell):
    """A cell's source without IPython's line magics (``%load_ext ...``), for plain ``exec``."""
    return "\n".join(line for line in ex.source_of(cell).splitlines() if not line.lstrip().startswith(("%", "!")))


def transfer_items(nb):
    """{exercise: kind} of the answer cells that carry ``nnlib.kind``."""
    found = {}
    for cell in nb["cells"]:
        if ex.cell_role(cell) == "answer":
            kind = cell["metadata"].get("nnlib", {}).get("kind")
            if kind is not None:
                found.setdefault(ex.exercise_name(cell), kind)
    return found


def stored_reports(cell):
    """{key: plain value} that a reference check cell reported when it was executed."""
    values = {}
    for out in cell.get("outputs", []):
        data = out.get("metadata", {}).get(MIME) or out.get("data", {}).get(MIME)
        if data is not None:
            values[data["key"]] = data["value"]
    return values


def run(stem, exercise, answers=None):
    """Run the set's setup cells, the exercise's answers (the reference's, or ``answers``: one source
    for its first answer cell) and its checks. Returns [(check cell, {key: plain value} or the
    exception's type name)]."""
    nb = notebook(stem)
    table = ex.exercise_cells(nb)[exercise]
    namespace = {}
    sent = {}

    def report(key, value, **options):
        sent[key] = plain(value)

    namespace["report"] = report
    results = []
    with contextlib.redirect_stdout(io.StringIO()):
        for index, cell in enumerate(nb["cells"]):
            role = ex.cell_role(cell)
            if cell.get("cell_type") != "code" or (role is not None and ex.exercise_name(cell) != exercise):
                continue
            if role is None:
                exec(compile(code_of(cell), f"<setup {index}>", "exec"), namespace)
            elif role == "answer":
                source = ex.source_of(cell)
                if answers is not None and index == table["answers"][0]:
                    source = answers
                exec(compile(source, f"<answer {index}>", "exec"), namespace)
            else:
                sent.clear()
                try:
                    exec(compile(code_of(cell), f"<check {index}>", "exec"), namespace)
                    results.append((cell, dict(sent)))
                except Exception as exc:  # noqa: BLE001 - a failing check is a result here
                    results.append((cell, type(exc).__name__))
    return results


def failures(results):
    """[(key, hint of its typical wrong answer or None, the report's hint)] of the reports that differ
    from the reference's stored values."""
    failed = []
    for cell, got in results:
        expected = stored_reports(cell)
        table = checks.report_options(ex.source_of(cell))
        if isinstance(got, str):
            failed.append(("(raised " + got + ")", None, ""))
            continue
        for key, value in expected.items():
            options = checks.options_for(table, key)
            if key not in got or not checks.compare(value, got[key], options)[0]:
                failed.append((key, checks.wrong_hint(options, got.get(key)) if key in got else None, options.hint))
    return failed


# --------------------------------------------------------------------------- every set, two transfer items


def test_every_chapter_has_an_exercise_set():
    assert CHAPTERS and set(CHAPTERS) <= set(SETS), sorted(set(CHAPTERS) - set(SETS))


@pytest.mark.parametrize("stem", SETS)
def test_every_set_has_two_transfer_items(stem):
    items = transfer_items(notebook(stem))
    assert set(items.values()) <= set(KINDS), items
    assert len(items) >= 2, f"{stem}: transfer items {items}; each set needs at least two (kinds {KINDS})"


def test_the_transfer_items_use_every_kind():
    kinds = {kind for stem in SETS for kind in transfer_items(notebook(stem)).values()}
    assert kinds == set(KINDS)


# --------------------------------------------------------------------------- predict, then run


def predict_items():
    return [(stem, name) for stem in SETS for name, kind in transfer_items(notebook(stem)).items() if kind == "predict"]


@pytest.mark.parametrize("stem, exercise", predict_items())
def test_a_prediction_is_checked_by_the_grader_only_and_revealed_after_it(stem, exercise):
    nb = notebook(stem)
    entry = ex.exercise_cells(nb)[exercise]
    # no visible check: its stored output would give the prediction away
    assert all(hidden for _, _, hidden in entry["checks"]), f"{stem} {exercise}: a prediction's checks must be hidden"
    last = max(i for i, _, _ in entry["checks"])
    later = [c for c in nb["cells"][last + 1:] if c.get("cell_type") == "code"]
    reveal = next((c for c in later if ex.REVEAL in ex.tags(c)), None)
    assert reveal is not None, f"{stem} {exercise}: no cell tagged 'reveal' after the checks"
    # ... and before the next exercise
    before_next = [c for c in later[:later.index(reveal)] if ex.cell_role(c) is not None]
    assert not before_next
    # the student version keeps the experiment's code, not its output
    student = notebook(stem, "exercises")
    copy = next(c for c in student["cells"] if c.get("id") == reveal["id"])
    assert copy["outputs"] == [] and ex.source_of(copy) == ex.source_of(reveal)
    assert reveal.get("outputs"), "the reference runs the experiment (its output is the book's answer page)"


# --------------------------------------------------------------------------- find the bug


def bug_items():
    return [(stem, name) for stem in SETS for name, kind in transfer_items(notebook(stem)).items() if kind == "bug"]


def defined_functions(source):
    tree = ast.parse(source)
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


@pytest.mark.parametrize("stem, exercise", bug_items())
def test_the_given_buggy_code_fails_with_the_hint_that_names_the_bug(stem, exercise):
    nb = notebook(stem)
    entry = ex.exercise_cells(nb)[exercise]
    answer_index = entry["answers"][0]
    fixed = defined_functions(ex.source_of(nb["cells"][answer_index]))
    assert fixed, f"{stem} {exercise}: the answer of a 'find the bug' item defines the fixed function"
    # the buggy version is given in a plain code cell of the exercise (before its answer)
    buggy = [name for cell in nb["cells"][:answer_index] if cell.get("cell_type") == "code"
             and ex.cell_role(cell) is None for name in defined_functions(code_of(cell)) if name.startswith("buggy")]
    assert buggy, f"{stem} {exercise}: no function named buggy_... in a code cell before the answer"
    assert not failures(run(stem, exercise)), "the reference answer passes"
    failed = failures(run(stem, exercise, answers=f"{fixed[0]} = {buggy[-1]}\n"))
    assert failed, "the buggy code must fail the checks"
    assert any(hint for _, hint, _ in failed), f"no failing report names the bug: {failed}"


# --------------------------------------------------------------------------- wrong answers, each with its hint


def reports_with_wrong_answers():
    found = []
    for stem in SETS:
        nb = notebook(stem)
        for index, cell in enumerate(nb["cells"]):
            if ex.cell_role(cell) not in ("check", "hidden"):
                continue
            for key, options in checks.report_calls(ex.source_of(cell)):
                if options.get("wrong"):
                    found.append((stem, index, key, options))
    return found


def test_several_sets_name_typical_wrong_answers():
    assert len({stem for stem, *_ in reports_with_wrong_answers()}) >= 3


@pytest.mark.parametrize("stem, index, key, options", reports_with_wrong_answers(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_each_typical_wrong_answer_is_wrong_and_has_its_own_hint(stem, index, key, options):
    cell = notebook(stem)["cells"][index]
    expected = stored_reports(cell)
    assert key in expected, f"{stem} cell {index}: report {key!r} has wrong= but no stored value (re-execute)"
    hints = [hint for _, hint in options["wrong"]]
    assert len(set(hints)) == len(hints), "two wrong answers share a hint"
    assert options.hint and options.hint not in hints, "the general hint differs from every wrong answer's"
    for value, hint in options["wrong"]:
        assert not checks.compare(expected[key], value, options)[0], f"{value!r} is the right answer"
        assert checks.wrong_hint(options, value) == hint


# --------------------------------------------------------------------------- no reused inputs


def _number(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _number(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    return None


def _flat(node):
    if isinstance(node, (ast.List, ast.Tuple)):
        out = []
        for item in node.elts:
            part = _flat(item)
            if part is None:
                return None
            out.extend(part)
        return out
    value = _number(node)
    return None if value is None else [value]


def number_lists(source):
    """Every list or tuple literal of at least three numbers (nested ones flattened) in ``source``,
    except those of only -1, 0 and 1 (one-hot rows, signs, truth tables)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        values = _flat(node) if isinstance(node, (ast.List, ast.Tuple)) else None
        if values and len(values) >= 3 and not set(values) <= {-1.0, 0.0, 1.0}:
            found.add(tuple(values))
    return found


def chapter_number_lists(stem):
    nb = notebook(stem, "book")
    return set().union(*(number_lists(code_of(c)) for c in nb["cells"] if c.get("cell_type") == "code"))


@pytest.mark.parametrize("stem", [s for s in SETS if s in CHAPTERS])
def test_no_exercise_reuses_the_chapters_inputs(stem):
    chapter = chapter_number_lists(stem)
    reused = []
    for index, cell in enumerate(notebook(stem)["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = code_of(cell)
        reused += [(index, values) for values in sorted(number_lists(source) & chapter)]
        if re.search(r"\bexamples\.\w+\(", source):
            reused.append((index, "builds a network or data set of the chapter (nnlib.chapters.examples)"))
    assert not reused, f"{stem}: the chapter's code has the same inputs: {reused}"


def test_the_reuse_check_finds_a_copied_input():
    chapter = chapter_number_lists("06_backprop_worked_examples")
    assert (80.0, 8.0, 60.0, 9.0, 70.0, 5.0, 120.0, 7.0) in chapter
    assert number_lists("X = np.array([[80.0, 8.0], [60.0, 9.0], [70.0, 5.0], [120.0, 7.0]])") <= chapter
    assert not number_lists("y = np.array([0.0, 1.0, 0.0])")


def test_a_student_version_never_contains_a_reveal_output():
    for stem in SETS:
        for cell in notebook(stem, "exercises")["cells"]:
            if ex.REVEAL in ex.tags(cell):
                assert not cell.get("outputs")


def test_kinds_are_only_on_answer_cells():
    for stem in SETS:
        for cell in notebook(stem)["cells"]:
            if "kind" in cell.get("metadata", {}).get("nnlib", {}):
                assert ex.cell_role(cell) == "answer", (stem, cell.get("id"))
                assert cell["metadata"]["nnlib"]["kind"] in KINDS


def test_the_set_for_chapter_6_is_in_both_tables_of_contents():
    for toc, solutions in (("_toc.yml", True), ("_toc_class.yml", False)):
        text = (ROOT / toc).read_text(encoding="utf-8")
        assert "exercises/06_backprop_worked_examples\n        title: Chapter 6 exercises" in text
        assert ("solutions/06_backprop_worked_examples\n        title: Chapter 6 solutions" in text) == solutions


def test_json_of_every_set_is_valid():
    for stem in SETS:
        json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- answers given as values


#: value answers whose visible check may stay: it shows what the construction must produce, not the answer
VISIBLE_ALLOWED = {("08_xor_xnor", "ex3"): "the weights of a construction; the check shows the truth table it must give"}


def value_answer_names(nb):
    """{exercise: names assigned by its answer cells that define no function} (by hand, a prediction,
    a choice)."""
    names = {}
    for cell in nb["cells"]:
        if ex.cell_role(cell) != "answer":
            continue
        source = ex.source_of(cell)
        if "def " in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.setdefault(ex.exercise_name(cell), set()).add(node.id)
    return names


def _form_only(data):
    """True for what a form check reports: a bool, or a list of shapes (lists of ints)."""
    if type(data) is bool:
        return True
    if type(data) is dict and "list" in data:
        return all(type(v) is int or (type(v) is dict and "list" in v and all(type(n) is int for n in v["list"]))
                   for v in data["list"])
    return False


@pytest.mark.parametrize("stem", SETS)
def test_a_value_answer_has_no_visible_check_that_shows_it(stem):
    # a visible check that reports a number worked out by hand (or a prediction, a choice) shows the
    # answer in the student version (the reference's values are its comments): it may report the
    # answer's form at most (a bool, shapes), and the values go to the grader's hidden checks
    nb = notebook(stem)
    names = value_answer_names(nb)
    visible = []
    for index, cell in enumerate(nb["cells"]):
        if ex.cell_role(cell) != "check" or (stem, ex.exercise_name(cell)) in VISIBLE_ALLOWED:
            continue
        if "sp." in code_of(cell):  # a derivation: the check evaluates the expression at points
            continue
        used = {n.id for n in ast.walk(ast.parse(code_of(cell))) if isinstance(n, ast.Name)}
        if used & names.get(ex.exercise_name(cell), set()):
            shown = {k: v for k, v in stored_reports(cell).items() if not _form_only(v)}
            if shown:
                visible.append((index, ex.exercise_name(cell), sorted(shown)))
    assert not visible, f"{stem}: visible checks that show an answer given as values: {visible}"


@pytest.mark.parametrize("stem, exercise", predict_items() + [
    (stem, name) for stem in SETS for name, entry in ex.exercise_cells(notebook(stem)).items()
    if any("choice" in checks.report_options(ex.source_of(notebook(stem)["cells"][i])) for i, _, _ in entry["checks"])])
def test_a_prediction_or_a_choice_has_no_visible_check(stem, exercise):
    # a form check ("one of A, B, C, D = True") would look passed for a wrong answer
    entry = ex.exercise_cells(notebook(stem))[exercise]
    assert all(hidden for _, _, hidden in entry["checks"]), f"{stem} {exercise}"


#: checked values that may also appear in the chapter: a threshold check, not an answer to copy
PRINTED_ALLOWED = {("11_training_in_practice", "test accuracy")}


def _numbers(data):
    if type(data) in (int, float):
        yield float(data)
    elif type(data) is dict:
        for key in ("list", "set"):
            for item in data.get(key, []):
                yield from _numbers(item)
        if "array" in data:
            yield from (float(x) for x in data["array"]["data"] if type(x) in (int, float))


def chapter_text(stem):
    """Every markdown cell and printed output of the chapter, as one text."""
    parts = []
    for cell in notebook(stem, "book")["cells"]:
        parts.append(ex.source_of(cell) if cell.get("cell_type") == "markdown" else "")
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


@pytest.mark.parametrize("stem", [s for s in SETS if s in CHAPTERS])
def test_no_checked_answer_is_printed_in_the_chapter(stem):
    # a number with four or more significant digits that a check expects, found in the chapter's
    # text or outputs, means the exercise can be answered by reading the chapter
    text = chapter_text(stem)
    found = []
    for index, cell in enumerate(notebook(stem)["cells"]):
        if ex.cell_role(cell) not in ("check", "hidden"):
            continue
        for key, value in stored_reports(cell).items():
            if (stem, key) in PRINTED_ALLOWED:
                continue
            for x in _numbers(value):
                for form in (f"{x:.6f}", f"{x:.4f}", f"{x:.6g}"):
                    digits = re.sub(r"[^0-9]", "", form).strip("0")
                    if len(digits) >= 4 and re.search(rf"(?<![0-9]){re.escape(form)}(?![0-9])", text):
                        found.append((index, key, form))
                        break
    assert not found, f"{stem}: checked values printed in the chapter: {found}"
