"""Re-run notebooks in place with a fresh kernel, so their stored outputs are current.

The book is built from the stored outputs (``execute_notebooks: "off"``) and nbval
compares a fresh run against them inside ``pytest``; run this after editing a
chapter or a solution, then commit the notebook:

    python tools/execute_notebooks.py book/05_backpropagation.ipynb solutions/05_backpropagation.ipynb

Widget state is not stored: the HTML book shows a static figure in its place.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


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
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb [...]")
    for name in sys.argv[1:]:
        execute(name)
