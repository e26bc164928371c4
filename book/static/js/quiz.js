/* Self-check questions (trialsim.content.selfcheck writes the markup): the
 * chosen option's feedback is shown, the others hidden, with a verdict. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  var RIGHT = "Correct.";
  var WRONG = "Not quite: read why, then try another option.";

  function initQuestion(fieldset) {
    var verdict = fieldset.querySelector(".tsx-verdict");
    fieldset.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        var right = false;
        fieldset.querySelectorAll(".tsx-feedback").forEach(function (p) {
          p.hidden = p.getAttribute("data-for") !== radio.id;
          if (!p.hidden) { right = p.classList.contains("tsx-right"); }
        });
        fieldset.classList.toggle("tsx-answered-right", right);
        fieldset.classList.toggle("tsx-answered-wrong", !right);
        verdict.textContent = right ? RIGHT : WRONG;
      });
    });
  }

  var api = { RIGHT: RIGHT, WRONG: WRONG, initQuestion: initQuestion };
  core.define(typeof module === "object" ? module : null,
              "quiz", api, { selector: ".tsx-question", init: api.initQuestion });
})(typeof self !== "undefined" ? self : this);
