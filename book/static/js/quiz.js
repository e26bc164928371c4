/* Self-check questions (trialsim.content.selfcheck writes the markup): the
 * chosen option's feedback is shown, the others hidden, with a verdict. */
(function (root, factory) {
  "use strict";
  var mod = factory();
  if (typeof module === "object" && module.exports) { module.exports = mod; }
  else {
    var ns = (root.CellsOnTrial = root.CellsOnTrial || {});
    ns.quiz = mod;
    ns.core.register(".tsx-question", mod.initQuestion);
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

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

  return { RIGHT: RIGHT, WRONG: WRONG, initQuestion: initQuestion };
});
