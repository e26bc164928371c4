/* Cells on Trial: the static front end.
 * Drives every [data-explorer] (precomputed states switched by native
 * controls), draws plotly figures from embedded JSON with the site's own
 * plotly.js, and gives self-check questions their feedback.  No kernel, no
 * network: everything it needs is in the page. */
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
    update();
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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
