"""Design rules: the numeric core imports numpy only; forward and backward are vectorised."""

import subprocess
import sys

import numpy as np

import nnlib as nn


def test_numeric_core_imports_only_numpy():
    code = (
        "import sys, nnlib; "
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'nbformat', 'nbval', 'sklearn', 'scipy', 'sympy') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def count_lines_executed(fn):
    """Python lines run inside nnlib while fn() runs (numpy's C loops are not counted)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if "nnlib" in frame.f_code.co_filename:
            if event == "line":
                count += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_forward_and_backward_do_not_loop_over_samples():
    rng = np.random.default_rng(0)
    net = nn.mlp([3, 8, 8, 2], hidden="relu", output="softmax", rng=rng)
    loss = nn.CCE()

    def step(n):
        X = rng.normal(size=(n, 3))
        Y = nn.datasets.one_hot(rng.integers(0, 2, size=n), 2)
        return lambda: net.backward(loss.gradient(net.forward(X), Y))

    small, large = count_lines_executed(step(2)), count_lines_executed(step(500))
    assert small > 0
    assert large == small


def test_the_package_loads_its_names_on_first_use():
    """``import nnlib`` alone loads no numpy (the grading command starts fast); a name loads it."""
    code = (
        "import sys, nnlib; before = 'numpy' in sys.modules; "
        "from nnlib import Dense; import nnlib as nn; nn.datasets; "
        "print(before, 'numpy' in sys.modules, Dense.__module__, sorted(nn.__all__) == nn.__all__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "nnlib.layers", "True"]
    try:
        nn.no_such_name
    except AttributeError as error:
        assert "no attribute 'no_such_name'" in str(error)
    else:
        raise AssertionError("a missing name must raise AttributeError")


CORE_MODULES = {"_validation", "activations", "callbacks", "datasets", "diagnostics", "gradcheck", "initializers",
                "layers", "losses", "metrics", "network", "normalization", "optimizers", "parameter",
                "perceptron", "regularization", "residual", "search", "serialization", "splits", "training"}
SUBPACKAGES = {"chapters", "plots", "explorers", "grade", "exercises", "bench"}


def test_the_top_level_holds_the_numeric_core_only():
    """nnlib/*.py is the library a student reads; chapter helpers and tooling live in subpackages."""
    from pathlib import Path

    root = Path(nn.__file__).parent
    modules = {p.stem for p in root.glob("*.py")} - {"__init__"}
    assert modules == CORE_MODULES, sorted(modules ^ CORE_MODULES)
    folders = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == SUBPACKAGES, sorted(folders ^ SUBPACKAGES)


def test_no_upward_imports():
    """The core imports no subpackage; chapters/ and plots/ import neither the explorers nor the grader."""
    import ast
    from pathlib import Path

    root = Path(nn.__file__).parent
    above = {"core": ("chapters", "plots", "explorers", "grade", "exercises", "bench"),
             "chapters": ("plots", "explorers", "grade", "exercises", "bench"),
             "plots": ("explorers", "grade", "exercises", "bench")}
    offences = []
    for layer, forbidden in above.items():
        files = sorted(root.glob("*.py")) if layer == "core" else sorted((root / layer).glob("*.py"))
        for path in files:
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:  # relative: resolve against the file's package
                        package = [] if layer == "core" else [layer]
                        package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                        base = ".".join(["nnlib", *package, *([base] if base else [])])
                    names = [base] + [f"{base}.{alias.name}" for alias in node.names]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "nnlib" and len(parts) > 1 and parts[1] in forbidden:
                        offences.append(f"{path.relative_to(root)} imports {name}")
    assert not offences, offences


def test_the_readme_fits_on_two_screens_and_opens_with_the_two_commands():
    """Issue 20: a newcomer reads the README in two minutes; the rest lives where its readers look."""
    from pathlib import Path

    root = Path(nn.__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 80, f"README.md has {len(readme.splitlines())} lines (two screens: 80)"
    install = "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt"
    first_block = readme.split("```")[1]
    assert f"{install} && jupyter-book build ." in first_block
    assert f"{install} && python -m pytest" in first_block
    for where in ("CONTRIBUTING.md", "book/appendix_instructors.md", "python -m nnlib.grade exercises/"):
        assert where in readme, f"README.md does not mention {where}"
    assert (root / "book" / "appendix_instructors.md").exists()


def test_the_intro_states_the_library_size_it_has():
    """The intro's line counts (core, whole package, the six modules to read first) stay within 10 %."""
    import re
    from pathlib import Path

    root = Path(nn.__file__).parent
    intro = re.sub(r"\s+", " ", (root.parent / "book" / "intro.md").read_text())
    lines = lambda paths: sum(len(p.read_text().splitlines()) for p in paths)  # noqa: E731
    first_six = ["activations", "layers", "losses", "network", "optimizers", "training"]
    actual = {"core": lines(root.glob("*.py")), "package": lines(root.rglob("*.py")),
              "first six": lines(root / f"{m}.py" for m in first_six)}
    stated = [int(n.replace(",", "")) for n in re.findall(r"about ([\d,]+) lines", intro)]
    assert len(stated) == 3, f"expected three 'about N lines' in the intro, found {stated}"
    for (what, real), said in zip(actual.items(), stated):
        assert abs(said - real) <= 0.1 * real, f"the intro says the {what} is about {said} lines; it is {real}"
