"""Course records: who handed in what, and the scores in forms other programs read.

Pure functions over grading results; nothing here starts a kernel.

- **Students.** :func:`find_submissions` lists a class folder: flat (``alice.ipynb``: the student
  is ``alice``), a folder per student (``alice/05_backpropagation.ipynb``), or nbgrader's collected
  layout ``submitted/<student>/<assignment>/<file>.ipynb`` (the student is the first folder).
  :func:`load_roster` reads a roster CSV (columns ``file`` or ``folder``, ``id``, ``name``,
  ``email``) that maps that key to the student's id, name and email.
- **A stable CSV.** :func:`columns_of` fixes the columns from the REFERENCE's exercise list (one
  per exercise, and with ``per_check`` one per check cell: ``ex1:check1``), never from what the
  submissions hold: shards of one class give the same header, and :func:`merge_csv` joins them.
  :func:`upsert_rows` replaces one student's row (a regrade) and keeps every other row.
- **JSON.** :func:`submission_json`: per submission, per exercise and per check: points, status,
  expected, got, hint.
- **Canvas.** :func:`canvas_csv`: a file for Canvas's gradebook import (Grades > Import).

The results are read through :func:`exercise_checks`, a small adapter: it takes the grader's
per-check results (``CheckResult``; with the check protocol of /work/coord/CHECKS.md, the
``{exercise, cell, key, points, status, expected, got, hint}`` records) to one plain form.
"""

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .report import atomic_write, note_of, points_text

#: the columns that come before the exercise columns, and after them
ID_COLUMNS = ("id", "name", "email", "student", "exercise_set")
TAIL_COLUMNS = ("total", "max", "note")



# --------------------------------------------------------------------------- students


@dataclass(frozen=True)
class Student:
    """A student as the records name them: ``key`` is the file or folder name in the class folder."""

    key: str
    id: str
    name: str = ""
    email: str = ""


def find_submissions(folder):
    """[(notebook path, student key)] of a class folder, sorted by key then path.

    Flat: ``folder/alice.ipynb`` -> ``alice``. Nested: the first folder under ``folder`` names the
    student, at any depth (``folder/alice/05.ipynb``, nbgrader's ``submitted/alice/ps1/05.ipynb``).
    Jupyter's checkpoints (``.ipynb_checkpoints``) and hidden files are skipped."""
    folder = Path(folder)
    found = []
    for path in folder.rglob("*.ipynb"):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") for p in parts):
            continue
        key = parts[0] if len(parts) > 1 else path.stem
        found.append((path, key))
    return sorted(found, key=lambda pk: (pk[1], str(pk[0])))


def load_roster(path):
    """{key: Student} from a roster CSV with a ``file`` (or ``folder``) column and ``id``, ``name``,
    ``email``. ``file`` may be given with or without ``.ipynb``. Raises ValueError naming the
    missing column or the duplicated key."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        fields = [c.strip().lower() for c in reader.fieldnames or []]
        key_col = next((c for c in ("file", "folder", "submission") if c in fields), None)
        if key_col is None or "id" not in fields:
            raise ValueError(f"roster {path}: needs the columns file (or folder) and id, and may have name "
                             f"and email; it has {', '.join(fields) or 'no header'}")
        roster = {}
        for line, row in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            key = row[key_col]
            key = key[:-len(".ipynb")] if key.endswith(".ipynb") else key
            if not key:
                continue
            if key in roster:
                raise ValueError(f"roster {path}, line {line}: {key!r} appears twice")
            roster[key] = Student(key, row.get("id") or key, row.get("name", ""), row.get("email", ""))
    return roster


def student_of(key, roster=None):
    """The roster's Student for ``key``, else a Student whose id is the key itself."""
    if roster and key in roster:
        return roster[key]
    return Student(key, key)


# --------------------------------------------------------------------------- the stable schema


def columns_of(reference, table, per_check=False):
    """The CSV's columns for one exercise set, from its reference notebook and exercise table
    (``exercises.exercise_cells``): id columns, one per exercise (and per check cell), total,
    max, note. The same reference always gives the same columns."""
    cols = list(ID_COLUMNS)
    for name, entry in table.items():
        cols.append(name)
        if per_check:
            cols += [f"{name}:check{k}" for k in range(1, len(entry["checks"]) + 1)]
    return cols + list(TAIL_COLUMNS)


