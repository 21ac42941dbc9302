"""Class mode of ``python -m nnlib.grade``: a class folder (or some notebooks) graded against ONE
exercise set, written as course records (:mod:`nnlib.grade.records`). The commands::

    python -m nnlib.grade --class submitted/ --solutions private/ --csv scores.csv \\
        [--roster roster.csv] [--assignment 05_backpropagation] [--per-check] \\
        [--canvas canvas.csv] [--format json] [--shard K/N] [--student KEY]
    python -m nnlib.grade --merge shard_*.csv --csv scores.csv
    python -m nnlib.grade alice.ipynb --solutions private/ --csv scores.csv   # regrade: one row replaced

The exercise set is ``--reference``'s, else ``--assignment``, else the set most submissions
name (notebook metadata, then file name). A submission of another set is not graded: its row
says "exercise set 04_losses, expected 05_backpropagation". Every row has the set's columns.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

from . import exercises as ex
from . import records
from .report import atomic_write, feedback_markdown, write_or_report, write_scores

_SHARD = re.compile(r"^(\d+)/(\d+)$")


class CourseError(Exception):
    """The class run cannot start (no submissions, no reference, a bad option): the message says why."""


def add_arguments(parser):
    """The class-mode options, added to ``python -m nnlib.grade``'s parser."""
    group = parser.add_argument_group("course records (class mode)")
    group.add_argument("--roster", type=Path, help="CSV mapping file or folder name to id, name, email "
                       "(columns: file or folder, id, name, email)")
    group.add_argument("--assignment", help="the exercise set every submission must be (default: "
                       "--reference's, else the set most submissions name)")
    group.add_argument("--per-check", action="store_true", help="add a CSV column per check cell (ex1:check1 ...)")
    group.add_argument("--format", choices=("text", "json"), default="text",
                       help="json: print per submission, exercise and check: points, status, expected, got, hint")
    group.add_argument("--canvas", type=Path, help="also write a Canvas gradebook import file here")
    group.add_argument("--shard", help="grade only shard K of N (K/N, K from 0): every N-th student, "
                       "for a Kubernetes Indexed Job or a Slurm array; join the CSVs with --merge")
    group.add_argument("--student", action="append", default=[],
                       help="class mode: grade only this student (file or folder name; repeatable) and "
                       "replace their row in --csv, keeping the others")
    group.add_argument("--merge", nargs="+", type=Path, metavar="CSV",
                       help="join the CSVs of several shards into --csv (nothing is graded)")
    group.add_argument("--gradescope-zip", type=Path, metavar="OUT.zip",
                       help="build a Gradescope autograder zip from --solutions (or --reference)")


def wants(args):
    """Does this command line ask for course records (rather than the student's table)?"""
    return bool(args.folder or args.merge or args.gradescope_zip or args.format == "json" or args.csv)


