// Escaping and links: every value placed in HTML goes through these.
const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../../book/static/js/core.js");

test("escapeHtml escapes the five characters that matter in HTML", () => {
  assert.equal(core.escapeHtml(`<a href="x" onclick='y'>&</a>`),
    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  assert.equal(core.escapeHtml(42), "42");
});

test("pageHref accepts only a page of the course", () => {
  assert.equal(core.pageHref("02-als-run-in"), "02-als-run-in.html");
  assert.equal(core.pageHref("chapters/05-liver-landmark"), "chapters/05-liver-landmark.html");
  for (const bad of ["javascript:alert(1)", "../etc/passwd", "x\" onmouseover=\"y", "https://example.org/a",
                     "", "a//b", "a b"]) {
    assert.equal(core.pageHref(bad), null, bad);
  }
});
