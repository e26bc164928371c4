"""Every chapter on paper, printed to PDF by Chromium: the chapter number in
the printed title, no figure split across a page break, each explorer printed
in the state the reader left it with its settings in words, and the
journal-club handout (the claim, the key numbers, the discussion questions,
the running order) on exactly one page."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from test_site_browser import wait_drawn

pytestmark = [pytest.mark.build, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]-*.md"))
PAGES_AT_MOST = 16   # the longest chapter (7, with its red-flag drill) prints on 16 A4 pages

# each figure's top and bottom text (its title and its x axis's title), to find on one page
FIGURE_ENDS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(f => {
  const line = el => el ? (el.querySelector('tspan.line') || el).textContent : '';
  return [line(f.querySelector('.gtitle')), line(f.querySelector('.xtitle'))];
})"""


def _squash(text: str) -> str:
    """Text as compared between the page and the PDF: ligatures undone, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdf_pages(page) -> list[str]:
    from pypdf import PdfReader

    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    page.emulate_media(media="screen")
    return [_squash(p.extract_text()) for p in reader.pages]


def _move_first_control(page) -> bool:
    """Move the first explorer's first control one step by keyboard; False if
    the chapter has no explorer."""
    control = page.locator("[data-explorer] select[data-index], [data-explorer] input[data-index]").first
    if control.count() == 0:
        return False
    control.focus()
    value = control.input_value()
    keys = ("ArrowDown", "ArrowUp") if control.evaluate("e => e.tagName") == "SELECT" else ("ArrowRight", "ArrowLeft")
    page.keyboard.press(keys[0])
    if control.input_value() == value:   # the default was the last option
        page.keyboard.press(keys[1])
    return True


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_prints_whole(open_page, chapter):
    rec = open_page(f"chapters/{chapter}.html")
    page = rec.page
    wait_drawn(page)
    settings_before = page.locator(".tsx-print-settings").all_text_contents()
    moved = _move_first_control(page)
    page.wait_for_timeout(150)
    settings = page.locator(".tsx-print-settings").all_text_contents()
    if moved:   # the sentence follows the controls: it is the state on screen that prints
        assert settings[0] != settings_before[0] and settings[1:] == settings_before[1:]
    ends = page.evaluate(FIGURE_ENDS)
    heading = page.locator("article h1").first.text_content().strip().rstrip("#").strip()
    pages = _pdf_pages(page)
    text = "".join(pages)

    number = chapter[:2].lstrip("0")
    assert re.match(rf"{number}\.\s", heading), heading
    assert pages[0].startswith(_squash(heading)[:30]), (heading, pages[0][:80])
    assert len(pages) <= PAGES_AT_MOST, f"{chapter} prints on {len(pages)} pages"

    figures = [(title, axis) for title, axis in ends if title and axis]
    assert len(figures) >= len(ends) - 1 and figures, ends
    for title, axis in figures:
        on = [i for i, p in enumerate(pages) if _squash(title) in p and _squash(axis) in p]
        assert on, f"{chapter}: figure '{title}' is split across pages (its axis title '{axis}' is elsewhere)"

    assert len(settings) == page.locator("[data-explorer]").count()
    for sentence in settings:
        assert sentence.startswith("Settings shown: ")
        assert _squash(sentence)[:60] in text, f"{chapter}: not printed: {sentence[:80]}"
    for hidden in ("Showcodecellsource", "Printtheone-pagehandout"):
        assert hidden not in text, f"{chapter}: '{hidden}' printed"
    print(f"{chapter}: {len(pages)} A4 pages, {len(figures)} figures each whole on a page")
    assert rec.problems() == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_journal_club_handout_is_one_page(open_page, chapter):
    rec = open_page(f"chapters/{chapter}.html")
    page = rec.page
    wait_drawn(page)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    before = page.evaluate("document.body.children.length")
    button = page.locator(".tsx-jc-print")
    assert button.count() == 1, "each chapter's key numbers carry the handout's print button"
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1
    pages = _pdf_pages(page)
    assert len(pages) == 1, f"{chapter}: the handout prints on {len(pages)} pages"
    sheet = pages[0]

    claim = page.locator("section#the-claim > p").first.text_content()
    questions = page.locator("section#for-journal-clubs ol").first.locator("li").all_text_contents()
    rows = page.locator("section#for-journal-clubs table tbody tr").all_text_contents()
    numbers = page.locator(".tsx-key-numbers dd").all_text_contents()
    assert sheet.startswith(_squash("Journal club: " + chapter[:2].lstrip("0") + "."))
    assert _squash(re.sub(r"\[\d+\]", "", claim))[:80] in sheet
    assert "Keynumbers" in sheet and "Discussionquestions" in sheet
    assert numbers and all(_squash(n) in sheet for n in numbers), numbers
    assert questions and all(_squash(q)[:60] in sheet for q in questions)
    assert rows and all(_squash(r)[:40] in sheet for r in rows)
    for absent in ("Showcodecellsource", "Printtheone-pagehandout", "Checkyourself"):
        assert absent not in sheet

    # after printing, the page is as it was
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(".tsx-print-handout").count() == 0
    assert page.evaluate("document.body.classList.contains('tsx-printing-handout')") is False
    assert page.evaluate("document.body.children.length") == before
    assert rec.problems() == []
