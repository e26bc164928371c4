"""Every built chapter has the course's shape: the nine sections in order, an
explorer, at least five self-check questions, numbers and citations rendered."""

import re

import pytest

pytestmark = pytest.mark.build

SECTIONS = ["Learning objectives", "The claim", "The study", "Explore", "What we can and cannot conclude",
            "What happened next", "Check yourself", "For journal clubs", "Exercise and references"]


@pytest.fixture(scope="module")
def chapters(site_dir):
    pages = sorted((site_dir / "chapters").glob("*.html"))
    assert pages, "no chapter was built"
    return {p.name: p.read_text(encoding="utf-8") for p in pages}


def _headings(html):
    found = re.findall(r"<h2>(?:<span class=\"section-number\">[^<]*</span>)?(.*?)<a class=\"headerlink\"", html)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in found]


def test_chapter_shape(chapters):
    for name, html in chapters.items():
        headings = _headings(html)
        positions = []
        for section in SECTIONS:
            match = [i for i, h in enumerate(headings) if h.startswith(section)]
            assert match, f"{name}: section {section!r} missing (has {headings})"
            positions.append(match[0])
        assert positions == sorted(positions), f"{name}: sections out of order: {headings}"


def test_chapter_interactive_parts(chapters):
    for name, html in chapters.items():
        assert "data-explorer=" in html, f"{name}: no explorer"
        assert html.count('<fieldset class="tsx-question"') >= 5, f"{name}: fewer than 5 self-checks"
        assert "Try this" in html, f"{name}: no 'Try this' prompts"


def test_numbers_and_citations_rendered(chapters):
    for name, html in chapters.items():
        for raw in ("{glue", "{eval}", "{footcite", "{term}"):
            assert raw not in html, f"{name}: {raw} left unrendered"
        assert html.count('class="output text_plain"') >= 10, f"{name}: numbers should come from the data ({{eval}})"
        assert re.search(r'class="footnote-reference', html), f"{name}: no citations"
        assert "doi" in html.lower(), f"{name}: references should give a DOI"


def test_built_self_checks_do_not_give_the_answer_away(chapters):
    """On the built pages, as a learner reads them: the right answer is in no
    one position in more than 40 % of the questions, is the longest option in
    at most a third, and every wrong option's feedback is specific."""
    import html as html_lib
    from collections import Counter

    positions, longest, total, feedback = Counter(), 0, 0, []
    for name, page in chapters.items():
        for fieldset in re.findall(r'<fieldset class="tsx-question".*?</fieldset>', page, flags=re.S):
            labels = [html_lib.unescape(t) for t in re.findall(r'<label for="[^"]+">(.*?)</label>', fieldset)]
            kinds = re.findall(r'<p class="tsx-feedback (tsx-right|tsx-wrong)"[^>]*>(.*?)</p>', fieldset, flags=re.S)
            assert len(labels) == len(kinds) >= 2, name
            right = [i for i, (kind, _) in enumerate(kinds) if kind == "tsx-right"]
            assert len(right) == 1, name
            positions[right[0]] += 1
            total += 1
            if all(len(labels[right[0]]) > len(t) for i, t in enumerate(labels) if i != right[0]):
                longest += 1
            feedback += [html_lib.unescape(text) for kind, text in kinds if kind == "tsx-wrong"]
    assert total >= 48
    assert max(positions.values()) <= 0.4 * total, positions
    assert longest <= total / 3, longest
    assert all(len(re.findall(r"[\w'’-]+", f.removeprefix("Not quite. "))) >= 12 for f in feedback)
    assert len(feedback) == len(set(feedback))


def test_built_shares_never_read_100_percent_when_they_are_not(chapters):
    page = chapters["07-mechanism-to-marketing.html"]
    assert re.search(r'The probability reaches\s*<span class="output text_plain">99\.6%</span>', page)
