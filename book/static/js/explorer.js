/* Explorers: every [data-explorer] on a page, its precomputed states switched
 * by native controls (trialsim.frontends.static writes the markup), preset
 * from the page's address when a link asks for it. One draw per change. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  function ns() { return root.CellsOnTrial; }

  /* The option indices a preset link asks for, from a query string such as
   * "?tsx=natural-recovery&design=2" (see trialsim.frontends.explorer.preset_link):
   * null when the link names another explorer, else {picked, set} with the
   * indices of the controls it names (kept only when in range) and how many. */
  function presetChoice(search, data, names, current) {
    var params = new URLSearchParams(search);
    if (params.get("tsx") !== data.name) { return null; }
    var picked = current.slice(), set = 0;
    names.forEach(function (name, i) {
      var raw = params.get(name);
      if (raw === null) { return; }
      var idx = parseInt(raw, 10);
      if (!isNaN(idx) && idx >= 0 && idx < data.controls[i].size) { picked[i] = idx; set++; }
    });
    return { picked: picked, set: set };
  }

  function initExplorer(root_) {
    var doc = root.document;
    var payload = ns().payload;
    var data = JSON.parse(root_.querySelector("script.tsx-data").textContent);
    var controls = [];
    root_.querySelectorAll("select[data-index], input[data-index]").forEach(function (el) {
      controls[parseInt(el.getAttribute("data-index"), 10)] = el;
    });
    var readouts = root_.querySelectorAll("[data-readout]");
    var conclusion = root_.querySelector("[data-conclusion]");
    var figure = root_.querySelector(".tsx-figure");
    var settings = doc.createElement("p");   // on paper the controls are frozen: the settings in words
    settings.className = "tsx-print-settings";
    figure.parentNode.insertBefore(settings, root_.querySelector(".tsx-readouts"));
    var shown = -1;

    /* Each control's label and its current choice, in words. */
    function settingsText() {
      return "Settings shown: " + controls.map(function (el) {
        var label = el.labels && el.labels[0] ? el.labels[0].textContent.trim() : el.name;
        var choice = el.type === "range" ? el.getAttribute("aria-valuetext") : el.options[el.selectedIndex].text;
        var detail = el.getAttribute("data-details");
        detail = detail ? JSON.parse(detail)[parseInt(el.value, 10)] : "";
        return label + ": " + choice + (detail ? " (" + detail + ")" : "");
      }).join("; ") + ".";
    }

    function choice() {
      return controls.map(function (el) { return parseInt(el.value, 10); });
    }

    function update() {
      var picked = choice();
      var state = payload.decode(data, picked);
      controls.forEach(function (el) {
        var details = el.getAttribute("data-details");
        if (details) {   // a select's short label, and the current option's detail in words beside it
          root_.querySelector("#" + el.id + "-choice").textContent = JSON.parse(details)[parseInt(el.value, 10)];
        }
        if (el.type === "range") {
          var label = JSON.parse(el.getAttribute("data-labels"))[parseInt(el.value, 10)];
          el.setAttribute("aria-valuetext", label);
          var out = root_.querySelector('output[for="' + el.id + '"]');
          if (out) { out.textContent = label; }
        }
      });
      settings.textContent = settingsText();
      if (state.index === shown) { return; }   // "input" and "change" of one move: draw once
      shown = state.index;
      readouts.forEach(function (el) {
        el.textContent = state.readouts[parseInt(el.getAttribute("data-readout"), 10)];
      });
      ns().figures.draw(figure, state.figure);
      conclusion.textContent = state.conclusion;
      root_.setAttribute("data-state", String(state.index));
    }

    controls.forEach(function (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
    var preset = presetChoice(root.location.search, data, controls.map(function (el) { return el.name; }), choice());
    if (preset) {
      preset.picked.forEach(function (idx, i) { controls[i].value = String(idx); });
      var note = doc.createElement("p");
      note.className = "tsx-preset";
      note.setAttribute("role", "status");
      note.textContent = preset.set
        ? "The link you followed set " + preset.set + (preset.set === 1 ? " control" : " controls") +
          " to the claim's numbers. Change any of them to explore further."
        : "The link you followed named this explorer but no control it knows.";
      root_.insertBefore(note, root_.querySelector(".tsx-controls"));
    }
    update();
    if (preset) {
      root_.scrollIntoView();
      controls[0].focus();
    }
  }

  var api = { presetChoice: presetChoice, initExplorer: initExplorer };
  core.define(typeof module === "object" ? module : null,
              "explorer", api, { selector: "[data-explorer]", init: api.initExplorer, failure: "This explorer could not start." });
})(typeof self !== "undefined" ? self : this);
