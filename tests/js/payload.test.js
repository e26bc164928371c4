// The payload decoder on a payload small enough to check by hand.
const test = require("node:test");
const assert = require("node:assert/strict");
const payload = require("../../book/static/js/payload.js");

// Two controls (3 x 2 options). Readout 0 depends on the first control only;
// the figure on the second only; the conclusion on both.
const DATA = {
  name: "toy",
  controls: [{ name: "n", size: 3 }, { name: "arm", size: 2 }],
  readouts: ["Patients"],
  template: { data: [{ type: "bar", x: ["a", "b"], y: [null, null] }], layout: { title: { text: "T" } } },
  slots: ["data.0.y.0", "data.0.y.1"],
  strings: ["10", "20", "40", "with", "without"],
  vectors: [[0.1, 0.2], [0.5, 0.25]],
  sentences: ["{0} patients {1} a control arm.", "{0} patients: {{not}} {1}."],
  conclusions: [[0, [0, 3]], [0, [0, 4]], [1, [1, 3]], [0, [1, 4]], [0, [2, 3]], [1, [2, 4]]],
  columns: [
    { deps: [0], values: [0, 1, 2] },
    { deps: [1], values: [0, 1] },
    { deps: [0, 1], values: [0, 1, 2, 3, 4, 5] },
  ],
};

test("states are numbered row-major and choiceOf inverts stateIndex", () => {
  assert.equal(payload.stateIndex(DATA, [0, 0]), 0);
  assert.equal(payload.stateIndex(DATA, [0, 1]), 1);
  assert.equal(payload.stateIndex(DATA, [2, 1]), 5);
  for (let i = 0; i < 6; i++) { assert.equal(payload.stateIndex(DATA, payload.choiceOf(DATA, i)), i); }
});

test("a column is read over only the controls it depends on", () => {
  assert.equal(payload.column(DATA, 0, [2, 0]), 2);
  assert.equal(payload.column(DATA, 0, [2, 1]), 2);
  assert.equal(payload.column(DATA, 1, [0, 1]), 1);
  assert.equal(payload.column(DATA, 2, [1, 1]), 3);
});

test("decode fills the readouts, the figure and the conclusion", () => {
  const state = payload.decode(DATA, [1, 0]);
  assert.deepEqual(state.readouts, ["20"]);
  assert.deepEqual(state.slots, [0.1, 0.2]);
  assert.deepEqual(state.figure.data[0].y, [0.1, 0.2]);
  assert.equal(state.conclusion, "20 patients: {not} with.");
  assert.equal(state.index, 2);
  // the template itself is never changed
  assert.deepEqual(DATA.template.data[0].y, [null, null]);
});

test("setPath walks objects and arrays", () => {
  const target = { a: [{ b: 1 }, { b: [0, 0] }] };
  payload.setPath(target, "a.1.b.1", 7);
  payload.setPath(target, "a.0.b", 3);
  assert.deepEqual(target, { a: [{ b: 3 }, { b: [0, 7] }] });
});
