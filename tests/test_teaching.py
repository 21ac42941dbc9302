"""The chapters teach on their own (issue 13): little prose about the source notes, and in every
chapter learning goals, 'Check your understanding' questions with hidden answers, and a
'Common mistakes' box."""

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(BOOK.glob("[01][0-9]_*.ipynb"))

#: A sentence is "about the notes" when it names them, a sheet, a slip, a transcription or the errata.
ABOUT_NOTES = re.compile(
    r"\bnotes?\s+0\d\d\b|\bthe\s+(?:source\s+|lecture\s+)?notes?\b|\bsource\s+notes?\b|\blecture\s+notes?\b"
    r"|\bsheets?\b|\bslips?\b|\btranscri\w*|\berrat\w*",
    re.IGNORECASE)
MAX_SHARE = 0.03

FENCE = re.compile(r"^(`{3,}|:{3,})(.*)$")


def _markdown(path):
    nb = json.loads(path.read_text())
    return [("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "markdown"]


def visible_prose(text):
    """The text a reader sees without opening anything: no collapsed (dropdown) blocks, no code
    fences, no display math, no headings, no HTML comments."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    out, stack = [], []          # stack of (fence, hidden?)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line.strip())
        if m:
            fence, rest = m.group(1), m.group(2).strip()
            if stack and fence == stack[-1][0] and not rest:
                stack.pop()
                i += 1
                continue
            if rest.startswith("{"):
                # a directive: hidden if it is a dropdown, or has ":class: dropdown" among its options
                hidden = rest.startswith("{dropdown}") or rest.startswith("{toggle}")
                j = i + 1
                while j < len(lines) and lines[j].strip().startswith(":") and not FENCE.match(lines[j].strip()):
                    if re.match(r":class:.*\bdropdown\b", lines[j].strip()):
                        hidden = True
                    j += 1
                stack.append((fence, hidden))
                i = j
                continue
            stack.append((fence, True))   # a code fence: not prose
            i += 1
            continue
        if not any(hidden for _, hidden in stack) and not line.lstrip().startswith("#"):
            out.append(line)
        i += 1
    return "\n".join(out)


def sentences(text):
    text = re.sub(r"\$[^$]*\$", "x", text)               # inline math counts as a word
    chunks = re.split(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*]\s+|\n\s*\d+\.\s+|\n\|", text)
    return [c.strip() for c in chunks if re.search(r"[A-Za-z]{3,}", c or "")]


def share_about_notes(path):
    prose = "\n\n".join(visible_prose(t) for t in _markdown(path))
    all_sentences = sentences(prose)
    about = [s for s in all_sentences if ABOUT_NOTES.search(s)]
    return len(about) / max(len(all_sentences), 1), about


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_at_most_3_percent_of_visible_prose_is_about_the_notes(path):
    share, about = share_about_notes(path)
    assert share <= MAX_SHARE, (f"{path.name}: {share:.1%} of visible sentences are about the notes "
                                f"(at most {MAX_SHARE:.0%}):\n  " + "\n  ".join(s[:100] for s in about))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_opens_with_goals_not_with_the_notes(path):
    first = _markdown(path)[0]
    assert re.search(r"you will be able to|learning goals|by the end of this chapter", first, re.I), path.name
    assert not ABOUT_NOTES.search(visible_prose(first)), f"{path.name} opens with the notes"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_checks_understanding_and_lists_common_mistakes(path):
    text = "\n".join(_markdown(path))
    questions = re.findall(r"^(`{3,}|:{3,})\{admonition\}\s*(Question|Check your understanding)[^\n]*\n:class:[^\n]*dropdown",
                           text, flags=re.M | re.I)
    assert 2 <= len(questions) <= 4, (
        f"{path.name}: expected 2-4 'Check your understanding' questions, each an admonition titled "
        f"'Question ...' or 'Check your understanding ...' with ':class: dropdown' (answer hidden), found {len(questions)}")
    assert re.search(r"^(`{3,}|:{3,})\{(admonition|warning|caution)\}\s*Common mistakes", text, flags=re.M | re.I), (
        f"{path.name}: no 'Common mistakes' box (an admonition titled 'Common mistakes')")


EXERCISE_SETS = sorted((BOOK.parent / "solutions").glob("[01][0-9]_*.ipynb")) + sorted(
    (BOOK.parent / "exercises").glob("[01][0-9]_*.ipynb"))
#: The exercises speak of the book only: a student who never saw the notes must understand every task.
NOTES_IN_EXERCISES = re.compile(r"\bnotes?\s+0\d\d\b|\bsheets?\s*\d|\bthe\s+sheet'?s?\b|\b(?:source|lecture)\s+notes?\b",
                                re.IGNORECASE)


@pytest.mark.parametrize("path", EXERCISE_SETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_exercise_sets_never_refer_to_the_source_notes(path):
    nb = json.loads(path.read_text())
    found = []
    for index, cell in enumerate(nb["cells"]):
        text = "".join(cell["source"])
        if cell["cell_type"] == "code":  # what a student reads in code: comments and docstrings
            text = "\n".join(re.findall(r"#.*|\"\"\"[\s\S]*?\"\"\"", text))
        found += [f"cell {index}: ...{text[max(m.start() - 30, 0):m.end() + 30]!r}..."
                  for m in NOTES_IN_EXERCISES.finditer(text)]
    assert not found, f"{path.name} refers to the source notes, which a student never saw:\n" + "\n".join(found)


def test_the_notes_pattern_catches_what_it_should():
    for text in ("Note 004's network", "Sheet 5's forward pass", "in the sheet's convention", "the lecture notes"):
        assert NOTES_IN_EXERCISES.search(text), text
    for text in ("chapter 5's 2-2-2 network", "a note on shapes", "notebook 04"):
        assert not NOTES_IN_EXERCISES.search(text), text