def _field(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def exercise_checks(exercise):
    """The checks (check cells) of one graded exercise as plain dicts ``{cell, key, hidden, points,
    earned, status, expected, got, message, hint, failures}``.

    Reads the grader's ``CheckResult`` (check protocol: ``failures``, one per failing report, each
    ``{key, expected, got, why, hint}``); ``expected``, ``got`` and ``hint`` of the check are its
    first failure's. A hidden check's expected and got values are left out (None): a student never
    sees the inputs or values of a hidden check, and this record may reach the student."""
    out = []
    for k, c in enumerate(_field(exercise, "checks", []) or [], start=1):
        hidden = bool(_field(c, "hidden", False))
        passed = bool(_field(c, "passed", False))
        failures = []
        for f in _field(c, "failures", []) or []:
            failures.append({"key": _field(f, "key", ""), "why": _field(f, "why", ""), "hint": _field(f, "hint", ""),
                             "expected": None if hidden else (_field(f, "expected") or None),
                             "got": None if hidden else (_field(f, "got") or None)})
        status = "passed" if passed else ("error" if _field(c, "error") else "failed")
        points = float(_field(c, "points", 0) or 0)
        first = next((f for f in failures if f["key"]), failures[0] if failures else {})
        out.append({
            "cell": _field(c, "index"),
            "key": first.get("key") or f"check{k}",
            "hidden": hidden,
            "points": points,
            "earned": points if passed else 0.0,
            "status": status,
            "expected": first.get("expected"),
            "got": first.get("got"),
            "message": "" if passed else (_field(c, "message", "") or first.get("why", "")),
            "hint": first.get("hint", "") or ("" if passed else _field(exercise, "hint", "") or ""),
            "failures": failures,
        })
    return out


def result_row(result, student, columns, expected_set=None):
    """One CSV row (a dict over ``columns``) for a GradeResult. Exercises the reference has and the
    result lacks (a notebook that could not be graded) get 0."""
    row = dict.fromkeys(columns, "")
    row.update(id=student.id, name=student.name, email=student.email,
               student=str(getattr(result, "label", "") or result.submission.name),
               exercise_set=expected_set or result.exercise_set)
    graded = {e.name: e for e in result.exercises}
    total = 0.0
    for col in columns:
        if col in ID_COLUMNS or col in TAIL_COLUMNS:
            continue
        name, _, check = col.partition(":")
        e = graded.get(name)
        if not check:
            points = e.points if e else 0
            total += points
            row[col] = points_text(points)
        else:
            checks = exercise_checks(e) if e else []
            k = int(check[len("check"):]) - 1
            row[col] = points_text(checks[k]["earned"] if k < len(checks) else 0)
    row["total"] = points_text(total)
    row["max"] = points_text(getattr(result, "max_of_set", None) or result.max_total)
    row["note"] = note_of(result)
    return row


def csv_text(rows, columns):
    """The CSV of ``rows`` (dicts), in the order given, UTF-8 text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def read_csv(path):
    """(columns, rows) of a course CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _row_key(row):
    return row.get("id") or row.get("student", "")


def upsert_rows(path, columns, new_rows):
    """Write ``new_rows`` into the CSV at ``path``: a row whose id is already there replaces that row
    in place, a new id is added at the end; every other row is kept as it was. Raises ValueError
    when the existing file has other columns (another exercise set, or ``--per-check`` switched)."""
    path = Path(path)
    rows = []
    if path.exists() and path.stat().st_size:
        old_columns, rows = read_csv(path)
        if old_columns != list(columns):
            raise ValueError(f"{path} has other columns ({', '.join(old_columns[5:-3])}) than this exercise "
                             f"set ({', '.join(list(columns)[5:-3])}): give another --csv")
    index = {_row_key(r): i for i, r in enumerate(rows)}
    for row in new_rows:
        key = _row_key(row)
        if key in index:
            rows[index[key]] = row
        else:
            index[key] = len(rows)
            rows.append(row)
    atomic_write(path, csv_text(rows, columns))
    return rows


def merge_csv(paths, out_path):
    """Join the CSVs of several shards into one: same header and one exercise set required (the
    schema is fixed by the reference, so the shards of one class agree), one row per student id (a
    later file wins), sorted by id. Returns the number of rows. Raises ValueError naming a file
    whose header differs, or the sets when rows of several sets are mixed."""
    if not paths:
        raise ValueError("--merge needs at least one CSV")
    columns, merged = None, OrderedDict()
    for path in paths:
        cols, rows = read_csv(path)
        if columns is None:
            columns = cols
        elif cols != columns:
            raise ValueError(f"{path}: its columns differ from {paths[0]}'s ({', '.join(cols)} vs "
                             f"{', '.join(columns)}): were both graded against the same reference?")
        for row in rows:
            merged[_row_key(row)] = row
    sets = sorted({row.get("exercise_set", "") for row in merged.values()})
    if len(sets) > 1:  # sets with the same exercise names have the same columns: the rows tell them apart
        raise ValueError(f"the CSVs hold rows of several exercise sets ({', '.join(sets)}): merge each set's "
                         "shards on their own")
    rows = [merged[k] for k in sorted(merged)]
    atomic_write(out_path, csv_text(rows, columns))
    return len(rows)


# --------------------------------------------------------------------------- JSON and Canvas


def submission_json(result, student, expected_set=None):
    """One submission as plain data (the object ``--format json`` prints per submission)."""
    exercises = []
    for e in result.exercises:
        exercises.append({
            "name": e.name, "points": e.points, "max_points": e.max_points,
            "status": "passed" if e.passed else "failed",
            "reason": e.reason or "", "hint": e.hint or "",
            "checks": exercise_checks(e),
        })
    return {
        "student": {"id": student.id, "name": student.name, "email": student.email, "key": student.key},
        "submission": str(result.submission),
        "exercise_set": expected_set or result.exercise_set,
        "reference": str(result.reference) if result.reference else None,
        "graded": result.error is None,
        "error": result.error,
        "note": note_of(result),
        "points": result.total,
        "max_points": getattr(result, "max_of_set", None) or result.max_total,
        "seconds": round(result.seconds, 3),
        "sandbox": result.sandbox,
        "exercises": exercises,
    }


#: the identity columns of a Canvas gradebook import, in Canvas's order
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def canvas_csv(rows, assignment, points_possible):
    """A Canvas gradebook import file (Grades > Import) for one assignment column.

    Canvas matches a row by its ``SIS User ID`` (the roster's ``id``) or ``SIS Login ID`` (here the
    roster's ``email``); ``ID`` (Canvas's own number) is left empty. The second line is Canvas's
    ``Points Possible`` row. ``assignment`` is the column's title: name the assignment exactly as
    in Canvas (or Canvas creates a new one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CANVAS_COLUMNS, assignment])
    writer.writerow(["    Points Possible", "", "", "", "", points_text(points_possible)])
    for row in rows:
        writer.writerow([row.get("name") or row.get("id", ""), "", row.get("id", ""), row.get("email", ""), "",
                         row.get("total", "0")])
    return buffer.getvalue()
