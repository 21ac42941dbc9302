"""The exercise generator (nnlib/exercises.py) and the format of every solution notebook.

No kernel runs here: these tests read and write JSON only. The grading of every
solution and exercise notebook is in tests/test_grader.py.
"""

import ast
import json
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest

from nnlib import exercises as ex

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ex.solution_files(ROOT / "solutions")
EXERCISES_DIR = ROOT / "exercises"


def read(path):
    return nbformat.read(path, as_version=4)


def small_solution():
    """A two-exercise solution notebook built in memory (with stored outputs)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}

    def code(source, tags=(), nnlib=None, outputs=(), count=None, cell_id=None):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = cell_id or f"cell-{len(nb.cells)}"
        if tags:
            cell.metadata["tags"] = list(tags)
        if nnlib:
            cell.metadata["nnlib"] = nnlib
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
        cell.execution_count = count
        nb.cells.append(cell)

    md = nbformat.v4.new_markdown_cell("# Exercises\n\nExercise 1: write `double`.")
    md.id = "intro"
    nb.cells.append(md)
    code("import math", outputs=(), count=1)
    code(textwrap.dedent('''\
        def double(x):
            """Return 2 x."""
            ### BEGIN SOLUTION
            y = 2 * x
            return y
            ### END SOLUTION
        '''), tags=["answer"], nnlib={"exercise": "ex1", "author_note": "keep"}, count=2)
    code("print(double(2))", tags=["check"], nnlib={"exercise": "ex1", "points": 1, "hint": "2 x"},
         outputs=["4\n"], count=3)
    code("print(double(5))", tags=["check", "hidden"], nnlib={"exercise": "ex1", "points": 2},
         outputs=["10\n"], count=4)
    code("### BEGIN SOLUTION\nanswer = {1, 2}\n### END SOLUTION", tags=["answer"],
         nnlib={"exercise": "ex2"}, outputs=["unexpected\n"], count=5)
    code("print(sorted(answer) == [1, 2])", tags=["check", "hidden"], nnlib={"exercise": "ex2", "points": 1},
         outputs=["True\n"], count=6)
    discussion = nbformat.v4.new_markdown_cell("Why: because.")
    discussion.id = "why"
    discussion.metadata["tags"] = ["solution"]
    nb.cells.append(discussion)
    return nb


# --------------------------------------------------------------------------- stubs


def test_stub_keeps_indentation_and_the_rest_of_the_cell():
    src = "def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\nprint('after')"
    stub = ex.stub_source(src, "ex1")
    assert "return 2 * x" not in stub
    assert "    raise NotImplementedError('ex1: write your answer here')" in stub
    assert stub.startswith("def f(x):\n    '''Doc.'''\n    # YOUR CODE HERE") and stub.endswith("print('after')")
    ast.parse(stub)  # valid Python
    namespace = {}
    exec(compile(stub.replace("print('after')", ""), "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="ex1"):
        namespace["f"](1)


def test_stub_handles_several_blocks_and_top_level_answers():
    src = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\nif b:\n    ### BEGIN SOLUTION\n    c = 3\n    ### END SOLUTION\n"
    stub = ex.stub_source(src, "ex3")
    ast.parse(stub)
    assert stub.count("raise NotImplementedError") == 2 and "a = 1" not in stub and "c = 3" not in stub
    assert "b = 2" in stub


@pytest.mark.parametrize("src", [
    "### BEGIN SOLUTION\nx = 1\n",
    "x = 1\n### END SOLUTION\n",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
])
def test_unbalanced_markers_are_an_error(src):
    with pytest.raises(ValueError, match="ex9"):
        ex.stub_source(src, "ex9")


# --------------------------------------------------------------------------- generation


def test_generated_notebook_drops_hidden_and_keeps_visible_targets():
    solution = small_solution()
    nb = ex.make_exercise(solution, "99_demo")
    ids = [c.id for c in nb.cells]
    # hidden checks and 'solution' cells gone; the cell that loads the check magic after the first code cell
    assert ids == ["intro", "cell-1", "nnlib-verdict", "cell-2", "cell-3", "cell-5"]
    assert nb.cells[2].source.startswith("%load_ext nnlib.grade.verdict")
    by_id = {c.id: c for c in nb.cells}
    answer = by_id["cell-2"]
    assert answer.outputs == [] and answer.execution_count is None
    assert "y = 2 * x" not in answer.source and "raise NotImplementedError" in answer.source
    assert by_id["cell-5"].outputs == [] and "answer = {1, 2}" not in by_id["cell-5"].source
    check = by_id["cell-3"]
    # the check prints its verdict, expected and got: the expected answer is in its output and its source
    assert check.source == "%%nnlib_check\nprint(double(2))\n# expected output:\n# 4"
    assert check.outputs[0]["text"] == "  = 4\ncheck: passed (1 line as expected)\n" and check.execution_count == 3
    assert check.metadata == {"tags": ["check"], "nnlib": {"exercise": "ex1", "points": 1, "hint": "2 x"},
                              "editable": False, "deletable": False}
    assert answer.metadata == {"tags": ["answer"], "nnlib": {"exercise": "ex1"}}  # no author notes
    text = ex.render(nb)
    assert "execution" not in json.loads(text)["cells"][1]["metadata"] and "2026-01-01" not in text
    assert "10\n" not in text and "hidden" not in text and "because" not in text
    assert json.loads(text)["metadata"]["nnlib"]["exercise_set"] == "99_demo"


def test_the_title_and_the_forbidden_helpers_are_said_in_the_student_version():
    solution = small_solution()
    solution.cells[0].source = "# Solutions 99. Demo\n\nExercise 1: write `double`."
    solution.cells[2].metadata["nnlib"]["forbidden"] = ["nnlib.activations.relu"]
    nb = ex.make_exercise(solution, "99_demo")
    assert nb.cells[0].source == "# Exercises 99. Demo\n\nExercise 1: write `double`."
    answer = next(c for c in nb.cells if c.id == "cell-2")
    assert answer.source.startswith("# While this answer is graded it cannot call nnlib.activations.relu")
    assert answer.metadata["nnlib"]["forbidden"] == ["nnlib.activations.relu"]


def test_the_verdict_shows_expected_and_got():
    from nnlib.grade import verdict

    code, expected = verdict.split_cell(verdict.check_cell_source("print(1)\nprint(2)", "a = 1\nb = 2\n")[14:])
    assert code == "print(1)\nprint(2)\n" and expected == "a = 1\nb = 2\n"
    text = verdict.verdict_text("a = 1\nb = 2\n", "a = 1\nb = 3\n")
    assert text == "  = a = 1\n  expected: b = 2\n  got:      b = 3\ncheck: NOT YET, 1 of 2 lines differ\n"
    assert verdict.verdict_text("x\n", "").endswith("check: NOT YET, 1 of 1 lines differ\n")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_are_titled_solutions(path):
    title = read(path).cells[0].source.splitlines()[0]
    assert title.startswith(f"# Solutions {int(path.stem[:2])}. "), title
    student = read(EXERCISES_DIR / path.name).cells[0].source.splitlines()[0]
    assert student == title.replace("# Solutions", "# Exercises", 1)


def test_split_stream_outputs_are_joined():
    solution = small_solution()
    check = next(c for c in solution.cells if c.id == "cell-3")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("4", "\n", "ok\n")]
    nb = ex.make_exercise(solution, "99_demo")
    outputs = next(c for c in nb.cells if c.id == "cell-3").outputs
    # one stream: the verdict of the joined text "4\nok\n" (a split text would give three lines)
    assert len(outputs) == 1 and outputs[0]["text"] == "  = 4\n  = ok\ncheck: passed (2 lines as expected)\n"


def test_generation_is_deterministic():
    a = ex.render(ex.make_exercise(small_solution(), "99_demo"))
    b = ex.render(ex.make_exercise(nbformat.reads(nbformat.writes(small_solution()), 4), "99_demo"))
    assert a == b and a.endswith("}\n")


def test_malformed_solutions_are_rejected():
    nb = small_solution()
    nb.cells[2].source = "def double(x):\n    return 2 * x"  # no markers
    with pytest.raises(ValueError, match="BEGIN SOLUTION"):
        ex.exercise_cells(nb)
    nb = small_solution()
    del nb.cells[3].metadata["nnlib"]
    with pytest.raises(ValueError, match="exercise"):
        ex.exercise_cells(nb)
    nb = small_solution()
    nb.cells = [c for c in nb.cells if c.id not in ("cell-3", "cell-4")]
    with pytest.raises(ValueError, match="no check cell"):
        ex.exercise_cells(nb)
    nb = small_solution()
    nb.cells[3].metadata["nnlib"]["points"] = -1
    with pytest.raises(ValueError, match="points"):
        ex.exercise_cells(nb)


def test_exercise_table_sums_points():
    table = ex.exercise_cells(small_solution())
    assert list(table) == ["ex1", "ex2"]
    assert table["ex1"]["points"] == 3 and table["ex2"]["points"] == 1
    assert [hidden for _, _, hidden in table["ex1"]["checks"]] == [False, True]


def test_check_mode_reports_stale_and_orphan_notebooks(tmp_path):
    (tmp_path / "solutions").mkdir()
    nbformat.write(small_solution(), tmp_path / "solutions" / "99_demo.ipynb")
    assert ex.main(["--root", str(tmp_path), "--check"]) == 1  # nothing generated yet
    assert ex.main(["--root", str(tmp_path)]) == 0
    generated = (tmp_path / "exercises" / "99_demo.ipynb").read_text(encoding="utf-8")
    assert ex.main(["--root", str(tmp_path), "--check"]) == 0
    (tmp_path / "exercises" / "99_demo.ipynb").write_text(generated.replace("4\\n", "5\\n"), encoding="utf-8")
    assert ex.main(["--root", str(tmp_path), "--check"]) == 1  # hand-edited
    assert ex.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "exercises" / "99_demo.ipynb").read_text(encoding="utf-8") == generated
    shutil.copy(tmp_path / "exercises" / "99_demo.ipynb", tmp_path / "exercises" / "98_orphan.ipynb")
    assert ex.main(["--root", str(tmp_path), "--check"]) == 1


# --------------------------------------------------------------------------- the committed notebooks


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_regenerating_reproduces_the_committed_exercises(path):
    committed = EXERCISES_DIR / path.name
    assert committed.exists(), f"{committed} missing: run `python -m nnlib.exercises`"
    assert committed.read_text(encoding="utf-8") == ex.render(ex.make_exercise(read(path), path.stem)), (
        f"{committed} differs from what {path} generates: run `python -m nnlib.exercises`"
    )


def test_no_exercise_notebook_without_a_solution():
    solutions = {p.name for p in SOLUTIONS}
    orphans = [p.name for p in EXERCISES_DIR.glob("*.ipynb") if p.name not in solutions]
    assert not orphans


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_follows_the_exercise_format(path):
    nb = read(path)
    table = ex.exercise_cells(nb, where=path.name)
    assert 3 <= len(table) <= 6, f"{path.name}: {len(table)} exercises (3 to 6 wanted)"
    for name, entry in table.items():
        assert entry["points"] > 0, f"{path.name} {name}: no points"
        for index, _, hidden in entry["checks"]:
            cell = nb.cells[index]
            assert cell.execution_count is not None and cell.outputs, (
                f"{path.name} {name}: check cell {index} is not stored executed with an output")
            assert not any(o.output_type == "error" for o in cell.outputs), f"{path.name} {name}: check raises"
        # a visible check can be forged by printing its text: a hidden check must back it
        assert any(hidden for _, _, hidden in entry["checks"]), f"{path.name} {name}: no hidden check"
        assert all(nb.cells[i].get("id") for i in entry["answers"]), f"{path.name} {name}: answer cell without id"
