"""Exercise notebooks: read the exercise cells of a solution, generate the student version.

The single source of every exercise set is ``solutions/NN_topic.ipynb``; the student
notebook ``exercises/NN_topic.ipynb`` is generated from it, never edited by hand.
The cell format (see CONTRIBUTING.md, "Exercises"):

- an **answer cell**: tag ``answer``, metadata ``{"nnlib": {"exercise": "ex1"}}``; the
  part the student writes sits between the lines ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``;
- **check cells**: tag ``check`` (visible: the stored output is the target), or tags
  ``check`` and ``hidden`` (dropped from the student version, run by the grader);
  metadata ``{"nnlib": {"exercise": "ex1", "points": 1}}``.

Compatible extensions: a check cell may carry ``"hint"`` in its ``nnlib`` metadata (the hint of
its reports that have none of their own; see :func:`nnlib.grade.grader.check_result`), an answer
cell ``"forbidden"`` (nnlib functions absent while the answer is graded) and
``"partial"``, and any cell tagged ``solution`` (a markdown cell that discusses the answer, say)
is dropped from the student version. A transfer exercise marks its (first) answer cell with
``"kind"``: ``"predict"`` (commit to a number or a choice before a later cell shows it),
``"change"`` (backprop or an update rule for something the chapter did not do) or ``"bug"`` (fix
a given backward pass or training step); tests/test_transfer_exercises.py counts them. The cell
of a "predict" exercise that runs the experiment is tagged ``reveal``: the student version keeps
its code and drops its output.

The student version differs from the solution in three more ways: the title "# Solutions N."
becomes "# Exercises N.", an answer cell with forbidden helpers says so in a first comment line,
and every visible check (whose cell ends with ``report()`` calls, :mod:`nnlib.grade.verdict`)
keeps its stored outputs, gets the values the reference reports as comments at the end of its
source, and holds them as plain data in ``metadata.nnlib.expected`` (for self-checking without
the solutions).

Instructor command (from the repository root)::

    python -m nnlib.exercises            # regenerate every exercises/NN_topic.ipynb
    python -m nnlib.exercises --check    # exit 1 if a committed exercise notebook is stale

The output is deterministic (same bytes on every run), so a test can assert that
regenerating reproduces the committed exercises exactly. ``nnlib.grade.grader`` uses
:func:`exercise_cells` to find what to grade.
"""

__all__ = ["ANSWER", "BEGIN", "CHECK", "END", "HIDDEN", "REVEAL", "SET_NAME", "SOLUTION_ONLY", "STUDENT_NNLIB_KEYS",
           "cell_role", "default_root", "exercise_cells", "exercise_name", "forbidden_of", "generate", "main",
           "make_exercise", "read_notebook", "render", "solution_files", "source_of", "stub_source",
           "student_title", "tags"]

import argparse
import copy
import json
import re
import sys
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"

#: the tags of the format, and the extension tag for solution-only cells
ANSWER, CHECK, HIDDEN, SOLUTION_ONLY = "answer", "check", "hidden", "solution"

#: a plain code cell tagged ``reveal`` runs what a "predict, then run" exercise asked the student to
#: predict: the student version keeps its code but not its output (which would give the answer away)
REVEAL = "reveal"

#: the keys of ``cell.metadata["nnlib"]`` that the student version keeps
STUDENT_NNLIB_KEYS = ("exercise", "points", "hint", "forbidden")

#: The pattern of an exercise set's name, two digits, underscore, lower-case words (``05_backpropagation``).
SET_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


# --------------------------------------------------------------------------- reading


def source_of(cell):
    """A cell's source as one string (the JSON may store a list of lines)."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    return source if isinstance(source, str) else ""


def read_notebook(path):
    """A notebook as plain dicts (json), without nbformat: grading imports it on every run,
    and nbformat's validator (jsonschema) costs a third of a second. Raises ValueError."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path} as a notebook: {exc}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"cannot read {path} as a notebook: it has no list of cells (nbformat 4 needed)")
    return nb


def _metadata(cell):
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    return meta if isinstance(meta, dict) else {}


