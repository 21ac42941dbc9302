"""What class mode writes: the CSV of scores and one Markdown feedback file per student.

Both are written by the grader's process only, after every kernel is gone, each through a
temporary file in the same folder and ``os.replace`` (atomic on POSIX): a reader sees the old
file or the complete new one, never a half-written one.
"""

import csv
import io
import os
import sys
import tempfile
from pathlib import Path


def points_text(points):
    """Points as the reports print them: 2, 1.5, 0 (no trailing .0)."""
    return f"{points:g}"


def display_name(path):
    """A file name as text that can always be written: bytes that are not UTF-8 (a submission
    unpacked from an archive made elsewhere) are shown as \\xNN escapes."""
    name = Path(path).name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def feedback_file_name(path):
    """The feedback file's name for a submission: its display name, made safe for any file system."""
    stem = display_name(path)
    stem = stem[:-len(".ipynb")] if stem.endswith(".ipynb") else stem
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) + ".md"


def atomic_write(path, text):
    """Write ``text`` to ``path`` through a temporary file and os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_or_report(what, write, out=None):
    """Run ``write()``; an OSError is printed (what was not written and why), never raised.
    Returns whether it was written. The message goes to stderr, and to ``out`` too when that is
    another stream (a class run's log)."""
    try:
        write()
        return True
    except OSError as exc:
        print(f"error: could not write {what}: {exc}", file=sys.stderr)
        if out is not None and out is not sys.stdout and out is not sys.stderr:
            print(f"error: could not write {what}: {exc}", file=out)
        return False


def write_scores(path, text, out=None):
    """Write a class run's CSV ``text`` to ``path``; if that fails, to the current folder, then to the
    temporary folder, saying where. Returns the path written. A class run always ends with its CSV:
    only when no folder at all can be written does this raise OSError."""
    if write_or_report(f"the CSV {path}", lambda: atomic_write(path, text), out):
        return Path(path)
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        fallback = folder / f"nnlib-grade-scores-{os.getpid()}.csv"
        if write_or_report(f"the CSV {fallback}", lambda: atomic_write(fallback, text), out):
            print(f"error: the CSV was written to {fallback} instead of {path}", file=sys.stderr)
            return fallback
    raise OSError(f"the CSV could not be written to {path} nor to a fallback folder")


def note_of(result):
    """The CSV note: why a notebook could not be graded, else what went wrong where (or nothing)."""
    if result.error:
        return result.error
    parts = [result.note] if result.note else []
    parts += [f"{e.name}: {e.reason}" for e in result.exercises if not e.passed]
    return "; ".join(parts)


def csv_text(results):
    """Columns: student, exercise_set, one per exercise, total, max, note."""
    sets = {r.exercise_set for r in results if not r.error}
    prefix = len(sets) > 1
    columns = []
    for r in results:
        for e in r.exercises:
            col = f"{r.exercise_set}:{e.name}" if prefix else e.name
            if col not in columns:
                columns.append(col)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "exercise_set", *columns, "total", "max", "note"])
    for r in results:
        row = dict.fromkeys(columns, "")
        for e in r.exercises:
            row[f"{r.exercise_set}:{e.name}" if prefix else e.name] = points_text(e.points)
        writer.writerow([display_name(r.submission), r.exercise_set, *row.values(), points_text(r.total), points_text(r.max_total),
                         note_of(r)])
    return buffer.getvalue()


def write_csv(results, csv_path):
    atomic_write(csv_path, csv_text(results))


def feedback_markdown(result):
    """A student's feedback: the total, then per exercise what passed, what failed and why, a hint."""
    lines = [f"# Feedback: {display_name(result.submission)}", ""]
    if result.error:
        lines += [f"This notebook could not be graded: {result.error}", ""]
        return "\n".join(lines)
    lines += [f"Exercise set `{result.exercise_set}`: **{points_text(result.total)} of {points_text(result.max_total)} points**.", ""]
    if result.note:
        lines += [f"Note: {result.note}.", ""]
    for e in result.exercises:
        status = "passed" if e.passed else "not passed"
        lines.append(f"## {e.name}: {points_text(e.points)}/{points_text(e.max_points)} ({status})")
        lines.append("")
        for c in e.checks:
            kind = "hidden check" if c.hidden else "visible check"
            plural = "s" if c.points != 1 else ""
            lines.append(f"- {kind} ({points_text(c.points)} point{plural}): {'passed' if c.passed else 'failed'}")
        if not e.passed:
            from .grader import failure_lines

            lines += ["", "```"] + failure_lines(e) + ["```"]
        if e.forbidden:
            lines += ["", "Not available to this answer: " + ", ".join(f"`{f}`" for f in e.forbidden)]
        lines.append("")
    return "\n".join(lines)


def write_feedback(results, folder):
    """One Markdown file per student in ``folder`` (named after the submission)."""
    for r in results:
        atomic_write(Path(folder) / feedback_file_name(r.submission), feedback_markdown(r))
