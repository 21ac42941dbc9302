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


def _report_output(key, value):
    """The display_data output that report(key, value) stores in a notebook."""
    from nnlib.grade import verdict

    data = verdict.plain(value)
    return nbformat.v4.new_output("display_data", data={"text/plain": f"{key} = {verdict.show(data)}"},
                                  metadata={verdict.MIME: {"key": key, "value": data}})


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
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) if isinstance(t, str) else t
                        for t in outputs]
        cell.execution_count = count
        nb.cells.append(cell)

    md = nbformat.v4.new_markdown_cell("# Exercises\n\nExercise 1: write `double`.")
    md.id = "intro"
    nb.cells.append(md)
    code("import math\n%load_ext nnlib.grade.verdict", outputs=(), count=1)
    code(textwrap.dedent('''\
        def double(x):
            """Return 2 x."""
            ### BEGIN SOLUTION
            y = 2 * x
            return y
            ### END SOLUTION
        '''), tags=["answer"], nnlib={"exercise": "ex1", "author_note": "keep"}, count=2)
    code('report("double(2)", double(2), hint="2 x")', tags=["check"], nnlib={"exercise": "ex1", "points": 1},
         outputs=[_report_output("double(2)", 4)], count=3)
    code('report("double(5)", double(5))', tags=["check", "hidden"], nnlib={"exercise": "ex1", "points": 2},
         outputs=[_report_output("double(5)", 10)], count=4)
    code("### BEGIN SOLUTION\nanswer = {1, 2}\n### END SOLUTION", tags=["answer"],
         nnlib={"exercise": "ex2"}, outputs=["unexpected\n"], count=5)
    code('report("answer", sorted(answer))', tags=["check", "hidden"], nnlib={"exercise": "ex2", "points": 1},
         outputs=[_report_output("answer", [1, 2])], count=6)
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
    # hidden checks and 'solution' cells gone
    assert ids == ["intro", "cell-1", "cell-2", "cell-3", "cell-5"]
    by_id = {c.id: c for c in nb.cells}
    answer = by_id["cell-2"]
    assert answer.outputs == [] and answer.execution_count is None
    assert "y = 2 * x" not in answer.source and "raise NotImplementedError" in answer.source
    assert by_id["cell-5"].outputs == [] and "answer = {1, 2}" not in by_id["cell-5"].source
    check = by_id["cell-3"]
    # the check keeps report() and shows what the reference reports, in its source and its stored output
    assert check.source == ('report("double(2)", double(2), hint="2 x")\n'
                            "# expected (the reference solution reports):\n#   double(2) = 4")
    assert check.outputs[0]["data"]["text/plain"] == "double(2) = 4" and check.execution_count == 3
    # and the values to expect, for self-checking without the solutions (python -m nnlib.grade)
    assert check.metadata == {"tags": ["check"], "nnlib": {"exercise": "ex1", "points": 1, "expected": [["double(2)", 4]]},
                              "editable": False, "deletable": False}
    assert answer.metadata == {"tags": ["answer"], "nnlib": {"exercise": "ex1"}}  # no author notes
    text = ex.render(nb)
    assert "execution" not in json.loads(text)["cells"][1]["metadata"] and "2026-01-01" not in text
    assert "double(5)" not in text and "hidden" not in text and "because" not in text
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


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_are_titled_solutions(path):
    title = read(path).cells[0].source.splitlines()[0]
    assert title.startswith(f"# Solutions {int(path.stem[:2])}. "), title
    student = read(EXERCISES_DIR / path.name).cells[0].source.splitlines()[0]
    assert student == title.replace("# Solutions", "# Exercises", 1)


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
    (tmp_path / "exercises" / "99_demo.ipynb").write_text(generated.replace("double(2) = 4", "double(2) = 5"), encoding="utf-8")
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
    assert 3 <= len(table) <= 8, f"{path.name}: {len(table)} exercises (3 to 8 wanted: up to six, and the transfer items)"
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


# --------------------------------------------------------------------------- the check protocol (issue 22)


def _check_cells(path):
    nb = read(path)
    table = ex.exercise_cells(nb, where=path.name)
    for name, entry in table.items():
        for index, _, hidden in entry["checks"]:
            yield name, index, hidden, nb.cells[index]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_check_cells_report_values_and_decide_nothing(path):
    """Every check cell sends values with report() (literal options the grader can read), and none
    asserts, prints or compares with an expected value inside the kernel."""
    from nnlib.grade import checks

    for name, index, hidden, cell in _check_cells(path):
        where = f"{path.name} {name} cell {index}"
        tree = ast.parse(cell.source)
        assert checks.report_calls(cell.source), f"{where}: a check cell must call report()"
        checks.report_options(cell.source)  # literal options, one set per key (raises otherwise)
        assert not any(isinstance(n, ast.Assert) for n in ast.walk(tree)), f"{where}: assert in a check cell"
        calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
        names = {f.id for f in calls if isinstance(f, ast.Name)} | {f.attr for f in calls if isinstance(f, ast.Attribute)}
        assert "print" not in names, f"{where}: print in a check cell (report the value instead)"
        assert not {"allclose", "isclose", "assert_allclose"} & names, f"{where}: compares inside the kernel"
        kinds = {o.output_type for o in cell.outputs}
        assert kinds == {"display_data"}, f"{where}: stored outputs {kinds} (re-execute the solution)"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_check_cells_do_not_call_the_helpers_their_exercise_forbids(path):
    nb = read(path)
    table = ex.exercise_cells(nb, where=path.name)
    for name, entry in table.items():
        forbidden = {q.split(".")[-1] for i in entry["answers"] for q in ex.forbidden_of(nb.cells[i])
                     if not q.endswith("__new__")}
        for index, _, _ in entry["checks"]:
            tree = ast.parse(nb.cells[index].source)
            # (the library's helper is reached as an attribute, nn.softmax; a bare name is the student's own)
            used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            assert not (forbidden & used), f"{path.name} {name}: check cell {index} uses {forbidden & used}"