def run(args, out=sys.stdout):
    """Carry out the class-mode command line; returns the exit status."""
    from .grader import GradingError

    try:
        if args.folder and not args.csv:
            args.csv = Path("scores.csv")
        if args.merge:
            if not args.csv:
                raise CourseError("--merge writes the joined rows to --csv FILE: give it")
            n = records.merge_csv(args.merge, args.csv)
            print(f"wrote {args.csv} ({n} rows from {len(args.merge)} files)", file=out)
            return 0
        if args.gradescope_zip:
            from .gradescope import build_zip

            path = build_zip(args.gradescope_zip, solutions=args.solutions, reference=args.reference,
                             assignment=args.assignment, timeout=args.timeout,
                             notebook_timeout=args.notebook_timeout, partial=args.partial)
            print(f"wrote {path}", file=out)
            return 0
        return grade_course(args, out=out)
    except (CourseError, GradingError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


# --------------------------------------------------------------------------- which set


def declared_set(notebook):
    """The exercise set a notebook's metadata names (``nnlib.exercise_set``), or None."""
    meta = (notebook or {}).get("metadata", {}).get("nnlib", {})
    name = meta.get("exercise_set") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and ex.SET_NAME.match(name) else None


def _answer_ids(notebook):
    return {c.get("id") for c in (notebook or {}).get("cells", [])
            if isinstance(c, dict) and ex.cell_role(c) == "answer"}


def submission_set(notebook, path, solutions):
    """The set a submission is: its metadata's, else its file name's (if that set exists), else the
    solution whose answer-cell ids it holds, else None (a notebook without any of these)."""
    named = declared_set(notebook)
    if named:
        return named
    if ex.SET_NAME.match(Path(path).stem) and (solutions / f"{Path(path).stem}.ipynb").is_file():
        return Path(path).stem
    ids, best, count = _answer_ids(notebook), None, 0
    if ids and solutions.is_dir():
        for candidate in ex.solution_files(solutions):
            try:
                n = len(ids & _answer_ids(ex.read_notebook(candidate)))
            except ValueError:
                continue
            if n > count:
                best, count = candidate.stem, n
    return best


def _read(path):
    try:
        return ex.read_notebook(path)
    except (ValueError, OSError):
        return None  # the grader reports why, in the row


def choose_reference(args, sets):
    """(reference path, exercise set) for the class: --reference, --assignment, or the most named set."""
    solutions = Path(args.solutions) if args.solutions else ex.default_root() / "solutions"
    if args.reference:
        ref = Path(args.reference)
        if not ref.is_file():
            raise CourseError(f"reference solution {ref} does not exist")
        return ref, args.assignment or declared_set(_read(ref)) or ref.stem
    name = args.assignment
    if name is None:
        counted = Counter(s for s in sets if s)
        if not counted:
            raise CourseError("no submission names its exercise set: give --assignment NN_name or --reference FILE")
        name = counted.most_common(1)[0][0]
    ref = solutions / f"{name}.ipynb"
    if not ref.is_file():
        raise CourseError(f"no reference solution {ref} for exercise set {name!r}")
    return ref, name


def _shard(items, spec):
    if not spec:
        return items
    m = _SHARD.match(spec)
    if not m or int(m.group(1)) >= int(m.group(2)):
        raise CourseError(f"--shard takes K/N with 0 <= K < N (e.g. 0/4), got {spec!r}")
    k, n = int(m.group(1)), int(m.group(2))
    keys = sorted({key for _, key in items})[k::n]  # by student: all of a student's notebooks in one shard
    chosen = set(keys)
    return [(p, key) for p, key in items if key in chosen]


# --------------------------------------------------------------------------- the run


def require_isolation(box, reference, accept_risk):
    """Grading with a private reference needs a kernel kept from the grader's files: bubblewrap, or a
    container (namespaces not permitted) whose kernel runs as a uid of its own and whose reference
    is not world-readable. Anything else is refused (``refuse_unsandboxed``'s message) unless
    ``--accept-unsandboxed-risk``."""
    from .grader import GradingError, refuse_unsandboxed

    if box.mode == "container" and box.drop_uid:
        mode = Path(reference).stat().st_mode
        if mode & 0o004:
            raise GradingError(f"{reference} is world-readable, and in a container the kernel reads what "
                               f"any user may: chmod o-r {reference} (or chmod 700 its folder) and run again")
        return
    refuse_unsandboxed(box, accept_risk, "grading with a private reference")


def one_per_student(subs, wrong, expected):
    """One notebook per student: of a student's notebooks of the right set, the one named after the
    set, else the newest; a student with none of the right set keeps one (its row says which set it
    is). Returns (subs, {kept path: [the student's other notebooks]})."""
    by_key = {}
    for path, key in subs:
        by_key.setdefault(key, []).append(path)
    kept, also = [], {}
    for key, paths in by_key.items():
        right = [p for p in paths if p not in wrong] or paths

        def rank(p):
            try:
                mtime = p.stat().st_mtime
            except OSError:
                mtime = 0
            return (p.stem == expected, mtime, str(p))

        best = max(right, key=rank)
        kept.append((best, key))
        others = sorted(p for p in paths if p != best)
        if others:
            also[best] = others
    return sorted(kept, key=lambda pk: (pk[1], str(pk[0]))), also


def other_entries(folder, skip=()):
    """Rows for what in a class folder is not a submission: a top-level file that is not a notebook,
    a folder without any notebook. Every entry of the folder gets a row. Returns {path: reason}."""
    skip = {Path(p).resolve() for p in skip}
    out = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith(".") or entry.resolve() in skip:
            continue
        if entry.is_dir() and not entry.is_symlink():
            if not any(p for p in entry.rglob("*.ipynb")):
                out[entry] = "not graded: a folder without a notebook"
        elif not entry.name.endswith(".ipynb"):
            out[entry] = "not graded: not a notebook (the file name does not end in .ipynb)"
    return out


def grade_course(args, out=sys.stdout):
    """Grade a class folder (or the notebooks given) against one set; write the CSV (and the
    feedback files, the Canvas file, the JSON). Returns the exit status."""
    from .grader import GradeResult, grade_many, is_private_reference
    from .report import display_name
    from .sandbox import detect

    log = sys.stderr if args.format == "json" else out
    roster = records.load_roster(args.roster) if args.roster else None
    extra = {}
    if args.folder:
        if not Path(args.folder).is_dir():
            raise CourseError(f"{args.folder} is not a folder")
        feedback_dir = Path(args.csv).with_name(Path(args.csv).stem + "_feedback")
        subs = [(p, k) for p, k in records.find_submissions(args.folder)
                if feedback_dir.resolve() not in p.resolve().parents]
        if not subs:
            raise CourseError(f"no .ipynb files in {args.folder} (looked in its sub-folders too)")
        if not args.student:
            extra = other_entries(args.folder, skip=(args.csv, feedback_dir))
        if args.student:
            wanted = set(args.student)
            subs = [(p, k) for p, k in subs if k in wanted or p.stem in wanted]
            if not subs:
                raise CourseError(f"no submission of {', '.join(sorted(wanted))} in {args.folder}")
    else:  # notebooks named on the command line: each is graded; same stems are told apart by path
        stems = Counter(Path(p).stem for p in args.notebooks)
        subs = [(Path(p), Path(p).stem if stems[Path(p).stem] == 1 else str(p)) for p in args.notebooks]
    subs = _shard(subs, args.shard)
    solutions = Path(args.solutions) if args.solutions else ex.default_root() / "solutions"
    notebooks = {p: _read(p) for p, _ in subs}
    sets = {p: submission_set(nb, p, solutions) if nb is not None else None for p, nb in notebooks.items()}
    reference, expected = choose_reference(args, sets.values())
    box = detect()
    if args.folder or is_private_reference(args.reference, args.solutions):
        require_isolation(box, reference, args.accept_unsandboxed_risk)
    ref_nb = ex.read_notebook(reference)
    table = ex.exercise_cells(ref_nb, where=str(reference))
    columns = records.columns_of(ref_nb, table, per_check=args.per_check)
    set_max = sum(e["points"] for e in table.values())
    base = Path(args.folder) if args.folder else None

    def label(path):
        text = str(path.relative_to(base)) if base else path.name
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # any file name

    wrong = {p: s for p, s in sets.items() if s and s != expected}
    subs, also = one_per_student(subs, wrong, expected) if args.folder else (subs, {})
    to_grade = [p for p, _ in subs if p not in wrong]

    def finish(results_by_path):
        rows, results = [], []
        for path, key in subs:
            r = results_by_path.get(path)
            if r is None:
                r = GradeResult(submission=path, error=f"exercise set {wrong[path]}, expected {expected}: not graded "
                                f"(hand in the {expected} notebook)" if path in wrong
                                else "not graded: the grading run was killed before it")
            r.label, r.max_of_set = label(path), set_max
            if also.get(path) and f"also handed in" not in (r.note or ""):
                r.note = "; ".join(filter(None, [r.note, "also handed in, not graded: "
                                                 + ", ".join(label(p) for p in also[path])]))
            results.append((r, records.student_of(key, roster)))
            rows.append(records.result_row(r, records.student_of(key, roster), columns, expected))
        for entry, why in extra.items():  # not submissions, but every entry of the folder gets a row
            r = GradeResult(submission=entry, error=why)
            r.label, r.max_of_set = label(entry), set_max
            student = records.student_of(display_name(entry), roster)
            results.append((r, student))
            rows.append(records.result_row(r, student, columns, expected))
        return results, rows

    def write(rows):
        """The CSV, never a crash: an OSError is reported (the whole class's CSV then goes to a
        fallback folder, see write_scores). Returns the path written, or None."""
        if args.student or not args.folder:  # a regrade: only these rows change
            ok = write_or_report(f"the CSV {args.csv}", lambda: records.upsert_rows(args.csv, columns, rows), log)
            return Path(args.csv) if ok else None
        return write_scores(args.csv, records.csv_text(rows, columns), log)

    def provisional(rows):
        # a row per submission before any kernel starts and after each one (SIGKILL-safe); the
        # final CSV replaces it
        if args.folder and not args.student:
            write_or_report(f"the provisional CSV {args.csv}",
                            lambda: atomic_write(args.csv, records.csv_text(rows, columns)), log)

    provisional(finish({})[1])
    graded = {}

    def progress(done):
        path, r = to_grade[len(done) - 1], done[-1]
        status = f"cannot grade: {r.error}" if r.error else f"{r.total:g}/{r.max_total:g}"
        print(f"{label(path)}: {status} ({r.seconds:.1f} s)", file=log)
        graded.update(zip(to_grade, done))
        provisional(finish(graded)[1])

    print(box.note, file=log)  # the first line: grading has started, and how it is sandboxed
    results = grade_many(to_grade, reference, args.timeout, args.jobs, args.solutions, out=None,
                         notebook_timeout=args.notebook_timeout, partial=args.partial, sandbox=box,
                         progress=progress)
    graded.update(zip(to_grade, results))
    pairs, rows = finish(graded)
    status = 0
    if args.csv:
        written = write(rows)
        if written is None:
            status = 1
        else:
            print(f"wrote {written} ({len(rows)} rows; exercise set {expected}, reference {reference}"
                  + (f"; {len(wrong)} of another set, not graded" if wrong else "") + ")", file=log)
    if args.csv and not args.no_feedback:
        folder = Path(args.csv).with_name(Path(args.csv).stem + "_feedback")
        for r, student in pairs:
            path = folder / f"{_safe(student.id)}.md"
            write_or_report(f"the feedback file {path}", lambda: atomic_write(path, feedback_markdown(r)), log)
    if args.canvas:
        if write_or_report(f"the Canvas file {args.canvas}",
                           lambda: atomic_write(args.canvas, records.canvas_csv(rows, args.assignment or expected,
                                                                                 set_max)), log):
            print(f"wrote {args.canvas} (Canvas gradebook import, column {args.assignment or expected!r})", file=log)
        else:
            status = 1
    if args.format == "json":
        doc = {"exercise_set": expected, "reference": str(reference), "columns": columns,
               "submissions": [records.submission_json(r, s, expected) for r, s in pairs]}
        print(json.dumps(doc, indent=1, ensure_ascii=False), file=out)
    return status


def _safe(name):
    """A file name from a student id (no folders, no leading dot)."""
    cleaned = re.sub(r"[^\w.@+-]+", "_", str(name)).lstrip(".")
    return cleaned or "student"
