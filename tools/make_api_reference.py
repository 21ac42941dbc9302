"""Write book/appendix_api.ipynb: one section per public nnlib module, its reference generated
from the docstrings by ``nnlib.apidoc`` when the notebook runs.

    python tools/make_api_reference.py
    python tools/execute_notebooks.py book/appendix_api.ipynb

Run it again when a module is added or removed: the notebook's last cell compares the list of
modules it documents with the modules that exist, and nbval fails when they differ.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nnlib.apidoc import public_modules

GROUPS = [
    ("The core", "What `import nnlib as nn` gives you: layers, losses, networks, optimisers, "
     "training and gradient checks.", lambda m: m.count(".") == 1 and m.split(".")[1] in {
        "activations", "layers", "losses", "network", "optimizers", "parameter", "training",
        "gradcheck", "initializers", "perceptron", "datasets", "examples"}),
    ("Figures", "Each chapter's plotting functions (matplotlib); each returns a Figure.",
     lambda m: m.startswith("nnlib.plots")),
    ("Explorers", "The chapters' interactive explorers (ipywidgets); they need a running Jupyter kernel.",
     lambda m: m.startswith("nnlib.explorers")),
    ("Exercises and grading", "Generating the student notebooks and grading them.",
     lambda m: m in {"nnlib.exercises", "nnlib.grade", "nnlib.grade_plugin"}),
    ("More modules", "The pieces individual chapters add: regularisation, splits, metrics, "
     "diagnostics, search and more.", lambda m: True),
]


def main():
    modules = [m for m in public_modules() if m != "nnlib"]
    cells = [new_markdown_cell("""# nnlib API reference

This page is generated from the docstrings of `nnlib`: every cell below imports a module and
prints the signature and docstring of each public function and class (and their public methods).
The test suite re-runs the page and compares it with what is stored here, so a docstring or
signature that changes without the page being regenerated fails the tests: the reference cannot
drift from the code. The docstrings give the formulas, the shapes, and the chapter that uses each
piece.

Conventions (see [the notation appendix](appendix_notation.md)): batch-first arrays, `X` of shape
`(n_samples, n_features)`; a `Dense` layer computes `X @ W + b` with `W` of shape `(n_in, n_out)`;
randomness always through an explicit `rng = np.random.default_rng(seed)`.""")]
    setup = new_code_cell("""from IPython.display import HTML, display

import nnlib
from nnlib.apidoc import module_reference, public_modules, top_level_names

documented = []


def show(name):
    documented.append(name)
    display(HTML(module_reference(name)))""")
    setup.metadata["tags"] = ["remove-input"]
    cells.append(setup)
    cells.append(new_markdown_cell("## `import nnlib as nn`\n\nThe names available directly as `nn.<name>`, "
                                   "and the module that defines each."))
    top = new_code_cell("""for name, module in top_level_names():
    print(f"nn.{name:<32} {module}")""")
    top.metadata["tags"] = ["remove-input"]
    cells.append(top)
    remaining = list(modules)
    for title, intro, belongs in GROUPS:
        chosen = [m for m in remaining if belongs(m)]
        remaining = [m for m in remaining if m not in chosen]
        if not chosen:
            continue
        cells.append(new_markdown_cell(f"## {title}\n\n{intro}"))
        for m in chosen:
            cells.append(new_markdown_cell(f"### `{m}`"))
            c = new_code_cell(f'show("{m}")')
            c.metadata["tags"] = ["remove-input"]
            cells.append(c)
    cells.append(new_markdown_cell("## Every module is documented\n\nThe cell below compares the modules "
                                   "documented on this page with the public modules of `nnlib`."))
    cells.append(new_code_cell("""missing = sorted(set(public_modules()) - set(documented) - {"nnlib"})
print("modules documented:", len(documented))
print("public modules not documented:", missing)"""))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(__file__).resolve().parent.parent / "book" / "appendix_api.ipynb"
    nbformat.write(nb, path)
    print(f"wrote {path} ({len(modules)} modules)")


if __name__ == "__main__":
    main()
