// Laying a figure out for its width: titles, legend, axis titles, labels and ticks.
const test = require("node:test");
const assert = require("node:assert/strict");
const figures = require("../../book/static/js/figures.js");

// a stand-in for the canvas: every character 0.55 of the font size wide
const measure = (text, size) => String(text).replace(/<[^>]*>/g, "").length * size * 0.55;

const FIG = {
  data: [
    { type: "bar", orientation: "h", y: ["Treated arm", "Control arm (randomised)", "Benchmark from the literature"],
      x: [0.7, 0.1, null], name: "Share" },
    { type: "scatter", mode: "lines", x: [0, 1], y: [0.05, 0.05], name: "5%: one planned test" },
  ],
  layout: {
    height: 380, font: { size: 14 }, margin: { l: 210, r: 20, t: 60, b: 60 }, showlegend: true,
    title: { text: "Share of simulated untreated patients who improve by one grade or more", font: { size: 15 } },
    xaxis: { title: { text: "Months since injury at the time of the injection, as enrolled" }, range: [0, 1] },
    yaxis: {},
    annotations: [{ xref: "x", x: 0.7, xanchor: "left", yref: "paper", y: 1, yanchor: "bottom", text: "CELLTOP: 7 of 10" }],
  },
};

test("a wide figure keeps its title on one line, clear of the toolbar", () => {
  const out = figures.fit(FIG, 1000, measure);
  assert.equal(out.title.text, FIG.layout.title.text);
  assert.equal(out.title.yref, "container");
  assert.equal(out.margin.l, 210);                 // category labels fit: the margin stays
  assert.equal(FIG.layout.margin.l, 210);          // the figure passed in is untouched
  assert.equal(out.legend.orientation, "h");
  assert.equal(out.legend.yanchor, "top");
  // the legend lies below the title, and the plot below both and the label above it
  const titleBottom = 6 + Math.ceil(15 * 1.3);
  assert.ok((1 - out.legend.y) * out.height >= titleBottom, JSON.stringify(out.legend));
  assert.ok(out.margin.t >= (1 - out.legend.y) * out.height + 20 + 22);
});

test("a phone wraps the title and the axis title, and wraps category labels into a narrower margin", () => {
  const out = figures.fit(FIG, 360, measure);
  const lines = out.title.text.split("<br>");
  assert.ok(lines.length >= 2);
  assert.equal(lines.join(" "), FIG.layout.title.text);
  lines.forEach((l) => assert.ok(measure(l, 15) <= 360 - 40 - 12, l));
  assert.ok(out.xaxis.title.text.includes("<br>"));
  assert.ok(out.margin.l < 210 && out.margin.l <= 0.4 * 360 + 2, String(out.margin.l));
  // only the categories that have a value are labelled, each line within the margin
  assert.deepEqual(out.yaxis.tickvals, ["Treated arm", "Control arm (randomised)"]);
  out.yaxis.ticktext.forEach((t) => t.split("<br>").forEach((l) => assert.ok(measure(l, 14) <= out.margin.l - 12, l)));
  assert.ok(out.height > FIG.layout.height);        // the plot keeps its height; the figure grows
});

test("a label that would run off the right edge turns to face inwards", () => {
  const out = figures.fit(FIG, 360, measure);
  assert.equal(out.annotations[0].xanchor, "right");
  assert.equal(figures.fit(FIG, 1000, measure).annotations[0].xanchor, "left");
});

test("crowded tick labels are thinned, their ticks kept", () => {
  const axis = { type: "log", range: [1, 4], tickvals: [10, 30, 100, 300, 1000, 3000, 10000],
                 ticktext: ["10", "30", "100", "300", "1,000", "3,000", "10,000"] };
  figures.thinTicks(axis, 200, (t) => measure(t, 14));
  assert.equal(axis.ticktext.length, 7);
  assert.ok(axis.ticktext.includes("") && axis.ticktext[0] === "10", axis.ticktext.join("|"));
  const wide = { type: "log", range: [1, 4], tickvals: [10, 100, 1000, 10000] };
  figures.thinTicks(wide, 800, (t) => measure(t, 14));
  assert.deepEqual(wide.ticktext, ["10", "100", "1000", "10000"]);
});

test("wrap keeps every word and a long word on its own line", () => {
  const eight = (t) => t.length * 8;
  assert.deepEqual(figures.wrap("aa bb cc", 40, eight), ["aa bb", "cc"]);
  assert.deepEqual(figures.wrap("extraordinarily long", 40, eight), ["extraordinarily", "long"]);
});

test("evenly spaced ticks are spaced out on a narrow axis", () => {
  const axis = { range: [0, 48], dtick: 4 };
  figures.thinTicks(axis, 150, (t) => measure(t, 14));
  assert.ok(axis.dtick >= 8 && (48 / axis.dtick) * (measure("48", 14) + 8) <= 150, String(axis.dtick));
  const wide = { range: [0, 48], dtick: 4 };
  figures.thinTicks(wide, 800, (t) => measure(t, 14));
  assert.equal(wide.dtick, 4);
});
