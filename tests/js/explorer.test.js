// Preset links: which controls a link sets, and which it may not.
const test = require("node:test");
const assert = require("node:assert/strict");
const explorer = require("../../book/static/js/explorer.js");

const DATA = { name: "natural-recovery", controls: [{ size: 3 }, { size: 4 }, { size: 2 }] };
const NAMES = ["design", "n", "endpoint"];

test("a link for this explorer sets the controls it names, within range", () => {
  const got = explorer.presetChoice("?tsx=natural-recovery&design=2&n=9&endpoint=1", DATA, NAMES, [0, 1, 0]);
  assert.deepEqual(got, { picked: [2, 1, 1], set: 2 });
});

test("a link for another explorer, or with nothing usable, changes nothing", () => {
  assert.equal(explorer.presetChoice("?tsx=other&design=1", DATA, NAMES, [0, 0, 0]), null);
  assert.deepEqual(explorer.presetChoice("?tsx=natural-recovery&design=x&n=-1", DATA, NAMES, [0, 2, 1]),
    { picked: [0, 2, 1], set: 0 });
});
