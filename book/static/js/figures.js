/* Figures: plotly figures drawn from JSON with the site's own plotly.js,
 * fitted to a narrow screen. Starts every .tsx-plotly figure a chapter
 * embeds (trialsim.sphinxext writes them) and draws explorers' figures. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  var NARROW = 560;

  /* Words of ``text`` in lines of at most ``size`` characters (a longer word keeps its own line). */
  function wrap(text, size) {
    var lines = [""];
    text.split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (lines[last] && (lines[last] + " " + word).length > size) { lines.push(word); }
      else { lines[last] = lines[last] ? lines[last] + " " + word : word; }
    });
    return lines;
  }

  /* The layout for a plot ``width`` pixels wide: on a narrow screen (a phone)
   * a long title wraps onto several lines, a long x-axis title wraps, a legend
   * moves below the plot and a wide left margin is given back, so nothing is
   * cut off. The layout passed in is not changed. */
  function fitNarrow(layout, width) {
    if (!width || width >= NARROW || !layout.title || !layout.title.text) { return layout; }
    var out = JSON.parse(JSON.stringify(layout));
    var most = Math.max(20, Math.floor((width - 20) / 8.5));
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

  /* Draw (or redraw) figure ``fig`` in element ``el``. */
  function draw(el, fig) {
    if (!root.Plotly) {
      el.textContent = "This figure needs plotly.js, which did not load.";
      return;
    }
    root.Plotly.react(el, fig.data || [], fitNarrow(fig.layout || {}, el.clientWidth || 0), PLOT_CONFIG);
  }

  function initFigure(holder) {
    var fig = JSON.parse(holder.querySelector("script").textContent);
    var plot = root.document.createElement("div");
    plot.className = "tsx-plotly-plot";
    holder.appendChild(plot);
    draw(plot, fig);
  }

  var api = { wrap: wrap, fitNarrow: fitNarrow, draw: draw, initFigure: initFigure };
  core.define(typeof module === "object" ? module : null,
              "figures", api, { selector: ".tsx-plotly", init: api.initFigure, failure: "This figure could not be drawn." });
})(typeof self !== "undefined" ? self : this);