def tags(cell):
    """The cell's tags as a set (missing or malformed tags give the empty set)."""
    value = _metadata(cell).get("tags", [])
    return {t for t in value if isinstance(t, str)} if isinstance(value, list) else set()


def cell_role(cell):
    """'answer', 'check', 'hidden' (a hidden check) or None for any other cell."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    t = tags(cell)
    if ANSWER in t:
        return "answer"
    if CHECK in t:
        return "hidden" if HIDDEN in t else "check"
    return None


def _nnlib_meta(cell):
    meta = _metadata(cell).get("nnlib", {})
    return meta if isinstance(meta, dict) else {}


def exercise_name(cell):
    """The exercise a cell belongs to (``metadata.nnlib.exercise``), or None."""
    name = _nnlib_meta(cell).get("exercise")
    return name if isinstance(name, str) and name else None


def _points(cell, where):
    points = _nnlib_meta(cell).get("points", 0)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise ValueError(f"{where}: metadata nnlib.points must be a number >= 0, got {points!r}")
    return points


def forbidden_of(cell):
    """The nnlib functions an answer may not call (``metadata.nnlib.forbidden``, a list of
    qualified names such as ``"nnlib.layers.Dense.backward"``)."""
    value = _nnlib_meta(cell).get("forbidden", [])
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.startswith(("nnlib.", "sympy."))
            and v.replace(".", "").replace("_", "").isalnum()]


def exercise_cells(nb, where="notebook", markers=True):
    """The exercises of a solution notebook, in order of first appearance.

    Returns ``{name: {"answers": [cell index, ...], "checks": [(cell index, points,
    hidden), ...], "points": total}}``, indices into ``nb["cells"]``. The points of an
    exercise are the sum over its check cells (and its answer cells, if an author put
    points there). ``markers=False`` accepts answer cells without the solution markers (a
    student's filled-in notebook, for self-checking) and exercises without a check cell (in a student's
    notebook an exercise checked only by the grader, such as a prediction, has none). Raises ValueError when
    a tagged cell has no exercise name, an exercise has no answer or (with markers) no check cell, or an
    answer cell lacks its markers.
    """
    table = {}
    for i, cell in enumerate(nb["cells"]):
        role = cell_role(cell)
        if role is None:
            continue
        label = f"{where}, cell {i} (tag {role!r})"
        name = exercise_name(cell)
        if name is None:
            raise ValueError(f"{label}: needs metadata {{\"nnlib\": {{\"exercise\": \"exN\"}}}}, got {_metadata(cell)!r}")
        entry = table.setdefault(name, {"answers": [], "checks": [], "points": 0})
        entry["points"] += _points(cell, label)
        if role == "answer":
            if markers and (BEGIN not in source_of(cell) or END not in source_of(cell)):
                raise ValueError(f"{label}: an answer cell needs the lines {BEGIN!r} and {END!r}")
            entry["answers"].append(i)
        else:
            entry["checks"].append((i, _points(cell, label), role == "hidden"))
    for name, entry in table.items():
        if not entry["answers"]:
            raise ValueError(f"{where}: exercise {name!r} has check cells but no answer cell")
        if not entry["checks"] and markers:
            raise ValueError(f"{where}: exercise {name!r} has an answer cell but no check cell")
    return table


# --------------------------------------------------------------------------- stubs


def stub_source(source, exercise="this exercise"):
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block by a stub.

    The stub keeps the indentation of the BEGIN line, so a stub inside a ``def`` is valid:

        def f(x):                       def f(x):
            ### BEGIN SOLUTION    ->        # YOUR CODE HERE (replace the next line)
            return 2 * x                    raise NotImplementedError("ex1: write your answer here")
            ### END SOLUTION
    """
    lines = source.splitlines()
    out, inside = [], False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"{exercise}: line {number}: {BEGIN!r} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE (replace the next line)")
            out.append(f"{indent}raise NotImplementedError({exercise + ': write your answer here'!r})")
        elif stripped == END:
            if not inside:
                raise ValueError(f"{exercise}: line {number}: {END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{exercise}: {BEGIN!r} without {END!r}")
    return "\n".join(out)


