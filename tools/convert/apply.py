"""One-off helper (issue 22): replace check cells' sources of a solution notebook (kept for review)."""
import json, sys
from pathlib import Path


def apply(path, changes):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for index, change in changes.items():
        cell = nb["cells"][index]
        assert "check" in cell["metadata"].get("tags", []), (path, index)
        if isinstance(change, str):
            change = {"source": change}
        src = change["source"].strip("\n")
        cell["source"] = src.splitlines(keepends=True)
        meta = cell["metadata"].setdefault("nnlib", {})
        meta.pop("mistakes", None)
        for k, v in change.get("meta", {}).items():
            if v is None:
                meta.pop(k, None)
            else:
                meta[k] = v
        if "tags" in change:
            cell["metadata"]["tags"] = change["tags"]
    for index, change in changes.items():
        pass
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def choice_cells(path, visible, hidden, name="choice"):
    """The multiple-choice pattern: a format check, and a hidden check with a hint per wrong letter
    (taken from the old ``mistakes`` metadata, whose outputs read "choice X: wrong")."""
    import re
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    meta = nb["cells"][hidden]["metadata"].get("nnlib", {})
    wrong = []
    for m in meta.get("mistakes", []):
        hit = re.match(r"choice (\w): wrong", m.get("output", ""))
        if hit:
            wrong.append((hit.group(1), m["hint"]))
    hint = meta.get("hint", "")
    vis = (f'report("one of A, B, C, D", type({name}) is str and {name}.strip().upper() in ("A", "B", "C", "D"),\n'
           f'       hint=\'a string with one letter, for example {name} = "A"\')\n')
    wrong_src = ",\n              ".join(f"({k!r}, {h!r})" for k, h in wrong)
    hid = (f"picked = {name}.strip().upper() if type({name}) is str else repr({name})\n"
           f"report({name!r}, picked, hint={hint!r},\n       wrong=[{wrong_src}])\n")
    return {visible: vis, hidden: {"source": hid, "meta": {"hint": None}}}