#: What nnlib (or sympy) already has, for each exercise that asks for it: the answer could be one call of
#: these, so each must be declared in the answer cell's ``nnlib.forbidden``. Found by reading every exercise
#: against nnlib's API; the name rule in the test below catches new exercises whose function names match.
DELEGATIONS = {
    ("01_neuron_perceptron", "ex2"): ["nnlib.losses.PerceptronLoss"],
    ("01_neuron_perceptron", "ex4"): ["nnlib.losses.Hinge"],
    ("02_activations", "ex2"): ["nnlib.activations.softmax"],
    ("03_forward_propagation", "ex3"): ["nnlib.network.count_parameters"],
    ("04_losses", "ex2"): ["nnlib.losses.Huber"],
    ("04_losses", "ex3"): ["nnlib.losses.BinaryCrossEntropy"],
    ("07_softmax_backprop", "ex3"): ["nnlib.losses.CategoricalCrossEntropy"],
    ("09_optimizers", "ex1"): ["nnlib.optimizers.Adam"],
    ("09_optimizers", "ex2"): ["nnlib.optimizers.Momentum"],
    ("09_optimizers", "ex3"): ["nnlib.optimizers.RMSProp"],
    ("05_backpropagation", "ex1"): ["nnlib.layers.Dense.backward"],
    ("05_backpropagation", "ex4"): ["nnlib.gradcheck.numerical_gradient", "nnlib.gradcheck.relative_error"],
    ("06_backprop_worked_examples", "ex2"): ["nnlib.network.Sequential.backward"],
    ("07_softmax_backprop", "ex1"): ["nnlib.activations.softmax_jacobian"],
    ("07_softmax_backprop", "ex5"): ["nnlib.activations.log_softmax"],
    ("07_softmax_backprop", "ex6"): ["sympy.diff", "sympy.Expr.diff", "sympy.Derivative.__new__"],
    ("10_vanishing_gradients", "ex2"): ["nnlib.optimizers.clip_gradient_norm"],
    ("10_vanishing_gradients", "ex3"): ["nnlib.diagnostics.gradient_norms"],
    ("11_training_in_practice", "ex1"): ["nnlib.layers.Dropout"],
    ("11_training_in_practice", "ex2"): ["nnlib.splits.train_val_test_split"],
    ("11_training_in_practice", "ex3"): ["nnlib.regularization.l2_penalty", "nnlib.regularization.L2Regularized"],
    ("11_training_in_practice", "ex4"): ["nnlib.callbacks.EarlyStopping"],
    ("11_training_in_practice", "ex5"): ["nnlib.metrics.confusion_matrix"],
}


def _public_nnlib_names():
    """{lower-case name: qualified name} of the public functions and classes of nnlib's numeric core."""
    import importlib
    import inspect
    import pkgutil

    import nnlib

    out = {}
    for info in pkgutil.iter_modules(nnlib.__path__, "nnlib."):
        if info.ispkg or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)) \
                    and getattr(obj, "__module__", "") == info.name:
                out.setdefault(name.lower(), f"{info.name}.{obj.__name__}")  # an alias names its class
    return out


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_an_exercise_that_asks_for_what_nnlib_has_forbids_it(path):
    """An exercise whose answer could be one call of an nnlib function declares that function in
    ``nnlib.forbidden`` (so the graded kernel's nnlib does not have it): the known cases above, and any
    function the answer defines with the name of a public nnlib function or class."""
    nb = read(path)
    table = ex.exercise_cells(nb, where=path.name)
    public = _public_nnlib_names()
    for name, entry in table.items():
        declared = {q for i in entry["answers"] for q in ex.forbidden_of(nb.cells[i])}
        wanted = set(DELEGATIONS.get((path.stem, name), []))
        for i in entry["answers"]:
            for node in ast.parse(nb.cells[i].source).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.lower() in public:
                    wanted.add(public[node.name.lower()])
        missing = wanted - declared
        assert not missing, f"{path.name} {name}: the answer could call {sorted(missing)}; add it to nnlib.forbidden"
