/* The explorer payload decoder: what a static page shows for each choice of
 * its controls, read from the JSON that trialsim.frontends.payload.encode
 * writes (the format is documented there, and only there).
 *
 * Pure functions, no DOM: the page (explorer.js), node's unit tests and the
 * Chromium test that holds this decoder to the Python engine all call them. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  /* Set ``value`` at a dotted path ("data.0.x.1") inside objects and arrays. */
  function setPath(target, path, value) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length - 1; i++) {
      target = Array.isArray(target) ? target[parseInt(keys[i], 10)] : target[keys[i]];
    }
    var last = keys[keys.length - 1];
    if (Array.isArray(target)) { target[parseInt(last, 10)] = value; } else { target[last] = value; }
  }

  /* The state's position in row-major order (the last control varies fastest). */
  function stateIndex(data, picked) {
    var idx = 0;
    data.controls.forEach(function (c, i) { idx = idx * c.size + picked[i]; });
    return idx;
  }

  /* The option indices of the state at ``index``: stateIndex's inverse. */
  function choiceOf(data, index) {
    var picked = [];
    for (var i = data.controls.length - 1; i >= 0; i--) {
      picked[i] = index % data.controls[i].size;
      index = Math.floor(index / data.controls[i].size);
    }
    return picked;
  }

  /* Column k's table index for this choice: a column is stored over only the
   * controls it depends on (its "deps"), in row-major order. */
  function column(data, k, picked) {
    var col = data.columns[k], idx = 0;
    col.deps.forEach(function (axis) { idx = idx * data.controls[axis].size + picked[axis]; });
    return col.values[idx];
  }

  /* A conclusion template ("{0} of {1}") filled with its fields. */
  function sentence(template, fields) {
    return template.replace(/\{(\d+)\}/g, function (m, k) { return fields[parseInt(k, 10)]; })
      .replace(/\{\{/g, "{").replace(/\}\}/g, "}");
  }

  /* What the page shows for option indices ``picked``: the state's index, the
   * readout strings, the slot values, the figure (the template with the slots
   * filled in) and the conclusion sentence. */
  function decode(data, picked) {
    var n = data.readouts.length;
    var readouts = [];
    for (var j = 0; j < n; j++) { readouts.push(data.strings[column(data, j, picked)]); }
    var slots = data.vectors[column(data, n, picked)];
    var figure = JSON.parse(JSON.stringify(data.template));
    data.slots.forEach(function (path, k) { setPath(figure, path, slots[k]); });
    var said = data.conclusions[column(data, n + 1, picked)];
    var fields = said[1].map(function (i) { return data.strings[i]; });
    return {
      index: stateIndex(data, picked),
      readouts: readouts,
      slots: slots,
      figure: figure,
      conclusion: sentence(data.sentences[said[0]], fields)
    };
  }

  var api = { setPath: setPath, stateIndex: stateIndex, choiceOf: choiceOf, column: column,
           sentence: sentence, decode: decode };
  core.define(typeof module === "object" ? module : null,
              "payload", api);
})(typeof self !== "undefined" ? self : this);
