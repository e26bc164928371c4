/* Cells on Trial: the static front end.
 * Drives every [data-explorer] (precomputed states switched by native
 * controls, preset from the address when a link asks for it), draws plotly
 * figures from embedded JSON with the site's own plotly.js, gives self-check
 * questions their feedback, scores the red-flag drill ([data-drill]) and
 * opens the capstone's model appraisal ([data-appraisal]) after an attempt.
 * No kernel, no network: everything it needs is in the page. */
(function () {
  "use strict";

  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function setPath(target, path, value) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length - 1; i++) {
      target = Array.isArray(target) ? target[parseInt(keys[i], 10)] : target[keys[i]];
    }
    var last = keys[keys.length - 1];
    if (Array.isArray(target)) { target[parseInt(last, 10)] = value; } else { target[last] = value; }
  }

  /* On a narrow screen (a phone), wrap a long title onto several lines
   * and give a wide left margin back to the plot, so nothing is cut off. */
  function fitNarrow(el, layout) {
    var width = el.clientWidth || 0;
    if (!width || width >= 560 || !layout.title || !layout.title.text) { return layout; }
    var out = JSON.parse(JSON.stringify(layout));
    var most = Math.max(20, Math.floor((width - 20) / 8.5));
    function wrap(text, size) {
      var lines = [""];
      text.split(" ").forEach(function (word) {
        var last = lines.length - 1;
        if (lines[last] && (lines[last] + " " + word).length > size) { lines.push(word); }
        else { lines[last] = lines[last] ? lines[last] + " " + word : word; }
      });
      return lines;
    }
    var lines = wrap(out.title.text, most);
    out.title.text = lines.join("<br>");
    var xTitle = out.xaxis && out.xaxis.title && out.xaxis.title.text;
    var xLines = xTitle ? wrap(xTitle, Math.max(16, Math.floor((width - 60) / 10))) : [];
    if (xLines.length > 1) {
      out.xaxis.title.text = xLines.join("<br>");
      out.xaxis.automargin = true;
      out.margin = out.margin || {};
      out.margin.b = (out.margin.b || 60) + 18 * (xLines.length - 1);
    }
    out.title.yref = "container";
    out.title.y = 0.97;
    out.title.yanchor = "top";
    out.title.pad = { t: 8 };
    out.margin = out.margin || {};
    out.margin.t = 30 + 20 * lines.length;
    if (out.showlegend) {             // a legend above the plot would sit on the title: put it below
      out.legend = { orientation: "h", x: 0, xanchor: "left", y: -0.3, yanchor: "top" };
      out.margin.b = (out.margin.b || 60) + 60;
      out.height = (out.height || 380) + 60;
    }
    if ((out.margin.l || 0) > 100) {
      out.margin.l = 100;
      out.yaxis = out.yaxis || {};
      out.yaxis.automargin = true;
    }
    return out;
  }

  function draw(el, fig) {
    if (!window.Plotly) {
      el.textContent = "This figure needs plotly.js, which did not load.";
      return;
    }
    window.Plotly.react(el, fig.data || [], fitNarrow(el, fig.layout || {}), PLOT_CONFIG);
  }

  function initExplorer(root) {
    var data = JSON.parse(root.querySelector("script.tsx-data").textContent);
    var controls = [];
    root.querySelectorAll("select[data-index], input[data-index]").forEach(function (el) {
      controls[parseInt(el.getAttribute("data-index"), 10)] = el;
    });
    var readouts = root.querySelectorAll("[data-readout]");
    var conclusion = root.querySelector("[data-conclusion]");
    var figure = root.querySelector(".tsx-figure");

    function choice() {
      return controls.map(function (el) { return parseInt(el.value, 10); });
    }

    function stateIndex(picked) {
      var idx = 0;
      data.controls.forEach(function (c, i) { idx = idx * c.size + picked[i]; });
      return idx;
    }

    /* A column is stored over only the controls it depends on (see
       trialsim.explorer.Explorer.payload). */
    function column(k, picked) {
      var col = data.columns[k], idx = 0;
      col.deps.forEach(function (axis) { idx = idx * data.controls[axis].size + picked[axis]; });
      return col.values[idx];
    }

    function update() {
      var picked = choice();
      var idx = stateIndex(picked);
      var nReadouts = data.readouts.length;
      controls.forEach(function (el) {
        if (el.type === "range") {
          var label = JSON.parse(el.getAttribute("data-labels"))[parseInt(el.value, 10)];
          el.setAttribute("aria-valuetext", label);
          var out = root.querySelector('output[for="' + el.id + '"]');
          if (out) { out.textContent = label; }
        }
      });
      readouts.forEach(function (el) {
        el.textContent = data.strings[column(parseInt(el.getAttribute("data-readout"), 10), picked)];
      });
      var fig = JSON.parse(JSON.stringify(data.template));
      var values = data.vectors[column(nReadouts, picked)];
      data.slots.forEach(function (path, k) { setPath(fig, path, values[k]); });
      draw(figure, fig);
      var said = data.conclusions[column(nReadouts + 1, picked)];
      conclusion.textContent = data.sentences[said[0]].replace(/\{(\d+)\}/g, function (m, k) {
        return data.strings[said[1][parseInt(k, 10)]];
      }).replace(/\{\{/g, "{").replace(/\}\}/g, "}");
      root.setAttribute("data-state", String(idx));
    }

    controls.forEach(function (el) {
      el.addEventListener("input", update);
      el.addEventListener("change", update);
    });
    var preset = applyPreset(root, data, controls);
    update();
    if (preset) {
      root.scrollIntoView();
      controls[0].focus();
    }
  }

  /* A link such as 01-celltop-spinal-cord.html?tsx=natural-recovery&design=2
   * sets the named explorer's controls to those option indices (see
   * trialsim.explorer.preset_link), and says so above the controls. */
  function applyPreset(root, data, controls) {
    var params = new URLSearchParams(window.location.search);
    if (params.get("tsx") !== data.name) { return false; }
    var set = 0;
    controls.forEach(function (el, i) {
      var raw = params.get(el.name);
      if (raw === null) { return; }
      var idx = parseInt(raw, 10);
      if (!isNaN(idx) && idx >= 0 && idx < data.controls[i].size) { el.value = String(idx); set++; }
    });
    var note = document.createElement("p");
    note.className = "tsx-preset";
    note.setAttribute("role", "status");
    note.textContent = set ? "The link you followed set " + set + (set === 1 ? " control" : " controls") +
      " to the claim's numbers. Change any of them to explore further."
      : "The link you followed named this explorer but no control it knows.";
    root.insertBefore(note, root.querySelector(".tsx-controls"));
    return true;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  /* The red-flag drill: the same scoring as trialsim.drill.Drill.score. */
  function initDrill(root) {
    var key = JSON.parse(root.querySelector("script.tsd-data").textContent);
    var total = root.querySelector("[data-total]");
    var results = {};
    function summary() {
      var checked = Object.keys(results).length, allRight = 0;
      Object.keys(results).forEach(function (k) { if (results[k]) { allRight++; } });
      total.textContent = "Claims checked: " + checked + " of " + Object.keys(key.claims).length +
        "; every flag right on " + allRight + ".";
      root.setAttribute("data-all-right", String(allRight));
    }
    root.querySelectorAll("fieldset[data-claim]").forEach(function (fs) {
      var claim = fs.getAttribute("data-claim");
      var feedback = fs.querySelector(".tsd-feedback");
      fs.querySelector("button.tsd-check").addEventListener("click", function () {
        var ticked = {};
        fs.querySelectorAll('input[type="checkbox"]').forEach(function (box) { ticked[box.value] = box.checked; });
        var truth = {};
        key.claims[claim].forEach(function (f) { truth[f] = true; });
        var missed = [], wrong = [];
        key.flags.forEach(function (f) {
          if (truth[f.key] && !ticked[f.key]) { missed.push(f); }
          if (!truth[f.key] && ticked[f.key]) { wrong.push(f); }
        });
        var right = key.flags.length - missed.length - wrong.length;
        var link = function (f) {
          return '<a href="' + f.chapter + '.html">' + escapeHtml(f.taught) + "</a>";
        };
        var items = missed.map(function (f) {
          return "<li>Missed: <strong>" + escapeHtml(f.label) + "</strong> (" + link(f) + "). " +
            escapeHtml(f.why) + "</li>";
        }).concat(wrong.map(function (f) {
          return "<li>Not shown by this claim: <strong>" + escapeHtml(f.label) + "</strong> (" + link(f) + ").</li>";
        }));
        feedback.innerHTML = "<p><strong>" + right + " of " + key.flags.length + " flag decisions right.</strong>" +
          (items.length ? "" : " All flags right.") + "</p>" + (items.length ? "<ul>" + items.join("") + "</ul>" : "");
        fs.setAttribute("data-right", String(right));
        fs.classList.toggle("tsx-answered-right", !items.length);
        fs.classList.toggle("tsx-answered-wrong", items.length > 0);
        results[claim] = !items.length;
        summary();
      });
    });
  }

  /* The capstone checklist: the model appraisal opens once every item has an answer. */
  function initAppraisal(root) {
    var items = root.querySelectorAll("fieldset[data-item]");
    var button = root.querySelector("button.tsa-open");
    var status = root.querySelector("[data-status]");
    function answered() {
      var n = 0;
      items.forEach(function (fs) { if (fs.querySelector('input[type="radio"]:checked')) { n++; } });
      return n;
    }
    function refresh() {
      var n = answered();
      button.disabled = n < items.length;
      if (!root.classList.contains("tsa-opened")) {
        status.textContent = n < items.length
          ? "Answered " + n + " of " + items.length + " items: answer every item to open the model appraisal."
          : "Every item answered: open the model appraisal when you are ready.";
      }
    }
    root.addEventListener("change", refresh);
    button.addEventListener("click", function () {
      var same = 0;
      items.forEach(function (fs) {
        var mine = fs.querySelector('input[type="radio"]:checked');
        var model = fs.getAttribute("data-model");
        var ok = mine && mine.value === model;
        if (ok) { same++; }
        var verdict = fs.querySelector(".tsa-verdict");
        verdict.textContent = ok ? "You and the model appraisal agree." :
          "The model appraisal differs: read its reasons.";
        fs.querySelector(".tsa-model").hidden = false;
        fs.classList.toggle("tsx-answered-right", !!ok);
        fs.classList.toggle("tsx-answered-wrong", !ok);
      });
      root.classList.add("tsa-opened");
      root.setAttribute("data-agree", String(same));
      status.textContent = "Model appraisal open: you agree with it on " + same + " of " + items.length + " items.";
    });
    refresh();
  }

  function initFigure(holder) {
    var fig = JSON.parse(holder.querySelector("script").textContent);
    var plot = document.createElement("div");
    plot.className = "tsx-plotly-plot";
    holder.appendChild(plot);
    draw(plot, fig);
  }

  function initQuestion(fieldset) {
    var verdict = fieldset.querySelector(".tsx-verdict");
    fieldset.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        fieldset.querySelectorAll(".tsx-feedback").forEach(function (p) {
          p.hidden = p.getAttribute("data-for") !== radio.id;
        });
        var chosen = fieldset.querySelector('.tsx-feedback[data-for="' + radio.id + '"]');
        var right = chosen && chosen.classList.contains("tsx-right");
        fieldset.classList.toggle("tsx-answered-right", right);
        fieldset.classList.toggle("tsx-answered-wrong", !right);
        verdict.textContent = right ? "Correct." : "Not quite: read why, then try another option.";
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-explorer]").forEach(function (root) {
      try { initExplorer(root); } catch (err) {
        root.insertAdjacentHTML("beforeend", '<p class="tsx-error">This explorer could not start.</p>');
        throw err;
      }
    });
    document.querySelectorAll(".tsx-plotly").forEach(initFigure);
    document.querySelectorAll(".tsx-question").forEach(initQuestion);
    document.querySelectorAll("[data-drill]").forEach(initDrill);
    document.querySelectorAll("[data-appraisal]").forEach(initAppraisal);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
