"""Self-check questions: declaration checks and markup."""

import re

import pytest

from trialsim.selfcheck import Option, Question, quiz_html


def test_question_needs_one_correct_option_and_explanations():
    with pytest.raises(ValueError, match="exactly one correct"):
        Question("Q?", [Option("a", why="x"), Option("b", why="y")])
    with pytest.raises(ValueError, match="without an explanation"):
        Question("Q?", [Option("a", correct=True, why="x"), Option("b")])


def test_quiz_markup_gives_feedback_for_every_option():
    qs = [Question("Which?", [Option("right", True, "because"), Option("wrong", why="since")]),
          Question("Again?", [Option("no", why="n"), Option("yes", True, "y"), Option("maybe", why="m")])]
    html = quiz_html("t", qs)
    assert html.count("<fieldset") == 2 and html.count("<legend>") == 2
    radios = re.findall(r'<input type="radio" name="([^"]+)" id="([^"]+)"', html)
    assert len(radios) == 5
    for _, rid in radios:
        assert f'<label for="{rid}">' in html
        assert f'data-for="{rid}"' in html
    assert html.count("tsx-right") == 2 and html.count("tsx-wrong") == 3
    assert "Not quite. since" in html and "Correct. because" in html