# --------------------------------------------------------------------------- generating


def _student_metadata(cell, role):
    """Keep only what a student needs: tags (minus 'hidden') and nnlib.{exercise, points, hint}."""
    meta = {}
    t = _metadata(cell).get("tags")
    if isinstance(t, list) and t:
        meta["tags"] = list(t)
    nn_meta = {k: v for k, v in _nnlib_meta(cell).items() if k in STUDENT_NNLIB_KEYS}
    if nn_meta:
        meta["nnlib"] = nn_meta
    if role == "check":
        # Jupyter then refuses to edit or delete the check cell (the grader never
        # uses the submitted check cells anyway: this is a courtesy to the student)
        meta["editable"] = False
        meta["deletable"] = False
    return meta


def _clean_outputs(outputs):
    """Outputs without metadata, consecutive stdout (stderr) pieces joined into one:
    the kernel may split one print into several messages, differently on each run."""
    cleaned = []
    for out in outputs:
        out = copy.deepcopy(out)
        if "metadata" in out:
            out["metadata"] = {}
        previous = cleaned[-1] if cleaned else None
        if (out.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == out.get("name")):
            previous["text"] = _text(previous["text"]) + _text(out["text"])
            continue
        cleaned.append(out)
    return cleaned


def _text(text):
    return "".join(text) if isinstance(text, list) else text


def make_exercise(solution, set_name):
    """The student notebook for a solution notebook (a new NotebookNode).

    Answer cells: solution blocks replaced by stubs, no outputs, execution_count None.
    Visible check cells: kept with their stored outputs (the target). Hidden check
    cells and cells tagged 'solution': dropped. Cell ids are kept, so the grader can
    match a submission's answer cells to the reference by id.
    """
    import nbformat  # only here: grading does not need it

    exercise_cells(solution, where=set_name)  # validate the format first
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    kernelspec = solution.metadata.get("kernelspec") or {
        "name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata = {
        "kernelspec": dict(kernelspec),
        "language_info": {"name": "python"},
        "nnlib": {
            "exercise_set": set_name,
            "generated_from": f"solutions/{set_name}.ipynb",
            "note": "generated by `python -m nnlib.exercises`; do not edit by hand",
        },
    }
    first_markdown = next((i for i, c in enumerate(solution.cells) if c.cell_type == "markdown"), None)
    for i, cell in enumerate(solution.cells):
        t = tags(cell)
        if HIDDEN in t or SOLUTION_ONLY in t:
            continue
        if not cell.get("id"):
            raise ValueError(
                f"{set_name}: cell {i} has no id; store the solution as nbformat 4.5 "
                "(nbformat.validator.normalize or re-saving in Jupyter adds ids)"
            )
        role = cell_role(cell)
        new = nbformat.NotebookNode(
            cell_type=cell.cell_type,
            id=cell["id"],
            metadata=_student_metadata(cell, role),
            source=cell.source,
        )
        if cell.cell_type == "markdown" and i == first_markdown:
            new.source = student_title(cell.source)
        if cell.cell_type == "code":
            if role == "answer":
                new.source = stub_source(cell.source, exercise_name(cell))
                if forbidden_of(cell):
                    new.source = (f"# While this answer is graded it cannot call {', '.join(forbidden_of(cell))}:"
                                  " the exercise asks you to write it.\n" + new.source)
                new.outputs, new.execution_count = [], None
            elif REVEAL in t:
                new.outputs, new.execution_count = [], None
            else:
                new.outputs = _clean_outputs(cell.get("outputs", []))
                new.execution_count = cell.get("execution_count")
                if role == "check":
                    expected = _reported(cell.get("outputs", []))  # (the cleaned outputs have no metadata)
                    if expected:  # for self-checking without the solutions (python -m nnlib.grade)
                        new.metadata.setdefault("nnlib", {})["expected"] = expected
                    # the expected values stay visible after the student runs the check (which
                    # replaces the stored output with what their code reports)
                    new.source = (cell.source.rstrip("\n") + _expected_comment(cell.get("outputs", []))).rstrip("\n")
        elif "attachments" in cell:
            new.attachments = copy.deepcopy(cell.attachments)
        nb.cells.append(new)
    nbformat.validate(nb)
    return nb


