"""The course around the grader (issue 24, and issue 23's "grading on any laptop" and two false
results): course records, Gradescope, the container sandbox, shards and merge, and grading where
/proc, ``resource``, bubblewrap or the POSIX calls are missing.

Grading runs are few and small (set 01, about 2-6 s each): one class run through the
command line covers json, CSV schema, roster, nbgrader layout, Canvas, wrong set, large output and
an endless loop; one sharded run covers shards, merge and regrade; the Gradescope run and the
laptop emulations need root (private mount namespaces, capabilities) and are skipped without it.

The set's full marks and the exercises the tests change are read from the reference notebook
(``full_marks``, ``looping_exercise``), not written here: the sets gain and renumber exercises.
"""

import copy
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from nnlib.grade import exercises as ex
from nnlib.grade import platform as host
from nnlib.grade import records
from nnlib.grade.grader import CheckResult, ExerciseResult, Failure, GradeResult

ROOT = Path(__file__).resolve().parents[1]
SET = "01_neuron_perceptron"
OTHER = "04_losses"
PY = sys.executable
IS_ROOT = host.is_root()
needs_root = pytest.mark.skipif(not (IS_ROOT and shutil.which("unshare") and shutil.which("setpriv")),
                                reason="needs root, unshare and setpriv (private mount namespaces, capabilities)")


def read(path):
    return ex.read_notebook(path)


