/* The red-flag drill ([data-drill], written by trialsim.content.drill): the
 * learner ticks the flags a claim shows and checks; the scoring is the same
 * as trialsim.content.drill.Drill.score (a test holds the two equal). */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  /* The score of one claim: ``key`` is the drill's embedded key ({flags:
   * [{key, label, why, chapter, taught}], claims: {claim: [flag keys]}}),
   * ``ticked`` maps flag keys to true. Returns {right, total, missed, wrong}
   * with the missed and wrongly ticked flags in the key's order. */
  function score(key, claim, ticked) {
    var truth = {};
    key.claims[claim].forEach(function (f) { truth[f] = true; });
    var missed = [], wrong = [];
    key.flags.forEach(function (f) {
      if (truth[f.key] && !ticked[f.key]) { missed.push(f); }
      if (!truth[f.key] && ticked[f.key]) { wrong.push(f); }
    });
    return { right: key.flags.length - missed.length - wrong.length, total: key.flags.length,
             missed: missed, wrong: wrong };
  }

  /* The feedback for a score, as HTML in which every value is escaped and
   * every link checked to be a page of the course. */
  function feedbackHtml(result) {
    var c = core;
    var link = function (f) {
      var href = c.pageHref(f.chapter);
      var text = c.escapeHtml(f.taught);
      return href ? '<a href="' + c.escapeHtml(href) + '">' + text + "</a>" : text;
    };
    var items = result.missed.map(function (f) {
      return "<li>Missed: <strong>" + c.escapeHtml(f.label) + "</strong> (" + link(f) + "). " +
        c.escapeHtml(f.why) + "</li>";
    }).concat(result.wrong.map(function (f) {
      return "<li>Not shown by this claim: <strong>" + c.escapeHtml(f.label) + "</strong> (" + link(f) + ").</li>";
    }));
    return "<p><strong>" + result.right + " of " + result.total + " flag decisions right.</strong>" +
      (items.length ? "" : " All flags right.") + "</p>" + (items.length ? "<ul>" + items.join("") + "</ul>" : "");
  }

  function initDrill(el) {
    var key = JSON.parse(el.querySelector("script.tsd-data").textContent);
    var total = el.querySelector("[data-total]");
    var results = {};
    function summary() {
      var checked = Object.keys(results).length, allRight = 0;
      Object.keys(results).forEach(function (k) { if (results[k]) { allRight++; } });
      total.textContent = "Claims checked: " + checked + " of " + Object.keys(key.claims).length +
        "; every flag right on " + allRight + ".";
      el.setAttribute("data-all-right", String(allRight));
    }
    el.querySelectorAll("fieldset[data-claim]").forEach(function (fs) {
      var claim = fs.getAttribute("data-claim");
      var feedback = fs.querySelector(".tsd-feedback");
      fs.querySelector("button.tsd-check").addEventListener("click", function () {
        var ticked = {};
        fs.querySelectorAll('input[type="checkbox"]').forEach(function (box) { ticked[box.value] = box.checked; });
        var result = score(key, claim, ticked);
        var allRight = !result.missed.length && !result.wrong.length;
        feedback.innerHTML = feedbackHtml(result);
        fs.setAttribute("data-right", String(result.right));
        fs.classList.toggle("tsx-answered-right", allRight);
        fs.classList.toggle("tsx-answered-wrong", !allRight);
        results[claim] = allRight;
        summary();
      });
    });
  }

  var api = { score: score, feedbackHtml: feedbackHtml, initDrill: initDrill };
  core.define(typeof module === "object" ? module : null,
              "drill", api, { selector: "[data-drill]", init: api.initDrill });
})(typeof self !== "undefined" ? self : this);
