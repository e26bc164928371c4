/* The appraisal test (trialsim.content.learning_test writes the markup): a
 * learner takes one form before chapter 1 and the other after chapter 8
 * (which first is chosen at random). Answers are scored here and kept in this
 * browser's localStorage only; nothing leaves the machine. The results show
 * the score by Key Concept, the change from pre- to post-test, and links to
 * the chapters that teach the concepts missed. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  var KEY = "cellsontrial.appraisal-test";

  function other(form) { return form === "A" ? "B" : "A"; }

  /* Score ``answers`` (item id -> option index as written) on form ``form``. */
  function score(data, form, answers) {
    var right = {};
    Object.keys(data.items).forEach(function (id) {
      var item = data.items[id];
      if (item.form === form) { right[id] = answers[id] === item.answer ? 1 : 0; }
    });
    return right;
  }

  /* Right and asked, by Key Concept, of one scored test. */
  function byConcept(data, right) {
    var out = {};
    Object.keys(right).forEach(function (id) {
      var c = data.items[id].concept;
      out[c] = out[c] || { right: 0, asked: 0 };
      out[c].right += right[id];
      out[c].asked += 1;
    });
    return out;
  }

  function total(right) {
    var ids = Object.keys(right);
    return { right: ids.reduce(function (s, id) { return s + right[id]; }, 0), asked: ids.length };
  }

  function load(storage) {
    try { return JSON.parse(storage.getItem(KEY) || "{}"); } catch (err) {
      if (root.console) { root.console.warn("Stored test results could not be read; starting afresh.", err); }
      return {};
    }
  }

  /* The results as HTML: overall, by concept (with the change when both tests
   * are done), the chapters to read for the concepts missed, and each item. */
  function resultsHtml(data, state) {
    var esc = core.escapeHtml;
    var last = state.post || state.pre;
    var pre = byConcept(data, state.pre.right), post = state.post ? byConcept(data, state.post.right) : null;
    var t0 = total(state.pre.right), t1 = state.post ? total(state.post.right) : null;
    var html = "<h2>Your results</h2><p class=\"tlt-total\">Pre-test: <strong>" + t0.right + " of " + t0.asked +
      "</strong>" + (t1 ? "; post-test: <strong>" + t1.right + " of " + t1.asked + "</strong> (change " +
      (t1.right - t0.right >= 0 ? "+" : "") + (t1.right - t0.right) + ")" : "") + ".</p>";
    html += "<table class=\"tlt-by-concept\"><caption>Items right by Key Concept</caption><thead><tr>" +
      "<th scope=\"col\">Key Concept</th><th scope=\"col\">Pre-test</th>" +
      (post ? "<th scope=\"col\">Post-test</th><th scope=\"col\">Change</th>" : "") + "</tr></thead><tbody>";
    var missed = {};
    Object.keys(data.concepts).forEach(function (c) {
      if (!pre[c]) { return; }
      var after = post && post[c];
      var now = after || pre[c];
      if (now.right < now.asked) { missed[c] = true; }
      html += "<tr><th scope=\"row\">" + esc(c + " " + data.concepts[c]) + "</th><td>" + pre[c].right + " of " +
        pre[c].asked + "</td>" + (post ? "<td>" + after.right + " of " + after.asked + "</td><td>" +
        (after.right - pre[c].right >= 0 ? "+" : "") + (after.right - pre[c].right) + "</td>" : "") + "</tr>";
    });
    html += "</tbody></table>";
    var chapters = {};
    Object.keys(data.items).forEach(function (id) {
      var item = data.items[id];
      if (missed[item.concept]) { (chapters[item.chapter] = chapters[item.chapter] || {})[item.concept] = true; }
    });
    var keys = Object.keys(chapters).sort();
    html += keys.length ? "<h3>Chapters to read again</h3><ul class=\"tlt-read\">" + keys.map(function (n) {
      return "<li><a href=\"" + esc(data.chapters[n]) + "\">Chapter " + n + "</a>: " +
        Object.keys(chapters[n]).sort().map(function (c) { return esc(c + " " + data.concepts[c]); }).join("; ") +
        "</li>";
    }).join("") + "</ul>" : "<p>Every concept right: well done.</p>";
    html += "<details class=\"tlt-review\"><summary>The " + (state.post ? "post" : "pre") +
      "-test's questions, with the right answers</summary><ol>" + Object.keys(last.right).map(function (id) {
        var item = data.items[id];
        return "<li><strong>" + (last.right[id] ? "Right" : "Not right") + ".</strong> " + esc(item.right) +
          " " + esc(item.why) + "</li>";
      }).join("") + "</ol></details>";
    return html;
  }

  function initTest(box) {
    var data = JSON.parse(box.querySelector("script.tlt-data").textContent);
    var storage = root.localStorage;
    var status = box.querySelector(".tlt-status"), results = box.querySelector(".tlt-results");
    var forms = {};
    box.querySelectorAll("form.tlt-form").forEach(function (f) { forms[f.getAttribute("data-form")] = f; });

    function render() {
      var state = load(storage);
      var stage = !state.pre ? "pre" : !state.post ? "post" : "done";
      var first = state.first;
      Object.keys(forms).forEach(function (name) { forms[name].hidden = true; });
      results.hidden = !state.pre;
      if (state.pre) { results.innerHTML = resultsHtml(data, state); }
      if (stage === "done") {
        status.textContent = "You have taken both tests. Your results are below; they are kept in this browser only.";
        return;
      }
      if (!first) {   // which form comes first is chosen at random, once
        first = Math.random() < 0.5 ? "A" : "B";
        state.first = first;
        storage.setItem(KEY, JSON.stringify(state));
      }
      var name = stage === "pre" ? first : other(first);
      status.textContent = stage === "pre" ?
        "Pre-test (form " + name + "): take it before chapter 1. " + Object.keys(score(data, name, {})).length +
        " questions; your answers stay in this browser." :
        "Post-test (form " + name + "): take it after chapter 8, to see what changed.";
      forms[name].hidden = false;
    }

    Object.keys(forms).forEach(function (name) {
      var f = forms[name];
      f.addEventListener("submit", function (event) {
        event.preventDefault();
        var answers = {}, blank = 0;
        f.querySelectorAll("fieldset.tlt-question").forEach(function (q) {
          var picked = q.querySelector("input:checked");
          if (picked) { answers[q.getAttribute("data-item")] = parseInt(picked.value, 10); } else { blank += 1; }
        });
        var note = f.querySelector(".tlt-unanswered");
        if (blank && !f.hasAttribute("data-warned")) {   // once: an unanswered question scores as not right
          f.setAttribute("data-warned", "");
          note.hidden = false;
          note.textContent = blank + (blank === 1 ? " question is" : " questions are") + " not answered; " +
            "they count as not right. Press the button again to score anyway.";
          return;
        }
        note.hidden = true;
        var state = load(storage);
        var stage = !state.pre ? "pre" : "post";
        state[stage] = { form: name, answers: answers, right: score(data, name, answers),
                         date: new Date().toISOString().slice(0, 10) };
        storage.setItem(KEY, JSON.stringify(state));
        render();
        results.querySelector("h2").setAttribute("tabindex", "-1");
        results.querySelector("h2").focus();
      });
    });
    box.querySelector(".tlt-clear").addEventListener("click", function () {
      storage.removeItem(KEY);
      box.querySelectorAll("input:checked").forEach(function (i) { i.checked = false; });
      box.querySelectorAll("form").forEach(function (f) { f.removeAttribute("data-warned"); });
      render();
      status.textContent = "Your answers were cleared from this browser. " + status.textContent;
    });
    render();
  }

  var api = { KEY: KEY, score: score, byConcept: byConcept, resultsHtml: resultsHtml, initTest: initTest };
  core.define(typeof module === "object" ? module : null,
              "learningtest", api, { selector: ".tlt-test", init: api.initTest,
                                     failure: "The appraisal test could not start." });
})(typeof self !== "undefined" ? self : this);
