"""nnlib.apidoc, which generates the API reference appendix (book/appendix_api.ipynb)."""

from pathlib import Path

import nbformat

from nnlib import apidoc

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "appendix_api.ipynb"


def test_public_modules_skip_private_ones():
    modules = apidoc.public_modules()
    assert "nnlib.layers" in modules and "nnlib.plots.training" in modules
    assert not any(part.startswith("_") for m in modules for part in m.split("."))


def test_module_reference_lists_signatures_and_docstrings():
    text = apidoc.module_reference("nnlib.layers")
    assert "Dense(n_in, n_out, *, init=&#x27;xavier&#x27;, rng=None" in text
    assert "Inverted dropout" in text and "backward" in text
    assert " at 0x" not in text


def test_only_members_defined_in_the_module():
    import nnlib.regularization as reg

    names = [name for name, _ in apidoc.public_members(reg)]
    assert names == ["l2_penalty", "add_l2_gradient", "L2Regularized"]
    assert "Parameter" not in names  # imported, not defined there


def test_the_page_documents_every_public_module():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    shown = {c.source.split('"')[1] for c in nb.cells if c.cell_type == "code" and c.source.startswith("show(")}
    assert shown == set(apidoc.public_modules()) - {"nnlib"}, (
        "run `python tools/make_api_reference.py` and re-execute book/appendix_api.ipynb")