def _reported(outputs):
    """[[key, plain value], ...] that a check cell's stored outputs hold (see nnlib.grade.verdict)."""
    from .verdict import MIME

    found = []
    for out in outputs:
        meta = out.get("metadata", {}) if out.get("output_type") == "display_data" else {}
        if isinstance(meta, dict) and isinstance(meta.get(MIME), dict):
            found.append([meta[MIME].get("key"), meta[MIME].get("value")])
    return found


def _expected_comment(outputs):
    """Comment lines with what a visible check reports for the reference solution."""
    from .verdict import MIME

    lines = []
    for out in outputs:
        meta = out.get("metadata", {}) if out.get("output_type") == "display_data" else {}
        if isinstance(meta, dict) and MIME in meta:
            text = out.get("data", {}).get("text/plain", "")
            lines.append("".join(text) if isinstance(text, list) else text)
    if not lines:
        return "\n"
    return "\n# expected (the reference solution reports):\n" + "".join(f"#   {line}\n" for line in lines)


def student_title(source):
    """The title of the student notebook: a solution's "# Solutions N. Topic" becomes
    "# Exercises N. Topic" (the rest of the cell is kept)."""
    return re.sub(r"\A# Solutions (\d+)\.", r"# Exercises \1.", source)


def render(nb):
    """The notebook as text: nbformat's stable JSON (sorted keys, indent 1) plus a newline."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def default_root():
    """The repository root: the folder above the nnlib package if it holds solutions/,
    else the current directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "solutions").is_dir() else Path.cwd()


def solution_files(solutions_dir):
    """Every ``NN_topic.ipynb`` in the solutions folder, sorted by name."""
    return sorted(p for p in Path(solutions_dir).glob("*.ipynb") if SET_NAME.match(p.stem))


def generate(solutions_dir, exercises_dir, check=False, names=None, out=sys.stdout):
    """Regenerate (or with check=True only compare) every exercise notebook.

    Returns the list of exercise paths that differ from what the solutions generate
    (in check mode) or that were rewritten. Exercise notebooks without a solution
    count as stale.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stale = []
    sources = solution_files(solutions_dir)
    if names:
        wanted = {Path(n).stem for n in names}
        sources = [p for p in sources if p.stem in wanted]
        missing = wanted - {p.stem for p in sources}
        if missing:
            raise ValueError(f"no solution notebook for {sorted(missing)} in {solutions_dir}")
    for src in sources:
        import nbformat

        solution = nbformat.read(src, as_version=4)
        text = render(make_exercise(solution, src.stem))
        target = exercises_dir / src.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            print(f"up to date  {target}", file=out)
            continue
        stale.append(target)
        if check:
            print(f"STALE       {target} (differs from what {src} generates)", file=out)
        else:
            exercises_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote       {target}", file=out)
    if not names and exercises_dir.is_dir():
        known = {p.name for p in sources}
        for orphan in sorted(exercises_dir.glob("*.ipynb")):
            if orphan.name not in known:
                stale.append(orphan)
                print(f"ORPHAN      {orphan} (no solutions/{orphan.name}; delete it)", file=out)
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.exercises",
        description="Generate exercises/NN_topic.ipynb from solutions/NN_topic.ipynb.",
    )
    parser.add_argument("names", nargs="*", help="exercise sets to generate (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a committed exercise notebook is stale")
    parser.add_argument("--root", type=Path, default=None,
                        help="repository root holding solutions/ and exercises/ (default: auto)")
    args = parser.parse_args(argv)
    root = args.root or default_root()
    try:
        stale = generate(root / "solutions", root / "exercises", check=args.check, names=args.names)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check and stale:
        print(f"{len(stale)} exercise notebook(s) stale: run `python -m nnlib.exercises`", file=sys.stderr)
        return 1
    return 0

