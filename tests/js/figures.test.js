// Fitting a figure's layout to a phone's width.
const test = require("node:test");
const assert = require("node:assert/strict");
const figures = require("../../book/static/js/figures.js");

const LAYOUT = {
  title: { text: "Share of simulated untreated patients who improve by one grade or more" },
  xaxis: { title: { text: "Months since injury at the time of the injection, as enrolled" } },
  margin: { l: 180, t: 60, b: 60 },
  showlegend: true,
};

test("a wide screen keeps the layout as it is", () => {
  assert.equal(figures.fitNarrow(LAYOUT, 900), LAYOUT);
  assert.equal(figures.fitNarrow({}, 300).title, undefined);
});

test("a phone wraps the titles, moves the legend below and gives the left margin back", () => {
  const out = figures.fitNarrow(LAYOUT, 360);
  const lines = out.title.text.split("<br>");
  assert.ok(lines.length >= 2 && lines.every((l) => l.length <= 40), out.title.text);
  assert.equal(lines.join(" "), LAYOUT.title.text);
  assert.ok(out.xaxis.title.text.includes("<br>") && out.xaxis.automargin);
  assert.equal(out.legend.orientation, "h");
  assert.ok(out.legend.y < 0);
  assert.equal(out.margin.l, 100);
  assert.equal(out.margin.t, 30 + 20 * lines.length);
  assert.equal(LAYOUT.margin.l, 180);   // the original is untouched
});

test("wrap keeps every word and a long word on its own line", () => {
  assert.deepEqual(figures.wrap("aa bb cc", 5), ["aa bb", "cc"]);
  assert.deepEqual(figures.wrap("extraordinarily long", 5), ["extraordinarily", "long"]);
});
