// Decode every state of one explorer's payload with the page's own decoder,
// for the Python tests: node tests/js/decode_states.js payload.json
// prints one JSON line per state: [readouts, conclusion, slots].
const fs = require("node:fs");
const payload = require("../../book/static/js/payload.js");

const data = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const total = data.controls.reduce((n, c) => n * c.size, 1);
const out = [];
for (let i = 0; i < total; i++) {
  const state = payload.decode(data, payload.choiceOf(data, i));
  out.push(JSON.stringify([state.readouts, state.conclusion, state.slots]));
}
process.stdout.write(out.join("\n") + "\n");