def write(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def untouched(set_name=SET):
    return read(ROOT / "exercises" / f"{set_name}.ipynb")


def solved(set_name=SET):
    """The exercise notebook with every answer cell filled in from the solution (by cell id)."""
    answers = {c["id"]: c["source"] for c in read(ROOT / "solutions" / f"{set_name}.ipynb")["cells"]
               if ex.cell_role(c) == "answer"}
    nb = untouched(set_name)
    for cell in nb["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    return nb


def answer(nb, exercise):
    return next(c for c in nb["cells"] if ex.cell_role(c) == "answer" and ex.exercise_name(c) == exercise)


def with_answer(nb, exercise, change):
    """A copy of ``nb`` whose answer to ``exercise`` is ``change(source)``."""
    nb = copy.deepcopy(nb)
    cell = answer(nb, exercise)
    cell["source"] = change(ex.source_of(cell))
    return nb


def grade_cli(*args, env=None, timeout=600):
    """Run ``python -m nnlib.grade ARGS``; returns (CompletedProcess, seconds)."""
    start = time.perf_counter()
    proc = subprocess.run([PY, "-m", "nnlib.grade", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=env or dict(os.environ, PYTHONPATH=str(ROOT)), timeout=timeout)
    return proc, time.perf_counter() - start


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def reference_table(set_name=SET):
    nb = read(ROOT / "solutions" / f"{set_name}.ipynb")
    return nb, ex.exercise_cells(nb)


def full_marks(set_name=SET):
    """The set's full marks as the reference gives them: the sum of its exercises' points."""
    total = sum(e["points"] for e in reference_table(set_name)[1].values())
    assert total > 0, f"the reference of {set_name} gives no points"
    return total


def csv_points(points):
    """Points as the CSV and the Canvas file write them (18, 2.5)."""
    return f"{points:g}"


def looping_exercise(set_name=SET):
    """The first exercise whose one answer cell defines a function (with a docstring) that its first
    check, a visible one, calls, and that no other code cell of the reference mentions: an endless
    loop put into that function stops that check only, and costs that exercise's points only.
    Returns (name, points)."""
    nb, table = reference_table(set_name)
    for name, entry in table.items():
        if len(entry["answers"]) != 1 or not entry["checks"] or entry["checks"][0][2]:
            continue
        source = ex.source_of(nb["cells"][entry["answers"][0]])
        found = re.match(r'def (\w+)\(.*\n\s+"""', source)
        if not found:
            continue
        function = re.compile(rf"\b{found.group(1)}\b")
        own = set(entry["answers"]) | {i for i, _, _ in entry["checks"]}
        first_check = ex.source_of(nb["cells"][entry["checks"][0][0]])
        elsewhere = any(function.search(ex.source_of(c)) for i, c in enumerate(nb["cells"])
                        if c.get("cell_type") == "code" and i not in own)
        if function.search(first_check) and not elsewhere:
            return name, entry["points"]
    raise AssertionError(f"no exercise of {set_name} fits an endless loop in its function")


# --------------------------------------------------------------------------- records, no kernel


def test_find_submissions_reads_flat_per_student_and_nbgrader_layouts(tmp_path):
    nb = untouched()
    write(nb, tmp_path / "flat" / "alice.ipynb")
    write(nb, tmp_path / "flat" / ".ipynb_checkpoints" / "alice-checkpoint.ipynb")
    write(nb, tmp_path / "nb" / "submitted" / "bob" / SET / f"{SET}.ipynb")
    write(nb, tmp_path / "nb" / "submitted" / "carol" / SET / f"{SET}.ipynb")
    write(nb, tmp_path / "gs" / "dave" / "my work.ipynb")
    assert [k for _, k in records.find_submissions(tmp_path / "flat")] == ["alice"]
    assert [k for _, k in records.find_submissions(tmp_path / "nb" / "submitted")] == ["bob", "carol"]
    assert [k for _, k in records.find_submissions(tmp_path / "gs")] == ["dave"]


def test_roster_maps_a_file_or_folder_name_to_id_name_and_email(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffFile,ID,Name,Email\nalice.ipynb,s001,Alice Ærø,alice@u.edu\nbob,s002,Bob,\n",
                    encoding="utf-8")
    roster = records.load_roster(path)
    assert roster["alice"] == records.Student("alice", "s001", "Alice Ærø", "alice@u.edu")
    assert records.student_of("bob", roster).id == "s002"
    assert records.student_of("zoe", roster) == records.Student("zoe", "zoe")  # not on the roster: its own key
    (tmp_path / "bad.csv").write_text("name,email\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs the columns file"):
        records.load_roster(tmp_path / "bad.csv")
    (tmp_path / "dup.csv").write_text("folder,id\nx,1\nx,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="appears twice"):
        records.load_roster(tmp_path / "dup.csv")


def test_csv_columns_are_fixed_by_the_reference_not_by_the_submissions():
    nb, table = reference_table()
    cols = records.columns_of(nb, table)
    assert cols[:5] == ["id", "name", "email", "student", "exercise_set"] and cols[-3:] == ["total", "max", "note"]
    assert cols[5:-3] == list(table)
    per_check = records.columns_of(nb, table, per_check=True)
    assert per_check[5:8] == ["ex1", "ex1:check1", "ex1:check2"]
    assert len(per_check) == len(cols) + sum(len(e["checks"]) for e in table.values())
    # a result with no exercises at all (could not be graded) still fills every column
    r = GradeResult(submission=Path("x.ipynb"), error="cannot read x.ipynb as a notebook")
    row = records.result_row(r, records.Student("x", "s9"), per_check, SET)
    assert set(row) == set(per_check) and row["ex1"] == "0" and row["total"] == "0" and "cannot read" in row["note"]


def _fake_result(name, points):
    hint = "the sign of the update"
    checks = [CheckResult(index=3, hidden=False, points=1, passed=points > 0,
                          failures=[] if points else [Failure("w", "[1.0]", "[-1.0]", "w differs", hint)]),
              CheckResult(index=4, hidden=True, points=1, passed=points > 1,
                          failures=[] if points > 1 else [Failure("w", "[0.25]", "[0.5]", "w differs", hint)])]
    e = ExerciseResult(name="ex1", max_points=2, points=points, passed=points == 2,
                       reason="" if points == 2 else "check 1 of 2 failed", hint="the sign of the update")
    e.checks = checks
    return GradeResult(submission=Path(f"{name}.ipynb"), reference=Path(f"{SET}.ipynb"), exercises=[e])


def test_json_gives_points_status_expected_got_and_hint_per_check_and_hides_hidden_inputs():
    doc = records.submission_json(_fake_result("bob", 0), records.Student("bob", "s002", "Bob", "b@u.edu"))
    assert doc["student"]["id"] == "s002" and doc["points"] == 0 and doc["exercise_set"] == SET
    visible, hidden = doc["exercises"][0]["checks"]
    assert visible["status"] == "failed" and visible["key"] == "w"
    assert visible["expected"] == "[1.0]" and visible["got"] == "[-1.0]"
    assert visible["hint"] == "the sign of the update" and visible["points"] == 1 and visible["earned"] == 0
    assert hidden["hidden"] and hidden["expected"] is None and hidden["got"] is None  # never its values
    assert hidden["failures"][0]["why"] == "w differs" and "0.25" not in json.dumps(hidden)
    json.dumps(doc)  # plain data


def test_regrading_one_student_replaces_that_row_only(tmp_path):
    nb, table = reference_table()
    cols = records.columns_of(nb, table)
    rows = [records.result_row(_fake_result(k, 0), records.Student(k, k), cols, SET) for k in ("ann", "bob", "cy")]
    path = tmp_path / "scores.csv"
    records.upsert_rows(path, cols, rows)
    before = path.read_text(encoding="utf-8").splitlines()
    records.upsert_rows(path, cols, [records.result_row(_fake_result("bob", 2), records.Student("bob", "bob"), cols,
                                                        SET)])
    after = path.read_text(encoding="utf-8").splitlines()
    assert [a == b for a, b in zip(before, after)] == [True, True, False, True]  # header, ann, (bob), cy
    assert rows_of(path)[1][1]["ex1"] == "2"
    with pytest.raises(ValueError, match="other columns"):
        records.upsert_rows(path, records.columns_of(nb, table, per_check=True), [])


def test_merge_joins_shards_by_id_and_refuses_a_shard_of_another_set(tmp_path):
    nb, table = reference_table()
    cols = records.columns_of(nb, table)
    for i, keys in enumerate((["cy", "ann"], ["bob"])):
        rows = [records.result_row(_fake_result(k, 2), records.Student(k, k), cols, SET) for k in keys]
        (tmp_path / f"shard{i}.csv").write_text(records.csv_text(rows, cols), encoding="utf-8")
    n = records.merge_csv([tmp_path / "shard0.csv", tmp_path / "shard1.csv"], tmp_path / "all.csv")
    header, rows = rows_of(tmp_path / "all.csv")
    assert n == 3 and header == cols and [r["id"] for r in rows] == ["ann", "bob", "cy"]
    # another set: other columns (per-check here), or the same exercise names (sets 01 and 04 both
    # name theirs ex1, ex2, ...) and another exercise_set in the rows
    per_check = records.columns_of(nb, table, per_check=True)
    (tmp_path / "wide.csv").write_text(records.csv_text([], per_check), encoding="utf-8")
    with pytest.raises(ValueError, match="columns differ"):
        records.merge_csv([tmp_path / "shard0.csv", tmp_path / "wide.csv"], tmp_path / "bad.csv")
    other_row = records.result_row(_fake_result("dee", 2), records.Student("dee", "dee"), cols, OTHER)
    (tmp_path / "other.csv").write_text(records.csv_text([other_row], cols), encoding="utf-8")
    with pytest.raises(ValueError, match=f"several exercise sets.*{OTHER}"):
        records.merge_csv([tmp_path / "shard0.csv", tmp_path / "other.csv"], tmp_path / "bad.csv")
    assert not (tmp_path / "bad.csv").exists()


def test_canvas_file_has_the_points_possible_row_and_the_roster_ids():
    rows = [{"id": "s001", "name": "Alice", "email": "a@u.edu", "total": "14"}]
    lines = list(csv.reader(io.StringIO(records.canvas_csv(rows, "Set 1", 14))))
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Set 1"]
    assert lines[1][0].strip() == "Points Possible" and lines[1][-1] == "14"
    assert lines[2] == ["Alice", "", "s001", "a@u.edu", "", "14"]


def test_the_probe_names_what_is_missing_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(host, "has_proc", lambda: False)
    monkeypatch.setattr(host, "resource_module", lambda: None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap, setpriv or unshare on PATH (sbin may still have some)
    found = host.probe()
    line = found.line()
    assert not found.proc and not found.rlimits and found.bwrap is None
    assert "\n" not in line and line.startswith("not available here, skipped: ")
    for word in ("/proc", "resource module", "bubblewrap"):
        assert word in line


def test_the_gradescope_zip_holds_what_grading_needs_and_nothing_of_the_book(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    shutil.copy(ROOT / "solutions" / f"{SET}.ipynb", private)
    proc, _ = grade_cli("--gradescope-zip", tmp_path / "ag.zip", "--solutions", private)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(tmp_path / "ag.zip") as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        reqs = zf.read("requirements-grading.txt").decode()
        config = json.loads(zf.read("config.json"))
    assert {"setup.sh", "run_autograder", "warm_cache", f"reference/{SET}.ipynb", "nnlib/grade/gradescope.py"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111 and modes["warm_cache"] & 0o111
    assert "numpy" in reqs and "ipykernel" in reqs and "jupyter_client" in reqs
    for heavy in ("jupyter-book", "scikit-learn", "matplotlib", "jupyterlab"):
        assert heavy not in reqs
    assert config["exercise_set"] == SET and list(config["exercises"]) == list(reference_table()[1])
    # several sets and no --assignment: refused, with the sets named
    shutil.copy(ROOT / "solutions" / f"{OTHER}.ipynb", private)
    proc, _ = grade_cli("--gradescope-zip", tmp_path / "ag2.zip", "--solutions", private)
    assert proc.returncode == 2 and "--assignment" in proc.stderr and OTHER in proc.stderr


# --------------------------------------------------------------------------- one class run, nbgrader layout


LOUD_100KB = "for _i in range(1000):\n    print('x' * 99)\n"   # 100 KB in 1,000 messages
LOUD_2MB = "print('y' * (2 << 20))\n"                           # one 2 MB message


def _endless_loop(source):
    """The answer's function loops for ever when a check calls it (the answer cell itself returns)."""
    lines = source.splitlines()
    k = next(i for i, line in enumerate(lines) if line.strip().startswith('"""') and i > 0)
    return "\n".join(lines[:k + 1] + ["    while True:", "        pass"] + lines[k + 1:])


def _stubborn_loop(source):
    """As _endless_loop, but the loop swallows the interrupt: the kernel has to be killed."""
    lines = source.splitlines()
    k = next(i for i, line in enumerate(lines) if line.strip().startswith('"""') and i > 0)
    loop = ["    while True:", "        try:", "            while True:", "                pass",
            "        except KeyboardInterrupt:", "            pass"]
    return "\n".join(lines[:k + 1] + loop + lines[k + 1:])


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("course")
    submitted = base / "submitted"
    good = solved()
    names = list(reference_table()[1])
    loop, loop_points = looping_exercise()
    subs = {
        "alice": good,
        "bob": untouched(),
        "heidi": solved(OTHER),  # a correct set-04 notebook handed in for set 01
        "erin": with_answer(with_answer(good, names[0], lambda s: LOUD_100KB + s), names[2],
                            lambda s: LOUD_2MB + s),
        "dave": with_answer(good, loop, _endless_loop),
        "ivy": with_answer(good, loop, _stubborn_loop),
    }
    for student, nb in subs.items():
        write(nb, submitted / student / SET / f"{SET}.ipynb")
    # alice's folder also holds an older copy and another assignment (nbgrader keeps every one)
    write(untouched(), submitted / "alice" / SET / "old copy.ipynb")
    write(solved(OTHER), submitted / "alice" / OTHER / f"{OTHER}.ipynb")
    roster = base / "roster.csv"
    roster.write_text("folder,id,name,email\nalice,s001,Alice A,alice@u.edu\nbob,s002,Bob B,bob@u.edu\n"
                      "heidi,s003,Heidi H,heidi@u.edu\nerin,s004,Erin E,erin@u.edu\ndave,s005,Dave D,dave@u.edu\n"
                      "ivy,s006,Ivy I,ivy@u.edu\n",
                      encoding="utf-8")
    csv_path, canvas = base / "scores.csv", base / "canvas.csv"
    proc, seconds = grade_cli("--class", submitted, "--solutions", ROOT / "solutions", "--csv", csv_path,
                              "--roster", roster, "--per-check", "--canvas", canvas, "--format", "json",
                              "--timeout", "4", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    print(f"class of {len(subs)} (nbgrader layout, two endless loops): {seconds:.1f} s", file=sys.stderr)
    return {"doc": doc, "by_id": {s["student"]["id"]: s for s in doc["submissions"]}, "csv": csv_path,
            "canvas": canvas, "log": proc.stderr, "seconds": seconds, "loop": loop, "loop_points": loop_points}


def test_class_json_has_every_submission_exercise_and_check(class_run):
    doc, by_id = class_run["doc"], class_run["by_id"]
    _, table = reference_table()
    assert doc["exercise_set"] == SET and sorted(by_id) == ["s001", "s002", "s003", "s004", "s005", "s006"]
    alice = by_id["s001"]
    assert alice["student"] == {"id": "s001", "name": "Alice A", "email": "alice@u.edu", "key": "alice"}
    assert alice["points"] == alice["max_points"] == sum(e["points"] for e in table.values())
    assert alice["submission"].endswith(f"alice/{SET}/{SET}.ipynb")  # one row per student: the set's file
    assert "also handed in, not graded:" in alice["note"] and "old copy.ipynb" in alice["note"]
    assert [e["name"] for e in alice["exercises"]] == list(table)
    for e in alice["exercises"]:
        assert len(e["checks"]) == len(table[e["name"]]["checks"])
        assert all(c["status"] == "passed" for c in e["checks"])
    bob = by_id["s002"]
    assert bob["points"] == 0
    failing = [c for e in bob["exercises"] for c in e["checks"] if c["status"] != "passed"]
    assert failing and all({"points", "status", "expected", "got", "hint"} <= set(c) for c in failing)


def test_class_csv_has_the_reference_columns_and_the_roster_ids(class_run):
    header, rows = rows_of(class_run["csv"])
    nb, table = reference_table()
    assert header == records.columns_of(nb, table, per_check=True)
    by_id = {r["id"]: r for r in rows}
    assert by_id["s001"]["name"] == "Alice A" and by_id["s001"]["student"] == f"alice/{SET}/{SET}.ipynb"
    assert by_id["s001"]["total"] == by_id["s001"]["max"] == csv_points(full_marks())
    assert by_id["s002"]["total"] == "0"
    for name, entry in table.items():  # the per-check columns hold each check cell's points earned
        checks = [c for c in header if c.startswith(f"{name}:")]
        assert [float(by_id["s001"][c]) for c in checks] == [points for _, points, _ in entry["checks"]]
        assert all(by_id["s002"][c] == "0" for c in checks)
    feedback = class_run["csv"].with_name("scores_feedback")
    assert sorted(p.name for p in feedback.iterdir()) == [f"s00{i}.md" for i in range(1, 7)]


def test_a_submission_of_another_set_is_reported_and_not_graded(class_run):
    heidi = class_run["by_id"]["s003"]
    assert not heidi["graded"] and heidi["points"] == 0
    assert heidi["note"].startswith(f"exercise set {OTHER}, expected {SET}")
    _, rows = rows_of(class_run["csv"])
    row = next(r for r in rows if r["id"] == "s003")
    assert row["exercise_set"] == SET and row["ex1"] == "0" and row["note"].startswith(f"exercise set {OTHER}")


def test_output_of_100_kb_and_of_2_mb_in_an_answer_keeps_full_marks(class_run):
    erin = class_run["by_id"]["s004"]
    assert erin["points"] == erin["max_points"] == full_marks(), erin["note"]
    assert "thread" not in erin["note"]


def test_an_endless_loop_is_reported_as_a_time_limit(class_run):
    dave, loop = class_run["by_id"]["s005"], class_run["loop"]
    ex2 = next(e for e in dave["exercises"] if e["name"] == loop)
    assert ex2["points"] == 0 and "time limit" in ex2["reason"] and "ran longer than 4 s" in ex2["reason"]
    assert ex2["checks"][0]["status"] != "passed" and "time limit" in ex2["checks"][0]["message"]
    text = json.dumps(ex2)
    assert "NotImplementedError" not in text and "ignored the interrupt" not in text
    assert class_run["loop_points"] > 0 and dave["points"] == full_marks() - class_run["loop_points"]  # only its own


def test_an_endless_loop_that_swallows_the_interrupt_is_a_time_limit_too(class_run):
    """The kernel is killed and the notebook rerun with the looping exercise's stub: the report is
    still about the student's loop (which check, how long), not the stub's NotImplementedError."""
    ivy, loop = class_run["by_id"]["s006"], class_run["loop"]
    ex2 = next(e for e in ivy["exercises"] if e["name"] == loop)
    assert ex2["points"] == 0 and ex2["reason"].startswith("time limit: visible check ran longer than 4 s")
    text = json.dumps(ex2)
    assert "NotImplementedError" not in text and "ignored the interrupt" not in text
    assert ivy["points"] == full_marks() - class_run["loop_points"]
    assert f"{loop} ran past the time limit of 4 s" in ivy["note"], ivy["note"]


def test_canvas_import_file_of_the_class(class_run):
    lines = list(csv.reader(class_run["canvas"].open(encoding="utf-8")))
    full = csv_points(full_marks())
    assert lines[0][-1] == SET and lines[1][-1] == full
    assert {tuple(line[2:4]) + (line[-1],) for line in lines[2:]} >= {("s001", "alice@u.edu", full),
                                                                      ("s002", "bob@u.edu", "0")}


# --------------------------------------------------------------------------- shards, merge, regrade


def test_shards_merged_equal_one_run_and_a_regrade_replaces_one_row(tmp_path):
    folder = tmp_path / "class"
    write(solved(), folder / "alice.ipynb")
    write(untouched(), folder / "bob.ipynb")
    write(solved(OTHER), folder / "heidi.ipynb")
    write(solved(), folder / "zoe.ipynb")
    times, shards = [], []
    for k in range(3):  # on a cluster: one Indexed Job task (or Slurm array task) each
        out = tmp_path / f"shard{k}.csv"
        proc, seconds = grade_cli("--class", folder, "--solutions", ROOT / "solutions", "--assignment", SET,
                                  "--shard", f"{k}/3", "--csv", out, "--no-feedback", "--jobs", "1")
        assert proc.returncode == 0, proc.stderr
        times.append(seconds)
        shards.append(out)
    assert [len(rows_of(p)[1]) for p in shards] == [2, 1, 1]  # alice+zoe, bob, heidi: every 3rd by name
    merged = tmp_path / "scores.csv"
    proc, merge_seconds = grade_cli("--merge", *shards, "--csv", merged)
    assert proc.returncode == 0 and "4 rows from 3 files" in proc.stdout, proc.stderr
    header, rows = rows_of(merged)
    nb, table = reference_table()
    assert header == records.columns_of(nb, table)
    full = csv_points(full_marks())
    assert [(r["id"], r["total"]) for r in rows] == [("alice", full), ("bob", "0"), ("heidi", "0"), ("zoe", full)]
    print(f"shards {', '.join(f'{t:.1f}' for t in times)} s, merge {merge_seconds:.1f} s", file=sys.stderr)

    write(solved(), folder / "bob.ipynb")  # bob resubmits
    before = merged.read_text(encoding="utf-8").splitlines()
    proc, _ = grade_cli("--class", folder, "--solutions", ROOT / "solutions", "--assignment", SET,
                        "--student", "bob", "--csv", merged, "--no-feedback")
    assert proc.returncode == 0, proc.stderr
    after = merged.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) and [a == b for a, b in zip(before, after)] == [True, True, False, True, True]
    assert next(r for r in rows_of(merged)[1] if r["id"] == "bob")["total"] == full


# --------------------------------------------------------------------------- Gradescope, in an emulated container


def _path_without(tmp_path, *tools):
    """A folder of links to every system tool but ``tools``: a PATH on which they do not exist."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for d in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name not in tools and not (folder / name).exists():
                (folder / name).symlink_to(os.path.join(d, name))
    return folder


def _python_visible_to_other_uids(inner, scratch):
    """A shell command running ``inner`` where this Python is usable by another uid, as on Gradescope
    (/autograder/venv). Here Python lives under /root (mode 0700); in a private mount namespace a
    tmpfs of mode 0755 replaces /root's view and /root/.pyenv is bound back into it."""
    real = os.path.realpath(PY)
    if not real.startswith("/root/"):
        return inner
    top = "/root/" + real.split("/")[2]
    hold = tempfile.mkdtemp(prefix="pyhold-", dir=scratch)
    return (f"mount --bind {top} {hold} && mount -t tmpfs -o mode=0755 tmpfs /root && mkdir -p {top} && "
            f"mount --bind {hold} {top} && {inner}")


SNOOP = '''\
import os
def _try(path):
    try:
        with open(path, encoding="utf-8") as f:
            f.read(100)
        return "read"
    except OSError as exc:
        return type(exc).__name__
raise RuntimeError("snoop: reference=" + _try({ref!r}) + " sources=" + _try({sources!r})
                   + " passwd=" + _try("/etc/passwd"))
'''


@needs_root
def test_gradescope_run_in_a_container_without_cap_sys_admin_or_bubblewrap(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    shutil.copy(ROOT / "solutions" / f"{SET}.ipynb", private)
    proc, _ = grade_cli("--gradescope-zip", tmp_path / "autograder.zip", "--solutions", private)
    assert proc.returncode == 0, proc.stderr
    no_bwrap = _path_without(tmp_path, "bwrap")
    ag = Path(tempfile.mkdtemp(prefix="nnlib-autograder-"))  # under /tmp: passable by the kernel's uid
    try:
        os.chmod(ag, 0o755)
        with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
            zf.extractall(ag / "source")
        ref = ag / "source" / "reference" / f"{SET}.ipynb"
        sources = ag / "source" / "nnlib" / "grade" / "grader.py"
        first = next(iter(reference_table()[1]))  # the first exercise's answer snoops
        snoop = with_answer(solved(), first, lambda s: SNOOP.format(ref=str(ref), sources=str(sources)))
        results = {}
        warm = (f"exec env -i PATH={no_bwrap} AUTOGRADER_ROOT={ag} NNLIB_GRADE_PYTHON={PY} "
                f"setpriv --bounding-set=-sys_admin -- bash {ag}/source/warm_cache")  # setup.sh's last step
        done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                               _python_visible_to_other_uids(warm, ag)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert any((ag / "cache").rglob("*")), "warm_cache left no cached reference values"
        for name, nb in (("solution", solved()), ("exercise", untouched()), ("snoop", snoop)):
            shutil.rmtree(ag / "submission", ignore_errors=True)
            shutil.rmtree(ag / "results", ignore_errors=True)
            write(nb, ag / "submission" / f"{SET}.ipynb")
            run = (f"exec env -i PATH={no_bwrap} AUTOGRADER_ROOT={ag} NNLIB_GRADE_PYTHON={PY} "
                   f"setpriv --bounding-set=-sys_admin -- bash {ag}/source/run_autograder")
            start = time.perf_counter()
            done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                   _python_visible_to_other_uids(run, ag)], capture_output=True, text=True, timeout=300)
            seconds = time.perf_counter() - start
            assert done.returncode == 0, done.stdout + done.stderr
            results[name] = json.loads((ag / "results" / "results.json").read_text(encoding="utf-8"))
            print(f"gradescope {name}: {seconds:.1f} s", file=sys.stderr)
        if os.path.realpath(PY).startswith("/root/"):
            # the same container where this Python is NOT usable by another uid: the kernel would run
            # as root and could read the reference, so nothing is graded (fail closed)
            shutil.rmtree(ag / "results", ignore_errors=True)
            done = subprocess.run(["sh", "-c", run], capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
            results["no_uid"] = json.loads((ag / "results" / "results.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(ag, ignore_errors=True)
    _, table = reference_table()
    if "no_uid" in results:
        assert results["no_uid"]["score"] == 0 and "nothing was graded" in results["no_uid"]["output"]
        assert len(results["no_uid"]["tests"]) == len(table)
    sol = results["solution"]
    assert [t["name"] for t in sol["tests"]] == list(table)  # one test per exercise
    assert sol["score"] == sum(t["max_score"] for t in sol["tests"]) == full_marks()
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in sol["tests"])
    assert "CONTAINER" in sol["output"] and "unprivileged uid via setpriv" in sol["output"], sol["output"]
    assert results["exercise"]["score"] == 0 and len(results["exercise"]["tests"]) == len(table)
    ex1 = results["snoop"]["tests"][0]
    assert ex1["name"] == first, ex1
    # /etc/passwd (world-readable) is read: the kernel can read files; the reference and the original
    # sources (with the forbidden helpers) are root's only
    assert ex1["score"] == 0, ex1["output"]
    assert "snoop: reference=PermissionError sources=PermissionError passwd=read" in ex1["output"], ex1["output"]


# --------------------------------------------------------------------------- laptops: no /proc, resource, bwrap


WINDOWS_LIKE = r'''
import os, runpy, signal, sys
sys.modules["resource"] = None            # no resource module
for name in ("geteuid", "killpg", "fork", "chown"):
    if hasattr(os, name):
        delattr(os, name)                 # no uids, process groups, fork, owners
if hasattr(signal, "SIGALRM"):
    del signal.SIGALRM
import nnlib.grade.kernel
nnlib.grade.kernel.IPC = False            # no Unix sockets for ZeroMQ: the kernel talks over local TCP
sys.argv[0] = "nnlib.grade"
runpy.run_module("nnlib.grade", run_name="__main__", alter_sys=True)
'''

MAC_LIKE = r'''
import runpy, sys
sys.modules["resource"] = None
sys.argv[0] = "nnlib.grade"
runpy.run_module("nnlib.grade", run_name="__main__", alter_sys=True)
'''


@needs_root
@pytest.mark.parametrize("system", ["macos", "windows"])
def test_self_study_grading_without_proc_resource_or_bubblewrap(tmp_path, system):
    """/proc hidden in a private mount namespace, ``resource`` unimportable, bwrap off PATH (and for
    "windows" also setpriv and unshare off PATH, no os.geteuid, os.killpg, os.fork, os.chown or
    signal.SIGALRM in the grader, and the kernel reached over local TCP instead of Unix sockets): a
    solution gets full marks, the untouched exercise 0, and ONE line says what was skipped."""
    sol, untouched_path = write(solved(), tmp_path / f"{SET}.ipynb"), write(untouched(), tmp_path / "ex" / f"{SET}.ipynb")
    hidden = ("bwrap", "setpriv", "unshare") if system == "windows" else ("bwrap",)
    path = _path_without(tmp_path, *hidden)
    script = tmp_path / "run.py"
    script.write_text(WINDOWS_LIKE if system == "windows" else MAC_LIKE, encoding="utf-8")
    inner = (f"mount -t tmpfs none /proc && exec env -i PATH={path} PYTHONPATH={ROOT} HOME={tmp_path} "
             f"{PY} {script} --format json {sol} {untouched_path}")
    start = time.perf_counter()
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", inner], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    print(f"{system}-like: 2 notebooks in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    solution, exercise = json.loads(done.stdout)["submissions"]
    assert solution["graded"] and solution["points"] == solution["max_points"] == full_marks(), solution["note"]
    assert exercise["graded"] and exercise["points"] == 0 and "NotImplementedError" in exercise["note"]
    skipped = [line for line in done.stderr.splitlines() if "not available here, skipped:" in line]
    assert len(skipped) == 1, done.stderr  # ONE line says what was skipped
    assert skipped[0] in solution["sandbox"] or solution["sandbox"] in skipped[0]
    for word in ("/proc", "resource module", "bubblewrap"):
        assert word in skipped[0]
    if system == "windows":
        for word in ("process groups", "SIGALRM", "os.fork", "POSIX owners"):
            assert word in skipped[0], skipped[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_class_mode_on_the_command_line_writes_its_csv_elsewhere_when_the_path_fails(tmp_path):
    """`--class` with a CSV path that cannot be written reports it and still ends with the CSV
    (in the current folder), one row per submission; the run does not crash."""
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("{", encoding="utf-8")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no folder can be made here", encoding="utf-8")
    proc = subprocess.run([PY, "-m", "nnlib.grade", "--class", str(folder), "--solutions", str(ROOT / "solutions"),
                           "--assignment", SET, "--csv", str(blocked / "scores.csv"), "--accept-unsandboxed-risk"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "could not write the CSV" in proc.stderr and "written to" in proc.stderr, proc.stderr
    written = list(tmp_path.glob("nnlib-grade-scores-*.csv"))
    assert len(written) == 1
    _, rows = rows_of(written[0])
    assert [row["id"] for row in rows] == ["broken"], rows
