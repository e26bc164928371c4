"""The "Your trial" page of the built site in Chromium, used as a reader uses
it: every calculator shows the engine's reading of its worked example, answers
the keyboard, says what is wrong next to a bad field and then shows no result,
survives 1,000 random inputs without an error, and keeps its numbers in the
page's address; Your appraisal makes a handout that attaches the changed
calculators; axe finds no serious or critical problem; the recompute time is
printed."""

from __future__ import annotations

import re
import statistics
import urllib.parse

import numpy as np
import pytest

from trialsim.frontends import toolkit

pytestmark = [pytest.mark.build, pytest.mark.browser]

PAGE = "book/your-trial.html"

# what a reader reads in a calculator's results, in the shape of toolkit.results_text
READ_JS = """el => {
  const r = el.querySelector('.tsx-calc-results');
  if (r.querySelector('.tsx-calc-nothing')) return null;
  const lines = [...r.querySelectorAll('.tsx-calc-rows dt')].map(dt => dt.textContent + ': ' +
                                                                  dt.nextElementSibling.textContent);
  r.querySelectorAll('.tsx-calc-table tr').forEach(tr =>
    lines.push([...tr.children].map(c => c.textContent).join(' | ')));
  r.querySelectorAll('.tsx-calc-reading p').forEach(p => lines.push(p.textContent));
  return lines.join('\\n');
}"""


def _texts(page, name: str) -> dict[str, str]:
    return {f["name"]: page.locator(f"#tsx-calc-{name}-{f['name']}").input_value()
            for f in toolkit.CALCULATORS[name]["fields"]}


def _read(page, name: str):
    return page.locator(f'.tsx-calc[data-calc="{name}"]').evaluate(READ_JS)


def _want(texts: dict[str, str], name: str):
    values, errors = toolkit.check(name, texts)
    return None if errors else toolkit.results_text(name, values)


def _type(page, selector: str, text: str) -> None:
    """Focus a field and replace its text from the keyboard."""
    page.locator(selector).focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    if text:
        page.keyboard.type(text)


def test_each_calculator_reads_its_worked_example_as_the_engine(open_page):
    rec = open_page(PAGE)
    page = rec.page
    page.wait_for_function("document.querySelectorAll('.tsx-calc[data-ready=result]').length === %d"
                           % len(toolkit.CALCULATORS))
    for name in toolkit.CALCULATORS:
        assert _texts(page, name) == {k: str(v) for k, v in toolkit.examples(name).items()}
        assert _read(page, name) == toolkit.results_text(name, toolkit.examples(name)), name
    # the worked examples are the chapters' numbers
    assert "Fisher's exact test, two-sided p: 0.616" in _read(page, "two-groups")
    assert "5.6% | < 0.0001" in _read(page, "one-group")
    assert rec.problems() == []


def test_keyboard_bad_input_and_the_address(open_page, site_url):
    rec = open_page(PAGE)
    page = rec.page
    page.wait_for_selector('.tsx-calc[data-calc="two-groups"][data-ready=result]')
    field = "#tsx-calc-two-groups-events_t"
    message = page.locator(f"{field}-msg")
    assert page.locator(field).get_attribute("aria-describedby") == "tsx-calc-two-groups-events_t-msg"
    assert page.locator('.tsx-calc[data-calc="two-groups"] .tsx-calc-results').get_attribute("aria-live") == "polite"
    page.locator("label[for='tsx-calc-two-groups-events_t']").click()  # the label names the field
    assert page.evaluate("document.activeElement.id") == "tsx-calc-two-groups-events_t"

    _type(page, field, "5")
    assert _read(page, "two-groups") == _want(_texts(page, "two-groups"), "two-groups")
    assert _read(page, "two-groups").count("5 of 69 treated patients") == 1

    for bad, words in [("", "This field is empty"), ("abc", "“abc” is not a number"),
                       ("-2", "-2 is out of range"), ("2.5", "2.5 is not a whole number"),
                       ("70", "cannot be more than treated: patients (69)")]:
        _type(page, field, bad)
        assert words in message.text_content(), (bad, message.text_content())
        assert page.locator(field).get_attribute("aria-invalid") == "true"
        assert _read(page, "two-groups") is None  # no number from bad input

    # a bad interval for a ratio, an estimate outside its interval
    _type(page, "#tsx-calc-estimate-low", "2")
    assert "must be below the upper limit" in page.locator("#tsx-calc-estimate-low-msg").text_content()
    _type(page, "#tsx-calc-estimate-low", "-0.5")
    assert "must lie within its interval" in page.locator("#tsx-calc-estimate-value-msg").text_content() or \
        "above 0" in page.locator("#tsx-calc-estimate-low-msg").text_content()
    _type(page, "#tsx-calc-estimate-low", "0.58")
    page.locator("#tsx-calc-estimate-scale").focus()
    page.keyboard.press("ArrowDown")  # difference: the worthwhile effect 0.7 is now on the side above 0
    assert page.locator("#tsx-calc-estimate-scale").input_value() == "difference"
    assert _read(page, "estimate") == _want(_texts(page, "estimate"), "estimate")

    # the address holds every calculator's inputs: a new reader sees the same analysis
    _type(page, field, "12")
    _type(page, "#tsx-calc-one-group-k", "4")
    page.wait_for_function("decodeURIComponent(location.hash).includes('one-group=4~')")  # rewritten within 150 ms
    url = page.url
    assert "two-groups=12~69~42~75~bad~0.1" in urllib.parse.unquote(url)
    link = page.locator('.tsx-calc[data-calc="two-groups"] .tsx-calc-link').get_attribute("href")
    assert urllib.parse.unquote(link) == urllib.parse.unquote("#" + url.split("#", 1)[1])
    before = {name: _read(page, name) for name in toolkit.CALCULATORS}
    again = open_page(PAGE + "#" + url.split("#", 1)[1]).page
    again.wait_for_selector('.tsx-calc[data-calc="ordered"][data-ready]')
    assert {name: _read(again, name) for name in toolkit.CALCULATORS} == before
    assert again.locator(field).input_value() == "12"
    assert rec.problems() == []


