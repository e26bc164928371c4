// The drill's scoring and feedback, as trialsim.content.drill.Drill.score does it.
const test = require("node:test");
const assert = require("node:assert/strict");
const drill = require("../../book/static/js/drill.js");

const KEY = {
  name: "toy",
  flags: [
    { key: "no_control", label: "No control group", why: "Compare with what happens anyway.",
      chapter: "01-celltop-spinal-cord", taught: "Chapter 1" },
    { key: "testimonial", label: "A testimonial", why: "One story is not a trial.",
      chapter: "07-mechanism-to-marketing", taught: "Chapter 7" },
    { key: "pay", label: "Pay to join <b>", why: "Trials rarely charge.",
      chapter: "javascript:alert(1)", taught: "<script>x</script>" },
  ],
  claims: { c1: ["no_control", "testimonial"], c2: [] },
};

test("a claim's score counts every flag decision", () => {
  const all = drill.score(KEY, "c1", { no_control: true, testimonial: true });
  assert.equal(all.right, 3);
  assert.deepEqual([all.missed.length, all.wrong.length], [0, 0]);
  const some = drill.score(KEY, "c1", { no_control: true, pay: true });
  assert.equal(some.right, 1);
  assert.deepEqual(some.missed.map((f) => f.key), ["testimonial"]);
  assert.deepEqual(some.wrong.map((f) => f.key), ["pay"]);
  assert.equal(drill.score(KEY, "c2", {}).right, 3);
});

test("feedback escapes every value and links only to the course's pages", () => {
  const html = drill.feedbackHtml(drill.score(KEY, "c1", { pay: true }));
  assert.match(html, /^<p><strong>0 of 3 flag decisions right\.<\/strong><\/p><ul>/);
  assert.ok(html.includes('<a href="01-celltop-spinal-cord.html">Chapter 1</a>'));
  assert.ok(html.includes("Pay to join &lt;b&gt;"));
  assert.ok(html.includes("(&lt;script&gt;x&lt;/script&gt;)"));   // no link for a chapter that is not a page
  assert.ok(!html.includes("javascript:"));
  assert.equal(drill.feedbackHtml(drill.score(KEY, "c2", {})),
    "<p><strong>3 of 3 flag decisions right.</strong> All flags right.</p>");
});
