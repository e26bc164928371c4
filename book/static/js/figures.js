/* Figures: plotly figures drawn from JSON with the site's own plotly.js,
 * laid out for the width they get. Starts every .tsx-plotly figure a chapter
 * embeds (trialsim.sphinxext writes them) and draws explorers' figures.
 *
 * ``fit`` measures the texts (with the page's fonts) and places them so that
 * none is cut off or lies on another, at a phone's 390 px as at 1280 px:
 * the title wraps and keeps clear of the toolbar, the legend goes in its own
 * rows under the title, long axis titles and category labels wrap, a label
 * that would run off the edge turns to face inwards, and crowded tick labels
 * are thinned. tests/test_site_layout.py checks the result in Chromium. */
(function (root) {
  "use strict";
  var core = typeof module === "object" && module.exports ? require("./core.js") : root.CellsOnTrial.core;

  /* The toolbar keeps one button (download the figure as a PNG): it sits at the top right. */
  var PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtons: [["toImage"]] };
  var TOOLBAR = 40;     // px kept clear of the title at the top right for the toolbar
  var NARROW = 560;
  var EDGE = 6;         // px kept free at the figure's edges
  var DEFAULT_MARGIN = { l: 80, r: 80, t: 100, b: 80 };   // plotly's

  var canvas = null;
  /* The width in px of ``text`` (tags such as <b> ignored) in ``size`` px of ``family``. */
  function textWidth(text, size, family) {
    if (!canvas) { canvas = root.document.createElement("canvas").getContext("2d"); }
    canvas.font = size + "px " + family;
    return canvas.measureText(String(text).replace(/<[^>]*>/g, "")).width;
  }

  /* Words of ``text`` in lines no wider than ``room`` as ``measure`` says (a
   * longer word keeps its own line). */
  function wrap(text, room, measure) {
    var lines = [""];
    String(text).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      var joined = lines[last] ? lines[last] + " " + word : word;
      if (lines[last] && measure(joined) > room) { lines.push(word); } else { lines[last] = joined; }
    });
    return lines;
  }

  function clone(x) { return JSON.parse(JSON.stringify(x)); }

  /* The categories a trace places along ``letter`` ("x" or "y"), if they are words. */
  function categories(data, letter) {
    var seen = [];
    (data || []).forEach(function (tr) {
      var pos = tr[letter];
      if (!Array.isArray(pos) || tr.type === "pie") { return; }
      var other = tr[letter === "x" ? "y" : "x"];
      pos.forEach(function (p, k) {
        var there = !Array.isArray(other) || (other[k] !== null && other[k] !== undefined);
        if (typeof p === "string" && there && seen.indexOf(p) < 0) { seen.push(p); }
      });
    });
    return seen;
  }

  /* Where ``value`` on ``axis`` falls, as a fraction of the axis (null when the axis has no fixed range). */
  function axisFraction(axis, value) {
    if (!axis || !Array.isArray(axis.range) || typeof value !== "number") { return null; }
    var lo = axis.range[0], hi = axis.range[1];
    if (axis.autorange === "reversed") { var t = lo; lo = hi; hi = t; }
    return hi === lo ? null : (value - lo) / (hi - lo);
  }

  /* Thin an axis's explicit tick labels so that neighbours do not touch: a
   * label is blanked (its tick and grid line stay) when it would reach the one
   * kept before it. */
  function thinTicks(axis, length, measure) {
    if (!axis || !Array.isArray(axis.range)) { return; }
    if (typeof axis.dtick === "number" && axis.type !== "log") {   // evenly spaced ticks: space them out
      var span = Math.abs(axis.range[1] - axis.range[0]);
      var widest = Math.max(measure(String(axis.range[0])), measure(String(axis.range[1])));
      while (span / axis.dtick * (widest + 8) > length) { axis.dtick *= 2; }
      return;
    }
    if (!Array.isArray(axis.tickvals)) { return; }
    var log = axis.type === "log";
    var texts = axis.ticktext || axis.tickvals.map(String);
    var kept = null, out = [];
    axis.tickvals.forEach(function (v, i) {
      var f = axisFraction(axis, log ? Math.log(v) / Math.LN10 : v);
      var w = measure(texts[i]);
      var left = f * length - w / 2;
      if (f !== null && kept !== null && left < kept + 8) { out.push(""); return; }
      out.push(texts[i]);
      kept = f * length + w / 2;
    });
    axis.tickmode = "array";
    axis.ticktext = out;
  }

  /* The layout of figure ``fig`` for a plot ``width`` px wide, texts measured
   * by ``measure(text, size, family)`` (the page's canvas by default). The
   * figure passed in is not changed. */
  function fit(fig, width, measure) {
    var layout = clone(fig.layout || {});
    if (!width) { return layout; }
    measure = measure || textWidth;
    var family = (layout.font && layout.font.family) || "sans-serif";
    var base = (layout.font && layout.font.size) || 12;
    var m = layout.margin = Object.assign({}, DEFAULT_MARGIN, layout.margin || {});
    var t0 = m.t, b0 = m.b;
    var height = layout.height || 450;
    var narrow = width < NARROW;
    function by(size) { return function (text) { return measure(text, size, family); }; }
    function lineHeight(size) { return Math.ceil(size * 1.3); }

    // category labels on the y axis wrap to at most 40 % of a phone's width
    var yAxis = layout.yaxis = layout.yaxis || {};
    var yCats = categories(fig.data, "y");
    var yNamed = yCats.length ? yCats : (Array.isArray(yAxis.tickvals) && Array.isArray(yAxis.ticktext) ? yAxis.ticktext : []);
    if (narrow && yNamed.length && m.l > 0.3 * width) {
      var tickSize = (yAxis.tickfont && yAxis.tickfont.size) || base;
      var room = Math.floor(0.4 * width) - 12;
      var wrapped = yNamed.map(function (c) { return wrap(c, room, by(tickSize)); });
      yAxis.tickmode = "array";
      if (yCats.length) { yAxis.tickvals = yCats; }
      yAxis.ticktext = wrapped.map(function (lines) { return lines.join("<br>"); });
      m.l = Math.ceil(Math.max.apply(null, wrapped.map(function (lines) {
        return Math.max.apply(null, lines.map(by(tickSize)));
      }))) + 14;
      yAxis.automargin = false;
    } else if (narrow && m.l > 100 && !yNamed.length) {
      m.l = 100;
      yAxis.automargin = true;
    }

    // the title: wrapped clear of the toolbar, at the top of the figure
    var top = EDGE;
    if (layout.title && layout.title.text) {
      var titleSize = (layout.title.font && layout.title.font.size) || Math.round(base * 1.4);
      var titleLines = wrap(layout.title.text, width - TOOLBAR - 2 * EDGE, by(titleSize));
      // plotly sets a top-anchored title's first line about 0.25 em (one line) or 0.95 em (several) too high
      var lift = Math.ceil((titleLines.length > 1 ? 0.95 : 0.25) * titleSize);
      layout.title = Object.assign(layout.title, { text: titleLines.join("<br>"), x: 0, xanchor: "left",
        xref: "container", yref: "container", y: 1, yanchor: "top", pad: { t: EDGE + lift, l: EDGE } });
      top += titleLines.length * lineHeight(titleSize) + 6;
    }
    // the legend: in rows of its own under the title
    var legendTop = null;
    var named = (fig.data || []).filter(function (tr) { return tr.visible !== false && tr.showlegend !== false; });
    if (layout.showlegend === true || (layout.showlegend === undefined && named.length > 1)) {  // plotly's rule
      var legendSize = (layout.legend && layout.legend.font && layout.legend.font.size) || base;
      var rows = 1, used = 0;
      named.forEach(function (tr) {
        if (!tr.name) { return; }
        var item = 46 + measure(tr.name, legendSize, family);
        if (used && used + item > width - 2 * EDGE) { rows++; used = 0; }
        used += item;
      });
      legendTop = top;
      top += rows * (lineHeight(legendSize) + 6) + 4;
    }
    m.r = Math.max(m.r, 30);   // room for half the last tick label ("100%")
    var plotWidth = width - m.l - m.r;
    // a label that would run off an edge wraps to the room it has and turns to face inwards
    var xAxis = layout.xaxis = layout.xaxis || {};
    var above = 0;   // lines of the labels that sit on the top edge of the plot
    (layout.annotations || []).forEach(function (a) {
      var f = a.xref === "paper" ? a.x : (a.xref || "x") === "x" ? axisFraction(xAxis, a.x) : null;
      if (f === null || f === undefined || !a.text) { return; }
      var size = (a.font && a.font.size) || base;
      var at = m.l + f * plotWidth + (a.xshift || 0);
      var right = width - EDGE - at, left = at - EDGE;
      var lines = [a.text];
      if (measure(a.text, size, family) + 8 > Math.max(right, left)) {
        lines = wrap(a.text, Math.max(right, left) - 8, by(size));
        a.text = lines.join("<br>");
        a.xanchor = right >= left ? "left" : "right";
      }
      var w = Math.max.apply(null, lines.map(by(size))) + 8;
      if (a.xanchor === "left" && w > right) { a.xanchor = "right"; a.xshift = -Math.abs(a.xshift || 0); }
      else if (a.xanchor === "right" && w > left) { a.xanchor = "left"; a.xshift = Math.abs(a.xshift || 0); }
      if (a.yref === "paper" && a.y >= 1 && a.yanchor === "bottom") {
        above = Math.max(above, lines.length * lineHeight(size) + 6);
      }
    });
    m.t = Math.max(top + (above || 4), 30);

    // category labels on the x axis wrap to their share of a phone's width
    var xCats = categories(fig.data, "x");
    var extraLines = 0;
    if (narrow && xCats.length > 1) {
      var xTickSize = (xAxis.tickfont && xAxis.tickfont.size) || base;
      var xWrapped = xCats.map(function (c) { return wrap(c, plotWidth / xCats.length - 10, by(xTickSize)); });
      xAxis.tickmode = "array";
      xAxis.tickvals = xCats;
      xAxis.ticktext = xWrapped.map(function (lines) { return lines.join("<br>"); });
      xAxis.tickangle = 0;
      extraLines = Math.max.apply(null, xWrapped.map(function (lines) { return lines.length; })) - 1;
    }
    // the x axis title wraps to the plot's width, below the tick labels; the margin below makes room
    var xTitle = xAxis.title && xAxis.title.text;
    if (xTitle) {
      var xSize = (xAxis.title.font && xAxis.title.font.size) || Math.round(1.2 * base);  // plotly's default
      var xLines = wrap(xTitle, plotWidth, by(xSize));
      xAxis.title.text = xLines.join("<br>");
      m.b = Math.max(b0, 40 + (xLines.length + extraLines) * lineHeight(xSize));
      xAxis.automargin = true;
    }
    if (narrow) { thinTicks(xAxis, plotWidth, by((xAxis.tickfont && xAxis.tickfont.size) || base)); }
    // the tick labels at the corner where the axes meet keep apart
    if (yAxis.ticklabelstandoff === undefined) { yAxis.ticklabelstandoff = 6; }
    if (xAxis.ticklabelstandoff === undefined) { xAxis.ticklabelstandoff = 8; }

    layout.height = height + (m.t - t0) + (m.b - b0);
    if (legendTop !== null) {
      layout.legend = Object.assign({}, layout.legend || {}, { orientation: "h", x: 0, xanchor: "left",
        xref: "container", yref: "container", y: 1 - legendTop / layout.height, yanchor: "top" });
    }

    return layout;
  }

  var PRINT_WIDTH = 680;   // px: the width of an A4 or a Letter page inside its margins
  var printing = false;

  /* Draw (or redraw) figure ``fig`` in element ``el``: at the element's width,
   * or at a page's width while the page is printed. */
  function draw(el, fig) {
    if (!root.Plotly) {
      el.textContent = "This figure needs plotly.js, which did not load.";
      return;
    }
    el.tsxFigure = fig;
    el.tsxWidth = printing ? PRINT_WIDTH : el.clientWidth || 0;
    var layout = fit(fig, el.tsxWidth);
    if (printing) { layout.width = PRINT_WIDTH; }
    root.Plotly.react(el, fig.data || [], layout, PLOT_CONFIG);
  }

  /* Before printing, every figure is laid out again for the page; after, for the screen. */
  function setPrinting(on) {
    if (on === printing) { return; }
    printing = on;
    root.document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      if (el.tsxFigure) { draw(el, el.tsxFigure); }
    });
  }

  /* After the window's width changes (a phone turned, a window resized), each
   * figure is laid out again for its new width. */
  function redrawResized() {
    root.document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      if (el.tsxFigure && !printing && el.clientWidth && el.clientWidth !== el.tsxWidth) { draw(el, el.tsxFigure); }
    });
  }
  if (root.addEventListener && root.document) {
    root.addEventListener("beforeprint", function () { setPrinting(true); });
    root.addEventListener("afterprint", function () { setPrinting(false); });
    if (root.matchMedia) {
      var paper = root.matchMedia("print");
      var onPaper = function (e) { setPrinting(e.matches); };
      if (paper.addEventListener) { paper.addEventListener("change", onPaper); } else { paper.addListener(onPaper); }
    }
    var pending = null;
    root.addEventListener("resize", function () {
      root.clearTimeout(pending);
      pending = root.setTimeout(redrawResized, 150);
    });
  }

  function initFigure(holder) {
    var fig = JSON.parse(holder.querySelector("script").textContent);
    var plot = root.document.createElement("div");
    plot.className = "tsx-plotly-plot";
    holder.appendChild(plot);
    draw(plot, fig);
  }

  var api = { wrap: wrap, fit: fit, thinTicks: thinTicks, categories: categories, draw: draw,
              initFigure: initFigure };
  core.define(typeof module === "object" ? module : null,
              "figures", api, { selector: ".tsx-plotly", init: api.initFigure, failure: "This figure could not be drawn." });
})(typeof self !== "undefined" ? self : this);
