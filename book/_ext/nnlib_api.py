"""Sphinx extension for the book's API reference: docstrings link back to their chapters.

nnlib's docstrings name the chapter that introduces a piece ("chapter 5 derives these", "Chapter 3
(``book/03_forward_propagation.ipynb``)"). In Jupyter, ``help()`` shows that text as it is; in the
HTML reference this hook turns each mention into a link to the chapter's page, so the docstrings
stay plain text and need no Sphinx markup.
"""

import re
from pathlib import Path

BOOK = Path(__file__).resolve().parents[1]

# "``book/05_backpropagation.ipynb``" (a chapter's file, as a literal) -> a link to that page.
FILE_LITERAL = re.compile(r"``book/(\d\d_[a-z0-9_]+)\.ipynb``")
# "chapter 5" or "Chapter 11" (not inside a literal or a word) -> a link to that chapter.
CHAPTER = re.compile(r"(?<![\w`/])([Cc]hapter) (\d{1,2})\b(?![`\w])")


def chapter_pages():
    """Chapter number -> docname ('book/05_backpropagation'), from the chapter files in book/."""
    pages = {}
    for path in sorted(BOOK.glob("[0-9][0-9]_*.ipynb")):
        pages[int(path.name[:2])] = f"book/{path.stem}"
    return pages


def link_chapters(app, what, name, obj, options, lines):
    pages = app.config.nnlib_chapter_pages
    in_literal_block = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        # Leave code examples (">>> ...", "::" blocks) as they are.
        if stripped.startswith(">>>"):
            continue
        if in_literal_block:
            if stripped and not line.startswith((" ", "\t")):
                in_literal_block = False
            else:
                continue
        line = FILE_LITERAL.sub(lambda m: f":doc:`{m.group(1)}.ipynb </book/{m.group(1)}>`", line)

        def chapter(m):
            number = int(m.group(2))
            if number not in pages:
                return m.group(0)
            return f":doc:`{m.group(1)} {number} </{pages[number]}>`"

        line = CHAPTER.sub(chapter, line)
        lines[i] = line
        if stripped.endswith("::"):
            in_literal_block = True


def setup(app):
    app.add_config_value("nnlib_chapter_pages", chapter_pages(), "env")
    app.connect("autodoc-process-docstring", link_chapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
