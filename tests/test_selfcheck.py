"""Self-check questions: declaration checks and markup."""

import re

import pytest

from trialsim.content.selfcheck import Option, Question, quiz_html


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


# ---------------------------------------------------------------- content files, shuffling, the whole book
import yaml  # noqa: E402

from trialsim.content import selfcheck  # noqa: E402

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "chapters").glob("*.selfcheck.yml"))


class _AnyValues(dict):
    """Every placeholder filled with one number: for checks that do not need the chapter's values."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return 0.5


def _book():
    return [selfcheck.load(path, _AnyValues()) for path in FILES]


def test_every_chapter_has_its_questions_as_content():
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.md"))
    assert [p.name[: -len(selfcheck.FILE_SUFFIX)] for p in FILES] == chapters
    for path in FILES:
        stem = path.name[: -len(selfcheck.FILE_SUFFIX)]
        text = (ROOT / "chapters" / f"{stem}.md").read_text(encoding="utf-8")
        assert f'selfcheck.show("{stem}"' in text, f"{stem}.md does not show its self-check file"
        assert "selfcheck.Question" not in text and "Q(" not in text, f"{stem}.md still writes questions in Python"


def test_the_right_answer_is_not_in_one_place_nor_the_longest():
    report = selfcheck.audit(_book())
    assert report["questions"] >= 48
    assert max(report["position_share"].values()) <= 0.40, report["position_share"]
    assert report["longest_share"] <= 1 / 3, report["correct_is_longest"]


def test_every_wrong_option_explains_itself_specifically():
    whys = []
    for quiz_id, questions in _book():
        for q in questions:
            for o in q.options:
                if not o.correct:
                    assert len(selfcheck._words(o.why)) >= selfcheck.MIN_WHY_WORDS, (quiz_id, q.id, o.text)
                    whys.append(o.why)
    assert len(whys) == len(set(whys)), "two wrong options share an explanation"


def test_no_trial_number_is_typed_into_a_question():
    """A number written into a self-check file that equals one of the course's
    data values (other than small counts and the conventional levels 5, 50,
    80, 90, 95, 99 and 100 %, and a number inside a name such as "25-foot")
    must be a placeholder instead."""
    from trialsim import data

    values = set()
    for name in data.names():
        if data.schema(name) == data.FACT_COLUMNS:
            for value in data.facts(name).values():
                if value > 10 or not float(value).is_integer():
                    values.add(f"{value:g}")
                if 0 < value < 1 and (value > 0.1 or not float(f"{value * 100:g}").is_integer()):
                    values.add(f"{value * 100:g}")
    values -= {"5", "50", "80", "90", "95", "99", "100"}
    for path in FILES:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in raw["questions"]:
            texts = [q["prompt"]] + [o[k] for o in q["options"] for k in ("text", "why")]
            for text in texts:
                bare = re.sub(r"\{[^{}]*\}", " ", text)
                for number in re.findall(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w-])", bare.replace(",", "")):
                    assert number not in values, f"{path.name} ({q['id']}): type {{...}} instead of {number}"


def test_shuffling_is_reproducible_and_the_same_in_both_front_ends():
    quiz_id, questions = _book()[0]
    q = questions[0]
    order = selfcheck.shuffled(quiz_id, q)
    assert order == selfcheck.shuffled(quiz_id, q)
    assert sorted(i for i, _ in order) == list(range(len(q.options)))
    html = selfcheck.quiz_html(quiz_id, questions[:1])
    shown = re.findall(r'<label for="[^"]+">([^<]+)</label>', html)
    assert shown == [__import__("html").escape(o.text) for _, o in order]
    widget = selfcheck.live(quiz_id, questions[:1])
    radio = widget.children[0].children[1]
    assert [label for label, _ in radio.options] == [o.text for _, o in order]
    radio.value = next(i for i, o in order if o.correct)
    assert "Correct." in widget.children[0].children[2].value


def _write(tmp_path, text):
    path = tmp_path / "xx-test.selfcheck.yml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_WHY = "this option mixes up the design of the trial with what its single result can show"


@pytest.mark.parametrize("body,message", [
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why?\n    options:\n      - text: x\n        why: " + GOOD_WHY
     + "\n      - text: y\n        why: " + GOOD_WHY + " again\n",
     r"xx-test.selfcheck.yml, question 1 \(a\): exactly one option must have 'correct: true' \(found 0\)"),
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why?\n    options:\n      - text: x\n        correct: true\n"
     "        why: right\n      - text: y\n        why: too short\n",
     r"question 1 \(a\), option b: the explanation has 2 words"),
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why {missing}?\n    options:\n      - text: x\n"
     "        correct: true\n        why: right\n      - text: y\n        why: " + GOOD_WHY + "\n",
     r"question 1 \(a\): no value named 'missing'"),
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why?\n    option:\n      - text: x\n",
     r"question 1 \(a\): unknown key\(s\) option"),
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why?\n    options: [\n", r"xx-test.selfcheck.yml: not valid YAML"),
    ("quiz: ch99\nquestions:\n  - id: Bad Id\n    prompt: Why?\n", r"question 1 \(Bad Id\): 'id' must be a short name"),
    ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Why?\n    options:\n      - text: x\n        correct: true\n"
     "        why: right\n      - text: y\n        why: " + GOOD_WHY + "\n      - text: z\n        why: " + GOOD_WHY
     + "\n", r"option c: the explanation repeats .*option b's"),
])
def test_a_malformed_question_names_the_file_the_question_and_the_problem(tmp_path, body, message):
    with pytest.raises(selfcheck.SelfCheckError, match=message):
        selfcheck.load(_write(tmp_path, body))


def test_placeholders_are_filled_with_the_course_formats(tmp_path):
    body = ("quiz: ch99\nquestions:\n  - id: a\n    prompt: Is {share:.0%} of {n} enough?\n    options:\n"
            "      - text: \"{{literal}} braces\"\n        correct: true\n        why: right\n"
            "      - text: other\n        why: " + GOOD_WHY + "\n")
    quiz_id, (q,) = selfcheck.load(_write(tmp_path, body), {"share": 0.997, "n": 1200})
    assert quiz_id == "ch99" and q.prompt == "Is 99.7% of 1200 enough?" and q.options[0].text == "{literal} braces"
