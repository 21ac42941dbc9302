import json, glob
LINE = "%load_ext nnlib.grade.verdict\n"
for p in sorted(glob.glob("solutions/*.ipynb")):
    nb = json.load(open(p))
    c = next(c for c in nb["cells"] if c["cell_type"] == "code")
    src = "".join(c["source"])
    if "nnlib.grade.verdict" not in src:
        src = src.rstrip("\n") + "\n" + LINE + "# report(key, value): how a check cell sends the values it computed to the grader\n"
        c["source"] = src.rstrip("\n").splitlines(keepends=True)
        open(p, "w").write(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
