/* global document, getComputedStyle */
/* The layout check of every drawn plotly figure on a page (evaluated in the
 * page by tests/test_site_layout.py): returns a list of problems, each a
 * sentence naming the figure and the text involved.
 *
 *  - clipped: a text's box (title, axis title, tick label, legend entry,
 *    annotation, bar label) reaches outside the figure's own box;
 *  - overlap: two texts' boxes overlap, or an annotation's box overlaps a bar;
 *  - toolbar: plotly's toolbar (the mode bar) overlaps a text;
 *  - legend without a trace: a legend entry whose trace has no point;
 *  - empty row: a category on an axis with no point or bar. */
(root) => {
  const SLACK = 1.5;  // px: anti-aliasing and rounding
  const problems = [];
  const plots = Array.from((root || document).querySelectorAll(".js-plotly-plot"))
    .filter(gd => gd.offsetParent !== null && gd._fullLayout);
  function name(gd) {
    const title = gd.querySelector(".gtitle");
    return '"' + (title ? title.textContent : "(untitled)").slice(0, 60) + '"';
  }
  function visible(el) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) === 0) { return false; }
    for (let p = el.parentElement; p && p.tagName !== "svg"; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.display === "none" || parseFloat(s.opacity) === 0) { return false; }
    }
    return true;
  }
  function overlap(a, b) {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > SLACK && h > SLACK;
  }
  plots.forEach(gd => {
    const box = gd.getBoundingClientRect();
    const texts = Array.from(gd.querySelectorAll("svg.main-svg text"))
      .filter(t => t.textContent.trim() && visible(t) && !t.closest(".hoverlayer"))
      .map(t => ({ el: t, text: t.textContent.trim(), r: t.getBoundingClientRect(),
                   kind: t.closest(".legend") ? "legend" : t.closest(".annotation") ? "annotation"
                     : t.classList.contains("gtitle") ? "title" : "text" }))
      .filter(t => t.r.width > 0 && t.r.height > 0);
    texts.forEach(t => {
      if (t.r.left < box.left - SLACK || t.r.right > box.right + SLACK ||
          t.r.top < box.top - SLACK || t.r.bottom > box.bottom + SLACK) {
        problems.push(`${name(gd)}: "${t.text}" is clipped (text ${Math.round(t.r.left - box.left)}..` +
                      `${Math.round(t.r.right - box.left)} px across a figure ${Math.round(box.width)} px wide, ` +
                      `${Math.round(t.r.top - box.top)}..${Math.round(t.r.bottom - box.top)} px down of ${Math.round(box.height)})`);
      }
    });
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i], b = texts[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) { continue; }
        if (overlap(a.r, b.r)) { problems.push(`${name(gd)}: "${a.text}" overlaps "${b.text}"`); }
      }
    }
    // an annotation's box (its text and its background) must not lie across a bar
    const bars = Array.from(gd.querySelectorAll(".barlayer .point path"))
      .map(p => p.getBoundingClientRect()).filter(r => r.width > 0.5 && r.height > 0.5);
    gd.querySelectorAll(".annotation").forEach(a => {
      const bg = a.querySelector("rect.bg");
      const r = (bg && bg.getBoundingClientRect().width > 0 ? bg : a).getBoundingClientRect();
      if (bars.some(b => overlap(r, b))) {
        problems.push(`${name(gd)}: the label "${a.textContent.trim()}" lies across a bar`);
      }
    });
    const modebar = gd.querySelector(".modebar");   // shown on hover and on touch: checked even while hidden
    if (modebar && getComputedStyle(modebar).display !== "none") {
      const m = modebar.getBoundingClientRect();
      texts.forEach(t => {
        if (overlap(m, t.r)) { problems.push(`${name(gd)}: the toolbar lies over "${t.text}"`); }
      });
    }
    // what is drawn must exist: a legend entry has points; a bar chart's category has a bar
    const has = v => v !== null && v !== undefined && v !== "" && !(typeof v === "number" && isNaN(v));
    gd._fullData.forEach(tr => {
      if (tr.visible !== true) { return; }
      const values = tr.type === "pie" ? (tr.values || []) : (tr.orientation === "h" ? tr.x : tr.y) || [];
      const points = Array.from(values).filter(has).length;
      if (tr.showlegend && gd._fullLayout.showlegend && points === 0) {
        problems.push(`${name(gd)}: the legend lists "${tr.name}", which has no point`);
      }
    });
    Object.keys(gd._fullLayout).filter(k => /^[xy]axis\d*$/.test(k)).forEach(ax => {
      const axis = gd._fullLayout[ax];
      if (!axis || axis.type !== "category" || !axis._categories) { return; }
      const letter = ax[0], ref = letter + ax.slice(5);
      const on = gd._fullData.filter(tr => tr.visible === true && tr.type !== "pie" && (tr[letter + "axis"] || letter) === ref);
      if (!on.length) { return; }
      axis._categories.forEach(cat => {
        const used = on.some(tr => {
          const pos = tr[letter], val = tr[letter === "y" ? "x" : "y"];
          return pos && Array.from(pos).some((p, k) => String(p) === String(cat) && has(val && val[k]));
        });
        if (!used) { problems.push(`${name(gd)}: the row "${cat}" is drawn with nothing in it`); }
      });
    });
  });
  return problems;
}
