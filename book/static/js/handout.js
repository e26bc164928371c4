/* A chapter's one-page journal-club handout: the "Print the one-page handout"
 * button (trialsim.content.handout writes it in the chapter's key numbers)
 * prints the chapter's number and title, its "The claim" section, the key
 * numbers and its "For journal clubs" section (the discussion questions and
 * the running order), without code, figures or buttons. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  var LEAVE_OUT = ".cell_input, .tsx-jc-actions, button, script, .headerlink, .tsx-plotly, .js-plotly-plot, " +
    "[data-explorer], .tsx-quiz, figure, img, .footnote-reference";

  /* A copy of the section with id ``id`` in ``article``, without what paper cannot use. */
  function sectionCopy(article, id, keepCells) {
    var section = article.querySelector("section#" + id);
    if (!section) { return null; }
    var copy = section.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll(LEAVE_OUT).forEach(function (el) { el.parentNode.removeChild(el); });
    if (!keepCells) {   // the claim's text only: its code cells' outputs stay on the page
      copy.querySelectorAll(".cell").forEach(function (el) { el.parentNode.removeChild(el); });
    }
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    return copy;
  }

  /* The handout of the chapter ``article`` as an element. */
  function handoutSheet(doc, article) {
    var sheet = doc.createElement("div");
    var heading = article.querySelector("h1");
    var title = doc.createElement("h1");
    title.textContent = "Journal club: " + (heading ? heading.textContent.replace(/#\s*$/, "").trim() : doc.title);
    sheet.appendChild(title);
    [sectionCopy(article, "the-claim", false), sectionCopy(article, "for-journal-clubs", true)]
      .forEach(function (part) { if (part) { sheet.appendChild(part); } });
    var note = doc.createElement("p");
    note.className = "tsx-jc-from";
    note.textContent = "From Cells on Trial: " + root.location.href.split("#")[0].split("?")[0];
    sheet.appendChild(note);
    return sheet;
  }

  function initHandout(box) {
    var button = box.querySelector(".tsx-jc-print");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var doc = root.document;
      core.printAlone(doc, handoutSheet(doc, doc.querySelector("article") || doc.body));
    });
  }

  var api = { handoutSheet: handoutSheet, initHandout: initHandout };
  core.define(typeof module === "object" ? module : null,
              "handout", api, { selector: ".tsx-key-numbers", init: api.initHandout,
                                failure: "The handout's print button could not start." });
})(typeof self !== "undefined" ? self : this);
