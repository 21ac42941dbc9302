"""The review quiz of ``book/appendix_review.ipynb``: Sheet 5's short answers as an interactive quiz.

One block per question of ``nnlib.chapters.review.QUESTIONS``: the question, its choices as radio buttons,
a "Check" button that says right or wrong, and a "Show answer" button that reveals the full answer.
Needs a running Jupyter kernel; the HTML book shows the same questions with the answers behind a
toggle instead. Only HTML widgets are used (no ``Output`` widget), so it also runs headless.
"""

import html
import re

import ipywidgets as widgets

from ..chapters.review import QUESTIONS


def _plain(markdown):
    """Markdown to simple HTML: links become their text, `code` stays code, math stays as typed."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = html.escape(text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


class ReviewQuiz:
    """An interactive quiz over ``questions`` (default: all of ``nnlib.chapters.review.QUESTIONS``).

    >>> ReviewQuiz()          # in Jupyter: choose, press Check, or Show answer

    ``quiz.check(i)`` marks question i; ``quiz.score()`` returns (right, answered).
    """

    def __init__(self, questions=None):
        self.questions = list(QUESTIONS if questions is None else questions)
        self.radios, self.feedback, self.answers, self._marked = [], [], [], {}
        blocks = []
        for i, q in enumerate(self.questions):
            radio = widgets.RadioButtons(options=[(c, k) for k, c in enumerate(q["choices"])], value=None,
                                         layout=widgets.Layout(width="auto"))
            feedback = widgets.HTML()
            answer = widgets.HTML()
            check = widgets.Button(description="Check", button_style="primary")
            show = widgets.Button(description="Show answer")
            check.on_click(lambda _, i=i: self.check(i))
            show.on_click(lambda _, i=i: self.show_answer(i))
            self.radios.append(radio)
            self.feedback.append(feedback)
            self.answers.append(answer)
            header = widgets.HTML(f"<h3>{i + 1}. {html.escape(q['title'])}</h3><p>{_plain(q['question'])}</p>")
            blocks.append(widgets.VBox([header, radio, widgets.HBox([check, show]), feedback, answer]))
        self.score_label = widgets.HTML()
        self.widget = widgets.VBox(blocks + [self.score_label])
        self._update_score()

    def check(self, i):
        """Mark question i; returns True, False, or None when no choice is selected."""
        choice = self.radios[i].value
        if choice is None:
            self.feedback[i].value = "<i>Choose an answer first.</i>"
            return None
        right = choice == self.questions[i]["correct"]
        self._marked[i] = right
        self.feedback[i].value = ("<b style='color:green'>Right.</b>" if right
                                  else "<b style='color:#b00'>Not quite: try again, or show the answer.</b>")
        self._update_score()
        return right

    def show_answer(self, i):
        q = self.questions[i]
        self.answers[i].value = (f"<p><b>Answer:</b> {_plain(q['choices'][q['correct']])}</p>"
                                 f"<p>{_plain(q['answer'])}</p>")

    def score(self):
        return sum(self._marked.values()), len(self._marked)

    def _update_score(self):
        right, answered = self.score()
        self.score_label.value = f"<b>Score: {right} of {answered} checked ({len(self.questions)} questions)</b>"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
