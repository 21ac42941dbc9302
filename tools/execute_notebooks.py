"""Re-run notebooks in place with a fresh kernel, so their stored outputs are current.

The book is built from the stored outputs (``execute_notebooks: "off"``) and nbval
compares a fresh run against them inside ``pytest``; run this after editing a
chapter or a solution, then commit the notebook:

    python tools/execute_notebooks.py book/05_backpropagation.ipynb solutions/05_backpropagation.ipynb

Widget state is not stored: the HTML book shows a static figure in its place.

A kernel may send one print in two stream messages ("W[1]: (4, 5)" and "\\nW[2]: ..."); myst-nb
would show each on its own line (it strips and re-joins them), so consecutive stream outputs of a
cell are stored joined, exactly as printed. nbval joins streams the same way before it compares, so
this changes nothing it checks.

    python tools/execute_notebooks.py --merge-streams-only NOTEBOOK.ipynb   # join, without running
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def merge_streams(nb):
    """Join each run of consecutive stream outputs with the same name (stdout, stderr) into one."""
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (output.output_type == "stream" and previous is not None
                    and previous.output_type == "stream" and previous.name == output.name):
                previous.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged
    return nb


def execute(path):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.pop("widgets", None)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
        # True: nbclient's Output-widget handling needs the state while running; it is
        # removed from the metadata below, so the notebook stores none.
        store_widget_state=True,
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    merge_streams(nb)
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb [...]")
    if sys.argv[1] == "--merge-streams-only":
        for name in sys.argv[2:]:
            nbformat.write(merge_streams(nbformat.read(name, as_version=4)), name)
            print(f"merged streams in {name}")
    else:
        for name in sys.argv[1:]:
            execute(name)