FUZZ_JS = """([name, fields, strings]) => {
  const el = document.querySelector(`.tsx-calc[data-calc="${name}"]`);
  const out = {refused: 0, shown: 0, bad: [], times: []};
  strings.forEach(([field, text], i) => {
    const input = el.querySelector(`#tsx-calc-${name}-${field}`);
    if (input.tagName === 'SELECT') return;
    input.value = text;
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', {bubbles: true}));
    out.times.push(performance.now() - t0);
    const messages = [...el.querySelectorAll('.tsx-field-msg')].map(m => m.textContent).filter(Boolean);
    const results = el.querySelector('.tsx-calc-results').textContent;
    const nothing = !!el.querySelector('.tsx-calc-nothing');
    if (messages.length) {
      out.refused++;
      if (!nothing) out.bad.push([field, text, 'a result shown beside a message']);
    } else {
      out.shown++;
      if (nothing || /NaN|undefined|Infinity%/.test(results)) out.bad.push([field, text, results.slice(0, 200)]);
    }
  });
  return out;
}"""


def _strings(rng, n: int) -> list[str]:
    pool = ["", " ", "abc", "-1", "0", "1", "1.5", "1e3", "1e400", "NaN", "Infinity", "0x1F", "1,2", ",", "٣",
            "<script>x</script>", "0.0001", "0.9999", "１", "1 2", "--1", ".", "+", "1e", "3, 3, 2, 1", "0, 0, 0"]
    out = []
    for _ in range(n):
        kind = rng.integers(0, 5)
        if kind == 0:
            out.append(str(rng.choice(pool)))
        elif kind == 1:
            out.append(str(int(rng.integers(-1000, 100_000))))
        elif kind == 2:
            out.append(f"{rng.normal(0, 10):.{int(rng.integers(0, 5))}f}")
        elif kind == 3:
            out.append(", ".join(f"{v:.3g}" for v in rng.uniform(-0.2, 1.2, int(rng.integers(1, 6)))))
        else:
            out.append("".join(chr(int(c)) for c in rng.integers(32, 0x2FFF, int(rng.integers(1, 8)))))
    return out


def test_a_thousand_random_inputs_per_calculator(open_page):
    rec = open_page(PAGE)
    page = rec.page
    page.wait_for_function("document.querySelectorAll('.tsx-calc[data-ready]').length === %d"
                           % len(toolkit.CALCULATORS))
    rng = np.random.default_rng(11)
    times = []
    for name, spec in toolkit.CALCULATORS.items():
        typed = [f["name"] for f in spec["fields"] if f["kind"] != "choice"]
        strings = [[str(rng.choice(typed)), s] for s in _strings(rng, 1000)]
        out = page.evaluate(FUZZ_JS, [name, typed, strings])
        assert out["bad"] == [], (name, out["bad"][:5])
        assert out["refused"] > 100 and out["refused"] + out["shown"] == 1000, (name, out)
        times += out["times"]
        # the last state, whatever it is, reads as the engine reads it
        assert _read(page, name) == _want(_texts(page, name), name)
    assert rec.problems() == []
    times.sort()
    print(f"recompute in Chromium: p50 {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * len(times))]:.2f} ms over {len(times)} inputs")


def test_your_appraisal_makes_the_handout(open_page):
    rec = open_page(PAGE)
    page = rec.page
    page.wait_for_selector(".tsx-handout")
    _type(page, "#tsx-ya-trial", "Example trial")
    page.locator("#tsx-ya-control-concern").focus()
    page.keyboard.press("Space")
    _type(page, "#tsx-ya-control-note", "single arm")
    _type(page, "#tsx-calc-one-group-k", "3")
    text = page.locator(".tsx-handout").text_content()
    answers = {"trial": "Example trial", "source": "", "control": "concern", "control_note": "single arm"}
    texts = _texts(page, "one-group")
    values, _ = toolkit.check("one-group", texts)
    assert text == toolkit.handout_markdown(answers, {"one-group": toolkit.results_text("one-group", values)})
    href = page.locator(".tsx-ya-download").get_attribute("href")
    assert href.startswith("data:text/markdown") and urllib.parse.unquote(href.split(",", 1)[1]) == text
    assert page.locator(".tsx-ya-download").get_attribute("download") == "appraisal.md"
    # printing shows the handout alone, on one A4 page, and the page is itself again afterwards
    page.evaluate("() => { window.print = () => { window.tsxPrinted = "
                  "document.querySelector('.tsx-print-handout').textContent; }; }")
    page.locator(".tsx-ya-print").focus()
    page.keyboard.press("Enter")
    printed = page.evaluate("window.tsxPrinted")
    assert printed.startswith("Appraisal: Example trial") and "single arm" in printed and "3 of 10" in printed
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(".tsx-print-handout").count() == 0
    assert rec.problems() == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_page_passes_axe(open_page, theme):
    from axe_playwright_python.sync_playwright import Axe

    rec = open_page(PAGE)
    rec.page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    rec.page.wait_for_selector(".tsx-handout")
    _type(rec.page, "#tsx-calc-two-groups-n_t", "x")  # a message on show
    violations = [v for v in Axe().run(rec.page).response["violations"] if v.get("impact") in ("serious", "critical")]
    assert violations == [], [(v["id"], v["nodes"][0].get("target")) for v in violations]
