/* The capstone's checklist ([data-appraisal], written by
 * trialsim.content.appraisal): the model appraisal opens only once every
 * item has an answer, then says where the learner and the model agree. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  /* The status line before the model appraisal is open. */
  function status(answered, total) {
    return answered < total
      ? "Answered " + answered + " of " + total + " items: answer every item to open the model appraisal."
      : "Every item answered: open the model appraisal when you are ready.";
  }

  function initAppraisal(el) {
    var items = el.querySelectorAll("fieldset[data-item]");
    var button = el.querySelector("button.tsa-open");
    var line = el.querySelector("[data-status]");
    function answered() {
      var n = 0;
      items.forEach(function (fs) { if (fs.querySelector('input[type="radio"]:checked')) { n++; } });
      return n;
    }
    function refresh() {
      var n = answered();
      button.disabled = n < items.length;
      if (!el.classList.contains("tsa-opened")) { line.textContent = status(n, items.length); }
    }
    el.addEventListener("change", refresh);
    button.addEventListener("click", function () {
      var same = 0;
      items.forEach(function (fs) {
        var mine = fs.querySelector('input[type="radio"]:checked');
        var ok = mine && mine.value === fs.getAttribute("data-model");
        if (ok) { same++; }
        fs.querySelector(".tsa-verdict").textContent = ok ? "You and the model appraisal agree." :
          "The model appraisal differs: read its reasons.";
        fs.querySelector(".tsa-model").hidden = false;
        fs.classList.toggle("tsx-answered-right", !!ok);
        fs.classList.toggle("tsx-answered-wrong", !ok);
      });
      el.classList.add("tsa-opened");
      el.setAttribute("data-agree", String(same));
      line.textContent = "Model appraisal open: you agree with it on " + same + " of " + items.length + " items.";
    });
    refresh();
  }

  var api = { status: status, initAppraisal: initAppraisal };
  core.define(typeof module === "object" ? module : null,
              "appraisal", api, { selector: "[data-appraisal]", init: api.initAppraisal });
})(typeof self !== "undefined" ? self : this);
