/* Cells on Trial: the static front end's core.
 *
 * Every module of the course's JavaScript is a plain script (the site works
 * from a folder opened with file://, where ES modules do not load) that
 * publishes itself with define(): into one namespace, window.CellsOnTrial, or
 * for node's test runner. A module that drives part of a page registers a
 * component: a CSS selector and a function that starts one element. When the
 * page has been parsed, boot() starts every element of every component; a
 * component that fails shows a message in its own element and the others
 * still start. core.js loads first.
 *
 * No kernel, no network: everything a page needs is in the page. */
(function (root, factory) {
  "use strict";
  var mod = factory(root);
  if (typeof module === "object" && module.exports) { module.exports = mod; }
  else { (root.CellsOnTrial = root.CellsOnTrial || {}).core = mod; }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  /* Text made safe to place in HTML, in element content or in a quoted attribute. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  /* A relative link to a page of the course ("chapters/02-als-run-in"), or
   * null if the value is not one (no scheme, no "..", only safe characters). */
  function pageHref(page) {
    var text = String(page);
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(text)) { return null; }
    return text + ".html";
  }

  var components = [];

  /* Start ``init(element)`` for every element matching ``selector`` at boot. */
  function register(selector, init, failure) {
    components.push({ selector: selector, init: init, failure: failure || "" });
  }

  function boot(doc) {
    components.forEach(function (c) {
      doc.querySelectorAll(c.selector).forEach(function (el) {
        try { c.init(el); } catch (err) {
          if (c.failure) { el.insertAdjacentHTML("beforeend", '<p class="tsx-error">' + escapeHtml(c.failure) + "</p>"); }
          if (root.console) { root.console.error(err); }
        }
      });
    });
  }

  /* Publish a module: for node's tests as module.exports (pass node's
   * ``module``), in the browser as window.CellsOnTrial[name], with its
   * component (a selector, an init function, a failure message) registered. */
  function define(nodeModule, name, api, component) {
    if (nodeModule) { nodeModule.exports = api; return api; }
    root.CellsOnTrial[name] = api;
    if (component) { register(component.selector, component.init, component.failure); }
    return api;
  }

  /* Opened from a folder (file://), a browser lets the search page list the
   * matching pages but not read their text for excerpts: say so, and how to
   * get full search. */
  var FILE_SEARCH = "You opened the course from a folder, so search lists the pages that match but " +
    "cannot show excerpts from them. For full search, serve the site: run ./course serve in the " +
    "course's folder and open http://127.0.0.1:8000.";
  register("#search-results", function (el) {
    if (root.location && root.location.protocol === "file:") {
      el.insertAdjacentHTML("beforebegin", '<p class="tsx-search-note" role="note">' + escapeHtml(FILE_SEARCH) + "</p>");
    }
  });

  /* Print ``sheet`` (an element) alone: the print style shows it in place of
   * the page; it is removed, and the page is itself again, after printing. */
  function printAlone(doc, sheet) {
    sheet.classList.add("tsx-print-handout");
    doc.body.appendChild(sheet);
    doc.body.classList.add("tsx-printing-handout");
    var done = function () {
      doc.body.classList.remove("tsx-printing-handout");
      if (sheet.parentNode) { sheet.parentNode.removeChild(sheet); }
      root.removeEventListener("afterprint", done);
    };
    root.addEventListener("afterprint", done);
    root.print();
  }

  if (root.document) {
    if (root.document.readyState === "complete") {
      root.setTimeout(function () { boot(root.document); }, 0);
    } else {
      root.addEventListener("DOMContentLoaded", function () { boot(root.document); });
    }
  }

  return { escapeHtml: escapeHtml, pageHref: pageHref, register: register, boot: boot, define: define,
           printAlone: printAlone, FILE_SEARCH: FILE_SEARCH };
});
