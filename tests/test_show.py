"""nnlib.chapters.show: the number and table formatting the chapters print with."""

import doctest

import numpy as np
import pytest

import nnlib.chapters.show as show
from nnlib.chapters.show import Table, fmt, fmt_list


def test_docstring_examples():
    assert doctest.testmod(show).failed == 0


@pytest.mark.parametrize("x, digits, expected", [
    (0.50732101, 4, "0.5073"),
    (-1e-9, 3, "0.000"),                 # no '-0.000'
    (-0.0, 2, "0.00"),
    (np.float64(-0.25), 2, "-0.25"),
    (13462.3, ".3e", "1.346e+04"),
    (-1e-300, ".2e", "-1.00e-300"),      # not zero in this spec: the sign stays
    (np.int64(7), 4, "7"),
    (True, 4, "1"),
    (3, ".2f", "3.00"),
    (np.array(0.125), 2, "0.12"),
])
def test_fmt(x, digits, expected):
    assert fmt(x, digits) == expected


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), "0.5", None, 1 + 2j])
def test_fmt_refuses_what_is_not_one_real_number(bad):
    with pytest.raises(TypeError, match="expected a real number"):
        fmt(bad)


def test_fmt_refuses_bad_digits():
    with pytest.raises(ValueError, match=">= 0"):
        fmt(1.0, -1)
    with pytest.raises(TypeError, match="digits"):
        fmt(1.0, 2.5)


def test_fmt_list_matches_rounded_python_floats():
    values = np.array([0.25, -1e-12, 1 / 3, 2.0])
    assert fmt_list(values, 3) == "[0.25, 0.0, 0.333, 2.0]"
    assert fmt_list([1, 2], 2) == "[1, 2]"
    with pytest.raises(ValueError, match="1-D"):
        fmt_list(np.zeros((2, 2)))


def test_table_text_and_html_agree():
    t = Table(["epoch", "loss", "note"], [[1, 0.123456, "ok"], [10, 2.5, "a<b"]],
              digits=[None, ".3e", None], title="Training")
    text = str(t).splitlines()
    assert text[0] == "Training"
    assert text[1].split() == ["epoch", "loss", "note"]
    assert text[2].split() == ["1", "1.235e-01", "ok"]
    html = t._repr_html_()
    assert html.startswith('<table class="nn-table">')
    assert "<td class=\"nn-num\">1.235e-01</td>" in html
    assert "a&lt;b" in html                      # text is escaped
    assert repr(t) == str(t)


def test_table_refuses_ragged_rows_and_bad_columns():
    with pytest.raises(ValueError, match=r"rows\[1\]\): expected 2 entries"):
        Table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(TypeError, match="column headings"):
        Table("ab", [])
    with pytest.raises(ValueError, match="one format per column"):
        Table(["a", "b"], [[1, 2]], digits=[2])
