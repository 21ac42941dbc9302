"""The review appendix (book/appendix_review.ipynb), its question list and its quiz widget."""

from pathlib import Path

import nbformat
import pytest

from nnlib.chapters.review import QUESTIONS

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "appendix_review.ipynb"


def test_questions_are_well_formed():
    keys = [q["key"] for q in QUESTIONS]
    assert len(keys) == len(set(keys)) >= 10
    for q in QUESTIONS:
        assert {"key", "title", "sheet", "question", "choices", "correct", "answer"} <= set(q)
        assert len(q["choices"]) == 3 and 0 <= q["correct"] < 3
        assert len(set(q["choices"])) == 3


def test_page_shows_every_question_and_its_answer_behind_a_toggle():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for i, q in enumerate(QUESTIONS, start=1):
        cell = next((m for m in markdown if m.startswith(f"## {q['title']}\n")), None)
        assert cell is not None, f"question {i} ({q['key']}) is missing from the page"
        question_part, _, answer_part = cell.partition(":::{dropdown} Answer")
        assert q["question"] in question_part
        assert q["answer"] in answer_part and q["choices"][q["correct"]] in answer_part
        assert answer_part.rstrip().endswith(":::")


def test_quiz_widget_marks_answers():
    pytest.importorskip("ipywidgets")
    from nnlib.explorers.review import ReviewQuiz

    quiz = ReviewQuiz()
    assert len(quiz.radios) == len(QUESTIONS)
    assert quiz.check(0) is None  # nothing chosen yet
    quiz.radios[0].value = QUESTIONS[0]["correct"]
    assert quiz.check(0) is True
    quiz.radios[1].value = (QUESTIONS[1]["correct"] + 1) % 3
    assert quiz.check(1) is False
    assert quiz.score() == (1, 2)
    quiz.show_answer(2)
    assert "Answer" in quiz.answers[2].value
