/* Your trial: the calculators on the page.
 *
 * Each .tsx-calc element holds its declaration as JSON (written by
 * trialsim.frontends.toolkit): fields, checks between fields, rows, table and
 * reading. This module builds the labelled form, checks what the reader types
 * (a message next to the field names what is wrong and what is allowed, and no
 * result is shown from bad input), computes with yourtrial.js, shows the
 * results in an aria-live region, and keeps every calculator's inputs in the
 * page's address so a link reproduces the analysis. */
(function (root) {
  "use strict";
  var isNode = typeof module === "object" && module.exports;
  var core = isNode ? require("./core.js") : root.CellsOnTrial.core;
  var engine = isNode ? require("./yourtrial.js") : root.CellsOnTrial.yourtrial;

  var MAX_N = 100000;
  var NNT_WORDS = ["to benefit", "to harm"];
  var LIMITS = {
    size: [1, MAX_N, true, "a whole number from 1 to 100,000"],
    count: [0, MAX_N, true, "a whole number from 0 to 100,000"],
    number: [-1e12, 1e12, false, "a number, such as 0.94 or -2.18"],
    share: [0, 1, false, "a share between 0 and 1 (not 0 or 1), such as 0.1 for 10%"],
    level: [0.5, 0.999, false, "a level from 0.5 to 0.999, such as 0.95"],
    unit: [0, 1, false, "a number from 0 to 1"],
    pvalue: [1e-15, 1, false, "a p-value from 0.000000000000001 to 1, such as 0.03"]
  };

  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  /* A result as the page shows it: the same rules as trialsim.frontends.toolkit.fmt. */
  function fmt(value, kind, verdicts) {
    if (kind === "text") { return String(value); }
    if (kind === "verdict") { return verdicts[value]; }
    if (value === null || value === undefined || Number.isNaN(value)) { return "not defined"; }
    if (kind === "nnt") {
      if (!isFinite(value)) { return "infinite (no effect)"; }
      return grouped(Math.ceil(Math.abs(value) - 1e-9)) + " " + (value > 0 ? NNT_WORDS[0] : NNT_WORDS[1]);
    }
    if (kind === "pct") { return fixed(value * 100, 1) + "%"; }
    if (kind === "pts") { return fixed(value * 100, 1) + " points"; }
    if (kind === "p") { return value < 0.0001 ? "< 0.0001" : fixed(value, value < 0.01 ? 4 : 3); }
    if (kind === "int") { return grouped(Math.trunc(value)); }
    if (kind === "ratio") { return fixed(value, 2); }
    return fixed(value, parseInt(kind.charAt(1), 10));
  }

  /* ``value`` with ``digits`` decimals, halves away from zero: the same steps as toolkit.fixed. */
  function fixed(value, digits) {
    var scale = Math.pow(10, digits), rounded = Math.floor(Math.abs(value) * scale + 0.5) / scale;
    if (rounded === 0) { return (0).toFixed(digits); }
    return (value < 0 ? "-" : "") + rounded.toFixed(digits);
  }

  function list(text) {
    return String(text).split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s !== ""; });
  }

  /* One number from text, or an error naming what is wrong and what is allowed. */
  function parseNumber(text, kind) {
    var limits = LIMITS[kind], raw = String(text).trim();
    if (raw === "") { return { error: "This field is empty: enter " + limits[3] + "." }; }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
      return { error: "“" + raw + "” is not a number: enter " + limits[3] + "." };
    }
    var value = Number(raw);
    if (limits[2] && value !== Math.round(value)) {
      return { error: raw + " is not a whole number: enter " + limits[3] + "." };
    }
    var low = kind === "share" ? value <= limits[0] : value < limits[0];
    var high = kind === "share" ? value >= limits[1] : value > limits[1];
    if (low || high || !isFinite(value)) { return { error: raw + " is out of range: enter " + limits[3] + "." }; }
    return { value: value };
  }

  function parseList(text, kind) {
    var parts = list(text);
    if (kind === "names") {
      return parts.length ? { value: parts.join(", ") } : { error: "This field is empty: enter names separated by commas." };
    }
    var item = { shares: "share", pvalues: "pvalue", counts: "count" }[kind];
    var sizes = { shares: [1, 20], pvalues: [1, 1000], counts: [2, 12] }[kind];
    var what = { shares: "natural-history rates", pvalues: "p-values", counts: "category counts" }[kind];
    if (parts.length < sizes[0] || parts.length > sizes[1]) {
      return { error: "Enter " + sizes[0] + " to " + sizes[1] + " " + what + " separated by commas (found " +
                      parts.length + ")." };
    }
    for (var i = 0; i < parts.length; i++) {
      var one = parseNumber(parts[i], item === "pvalue" ? "unit" : item);
      if (one.error) { return { error: "Item " + (i + 1) + " of the list: " + one.error }; }
    }
    if (kind === "counts" && parts.every(function (p) { return Number(p) === 0; })) {
      return { error: "Every count is 0: an arm needs at least one patient." };
    }
    if (kind === "shares" && parts.some(function (p) { return Number(p) < 0.0001 || Number(p) > 0.9999; })) {
      return { error: "A natural-history rate must be between 0.0001 and 0.9999." };
    }
    return { value: parts.join(", ") };
  }

  function parseField(field, text) {
    if (field.kind === "choice") {
      var ok = field.options.some(function (o) { return o[0] === text; });
      return ok ? { value: text } : { error: "Choose one of the options." };
    }
    if (LIMITS[field.kind]) { return parseNumber(text, field.kind); }
    return parseList(text, field.kind);
  }

  function labelOf(spec, name) {
    return spec.fields.filter(function (f) { return f.name === name; })[0].label;
  }

  /* The checks between fields: [field to mark, message] for each that fails. */
  function relationErrors(spec, v) {
    var errors = [];
    spec.checks.forEach(function (c) {
      var kind = c[0], a = c[1], b = c[2];
      if (!(a in v) || (b !== undefined && !(b in v))) { return; }
      var nul = v.scale === "difference" ? 0 : 1;
      if (kind === "le" && v[a] > v[b]) {
        errors.push([a, labelOf(spec, a) + " (" + v[a] + ") cannot be more than " + labelOf(spec, b).toLowerCase() +
                        " (" + v[b] + ")."]);
      } else if (kind === "ge" && v[a] < v[b]) {
        errors.push([a, labelOf(spec, a) + " (" + v[a] + ") cannot be fewer than " + labelOf(spec, b).toLowerCase() +
                        " (" + v[b] + ")."]);
      } else if (kind === "lt" && !(v[a] < v[b])) {
        errors.push([a, "The lower limit (" + v[a] + ") must be below the upper limit (" + v[b] + ")."]);
      } else if (kind === "within" && (c[3] in v) && !(v[b] <= v[a] && v[a] <= v[c[3]])) {
        errors.push([a, "The estimate (" + v[a] + ") must lie within its interval (" + v[b] + " to " + v[c[3]] + ")."]);
      } else if (kind === "positive_if_ratio" && v.scale === "ratio" && !(v[a] > 0)) {
        errors.push([a, "A ratio's interval must be above 0 (" + v[a] + " is not): a ratio of 0 or less is impossible."]);
      } else if (kind === "not_null" && (v[a] === nul || (v.scale === "ratio" && v[a] <= 0))) {
        errors.push([a, "A worthwhile effect of " + v[a] + " is " + (v[a] === nul ? "no effect" : "not a ratio") +
                        ": enter the smallest benefit worth having, on the side of " + nul + " that means benefit."]);
      } else if (kind === "same_length" && list(v[a]).length !== list(v[b]).length) {
        errors.push([b, "Give as many entries here (" + list(v[b]).length + ") as in “" + labelOf(spec, a) + "” (" +
                        list(v[a]).length + ")."]);
      }
    });
    return errors;
  }

  /* The engine's result for parsed values (the twin of toolkit.compute). */
  function compute(name, v) {
    var nums = function (t) { return list(t).map(Number); };
    switch (name) {
      case "two-groups":
        return engine.twoGroups(v.events_t, v.n_t, v.events_c, v.n_c,
                                { eventIsGood: v.event === "good", worthwhile: v.worthwhile });
      case "estimate":
        return engine.estimate(v.value, v.low, v.high, { scale: v.scale, level: v.level, worthwhile: v.worthwhile });
      case "one-group": return engine.oneGroup(v.k, v.n, nums(v.rates));
      case "many-results": return engine.manyResults(nums(v.pvalues));
      case "who-analysed": return engine.whoAnalysed(v.rand_t, v.anal_t, v.succ_t, v.rand_c, v.anal_c, v.succ_c);
      case "unit": return engine.unitOfAnalysis(v.observations, v.patients, v.icc, v.p);
      case "ordered": return engine.ordered(nums(v.counts_t), nums(v.counts_c));
    }
    throw new Error("no calculator " + name);
  }

  function field(v, result, ref, index) {
    if (ref.indexOf("v.") === 0) { return v[ref.slice(2)]; }
    if (ref.indexOf("in:") === 0) { return list(v[ref.slice(3)]).map(Number)[index]; }
    return index === undefined ? result[ref] : result[ref][index];
  }

  function fill(template, v, result, verdicts) {
    return template.replace(/\{([^{}]+)\}/g, function (m, inner) {
      var parts = inner.split(":");
      return fmt(field(v, result, parts[0]), parts[1] || "text", verdicts);
    });
  }

  function reading(spec, v, result) {
    return (spec.reading || []).filter(function (r) {
      var cond = r[0];
      return cond === null || ((result[cond.replace("!", "")] === true) !== (cond.charAt(0) === "!"));
    }).map(function (r) { return fill(r[1], v, result, spec.verdicts); });
  }

  function rows(spec, result) {
    return spec.rows.map(function (row) {
      var shown = fmt(result[row[0]], row[2]);
      if (row.length === 5) { shown += " (95% CI " + fmt(result[row[3]], row[2]) + " to " + fmt(result[row[4]], row[2]) + ")"; }
      return [row[1], shown];
    });
  }

  function table(spec, v, result) {
    var t = spec.table;
    if (!t) { return null; }
    var header = [t.label].concat(t.columns.map(function (c) { return fill(c[1], v, result, spec.verdicts); }));
    var body;
    if (t.list) {
      body = list(v[t.list]).map(function (label, i) {
        return [t.kind === "text" ? label : fmt(Number(label), t.kind)].concat(t.columns.map(function (c) {
          return fmt(field(v, result, c[0], i), c[2]);
        }));
      });
    } else {
      body = t.rows.map(function (r) {
        return [r[1]].concat(t.columns.map(function (c) { return fmt(result[r[0] + "_" + c[0]], c[2]); }));
      });
    }
    return { header: header, body: body };
  }

  /* Everything a reader reads, as plain text: the same as toolkit.results_text. */
  function resultsText(spec, v) {
    var result = compute(spec.name, v);
    var lines = rows(spec, result).map(function (r) { return r[0] + ": " + r[1]; });
    var t = table(spec, v, result);
    if (t) { lines = lines.concat([t.header.join(" | ")], t.body.map(function (r) { return r.join(" | "); })); }
    return lines.concat(reading(spec, v, result)).join("\n");
  }

  function resultsHtml(spec, v) {
    var esc = core.escapeHtml, result = compute(spec.name, v);
    var out = '<dl class="tsx-calc-rows">' + rows(spec, result).map(function (r) {
      return "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>";
    }).join("") + "</dl>";
    var t = table(spec, v, result);
    if (t) {
      out += '<table class="tsx-calc-table"><thead><tr>' + t.header.map(function (h) {
        return '<th scope="col">' + esc(h) + "</th>";
      }).join("") + "</tr></thead><tbody>" + t.body.map(function (r) {
        return "<tr>" + r.map(function (c, i) { return i === 0 ? '<th scope="row">' + esc(c) + "</th>" : "<td>" + esc(c) + "</td>"; }).join("") + "</tr>";
      }).join("") + "</tbody></table>";
    }
    out += '<div class="tsx-calc-reading">' + reading(spec, v, result).map(function (s) {
      return "<p>" + esc(s) + "</p>";
    }).join("") + "</div>";
    var links = spec.links.map(function (l) {
      var href = core.pageHref(l[0]);
      return href ? '<a href="' + esc(contentRoot() + href) + '">' + esc(l[1]) + "</a>" : "";
    }).filter(Boolean);
    if (links.length) { out += '<p class="tsx-calc-links">Where the course explains it: ' + links.join("; ") + ".</p>"; }
    return out;
  }

  /* The way from this page to the site's root ("../"), as Sphinx marks it on <html>. */
  function contentRoot() {
    var mark = root.document ? root.document.documentElement.getAttribute("data-content_root") || "" : "";
    return /^(\.\.\/)*$/.test(mark) ? mark : "";
  }

  /* Percent-decoded text, or null where the address is not well formed. */
  function decode(text) {
    try { return decodeURIComponent(text); } catch (malformed) { return malformed && null; }
  }

  /* The address's record of every calculator: #two-groups=35~69~42~75~bad~0.1&... */
  function readHash(hash) {
    var out = {};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (pair) {
      var i = pair.indexOf("="), key = decode(pair.slice(0, i)), value = decode(pair.slice(i + 1));
      if (i > 0 && key !== null && value !== null) { out[key] = value.split("~"); }
    });
    return out;
  }

  function writeHash(state) {
    return "#" + Object.keys(state).sort().map(function (k) {
      return encodeURIComponent(k) + "=" + state[k].map(function (s) { return encodeURIComponent(s).replace(/~/g, "%7E"); }).join("~");
    }).join("&");
  }

  var NOTHING = "Fix the fields marked above to see results.";

  /* The address after recording ``texts`` under ``key``. The page's address is
   * rewritten at most every 150 ms (a browser ignores a flood of rewrites). */
  var pending = {}, timer = null;
  function withPending() {
    var state = readHash(root.location.hash);
    Object.keys(pending).forEach(function (k) { state[k] = pending[k]; });
    return writeHash(state);
  }
  function remember(key, texts) {
    pending[key] = texts;
    if (timer === null && root.history && root.history.replaceState) {
      timer = root.setTimeout(function () {
        var now = withPending();
        pending = {};
        timer = null;
        root.history.replaceState(null, "", now);
      }, 150);
    }
    var hash = withPending();
    if (root.document) {  // every "Link to these numbers" carries the whole page's numbers
      root.document.querySelectorAll(".tsx-calc-link").forEach(function (a) { a.setAttribute("href", hash); });
    }
    return hash;
  }

  function init(el) {
    var spec = JSON.parse(el.querySelector("script.tsx-calc-spec").textContent);
    var name = spec.name, id = "tsx-calc-" + name, esc = core.escapeHtml;
    var saved = root.location ? readHash(root.location.hash)[name] : null;
    var form = '<form class="tsx-calc-form" novalidate aria-describedby="' + id + '-note">' +
      '<p id="' + id + '-note" class="tsx-calc-note">Results update as you type. The worked example is filled in.</p>';
    spec.fields.forEach(function (f, i) {
      var fid = id + "-" + f.name, value = saved && saved[i] !== undefined ? saved[i] : String(f.example);
      form += '<div class="tsx-field"><label for="' + fid + '">' + esc(f.label) + "</label>";
      if (f.kind === "choice") {
        form += '<select id="' + fid + '" name="' + esc(f.name) + '" aria-describedby="' + fid + '-msg">' +
          f.options.map(function (o) {
            return '<option value="' + esc(o[0]) + '"' + (o[0] === value ? " selected" : "") + ">" + esc(o[1]) + "</option>";
          }).join("") + "</select>";
      } else {
        var list_ = ["shares", "pvalues", "counts", "names"].indexOf(f.kind) >= 0;
        form += '<input id="' + fid + '" name="' + esc(f.name) + '" type="text" autocomplete="off" spellcheck="false"' +
          (list_ || f.kind === "number" ? "" : ' inputmode="decimal"') + ' value="' + esc(value) + '" aria-describedby="' +
          fid + '-msg">';
      }
      form += '<p class="tsx-field-msg" id="' + fid + '-msg"></p></div>';
    });
    form += "</form>";
    el.insertAdjacentHTML("beforeend", form +
      '<div class="tsx-calc-results" role="status" aria-live="polite" aria-atomic="true"></div>' +
      '<p class="tsx-calc-share"><a class="tsx-calc-link" href="#">Link to these numbers</a></p>');
    var results = el.querySelector(".tsx-calc-results");
    var inputs = spec.fields.map(function (f) { return el.querySelector("#" + id + "-" + f.name); });
    var messages = spec.fields.map(function (f) { return el.querySelector("#" + id + "-" + f.name + "-msg"); });

    function update() {
      var values = {}, texts = [], errors = {};
      spec.fields.forEach(function (f, i) {
        var parsed = parseField(f, inputs[i].value);
        texts.push(inputs[i].value);
        if (parsed.error) { errors[f.name] = parsed.error; } else { values[f.name] = parsed.value; }
      });
      relationErrors(spec, values).forEach(function (e) { if (!errors[e[0]]) { errors[e[0]] = e[1]; } });
      spec.fields.forEach(function (f, i) {
        var input = inputs[i], msg = messages[i];
        msg.textContent = errors[f.name] || "";
        if (errors[f.name]) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      });
      var ok = Object.keys(errors).length === 0;
      el.classList.toggle("tsx-calc-invalid", !ok);
      results.innerHTML = ok ? resultsHtml(spec, values) : '<p class="tsx-calc-nothing">' + esc(NOTHING) + "</p>";
      if (root.location) { remember(name, texts); }
      el.setAttribute("data-ready", ok ? "result" : "error");
      var changed = spec.fields.some(function (f, i) { return texts[i] !== String(f.example); });
      el.tsxState = { spec: spec, ok: ok, values: values, changed: changed };
      if (root.document) { root.document.dispatchEvent(new root.CustomEvent("tsx-calc-change")); }
      return ok;
    }
    // "input" alone: a select and a text field both fire it on every change ("change" would recompute again)
    el.addEventListener("input", update);
    el.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); update(); });
    update();
  }

  /* The one-page handout: the same text as toolkit.handout_markdown. */
  function handoutMarkdown(appraisal, answers, attached) {
    var ratings = {};
    appraisal.ratings.forEach(function (r) { ratings[r[0]] = r[1]; });
    var trial = (answers.trial || "").trim() || "(trial not named)";
    var lines = ["# Appraisal: " + trial, ""];
    var source = (answers.source || "").trim();
    if (source) { lines.push("Source: " + source, ""); }
    lines.push("## Checklist", "");
    appraisal.items.forEach(function (item, i) {
      var rating = ratings[answers[item[0]] || ""] || "Not answered", note = (answers[item[0] + "_note"] || "").trim();
      lines.push((i + 1) + ". **" + item[1] + "** " + rating + "." + (note ? " " + note : ""));
    });
    lines.push("", "## Results", "");
    if (attached.length === 0) { lines.push("No calculator results attached."); }
    attached.forEach(function (a) {
      lines.push("### " + a.title, "");
      a.text.split("\n").forEach(function (line) { lines.push("- " + line); });
      lines.push("");
    });
    lines.push("", "Prepared with the Cells on Trial toolkit (Your trial).");
    return lines.join("\n").replace(/\s+$/, "") + "\n";
  }

  /* The handout's Markdown (as handoutMarkdown writes it) as HTML: headings,
   * the numbered checklist with its bold questions, bullet lists, paragraphs. */
  function handoutHtml(markdown) {
    var esc = core.escapeHtml, out = [], list = null;
    var inline = function (text) { return esc(text).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>"); };
    var close = function () { if (list) { out.push("</" + list + ">"); list = null; } };
    markdown.split("\n").forEach(function (line) {
      var heading = /^(#{1,3}) (.*)$/.exec(line), item = /^(\d+\.|-) (.*)$/.exec(line);
      if (heading) {
        close();
        out.push("<h" + heading[1].length + ">" + inline(heading[2]) + "</h" + heading[1].length + ">");
      } else if (item) {
        var kind = item[1] === "-" ? "ul" : "ol";
        if (list !== kind) { close(); out.push("<" + kind + ">"); list = kind; }
        out.push("<li>" + inline(item[2]) + "</li>");
      } else if (line.trim() === "") {
        close();
      } else {
        close();
        out.push("<p>" + inline(line) + "</p>");
      }
    });
    close();
    return out.join("");
  }

  /* Print the handout alone: a top-level copy that the print style shows in place
   * of the page, removed after printing. */
  function printHandout(doc, markdown) {
    var sheet = doc.createElement("div");
    sheet.innerHTML = handoutHtml(markdown);
    core.printAlone(doc, sheet);
  }

  function initAppraisal(el) {
    var spec = JSON.parse(el.querySelector("script.tsx-appraisal-spec").textContent);
    var esc = core.escapeHtml, saved = root.location ? readHash(root.location.hash).appraisal || [] : [];
    var keys = ["trial", "source"];
    spec.items.forEach(function (item) { keys.push(item[0], item[0] + "_note"); });
    var at = function (key) { var i = keys.indexOf(key); return saved[i] !== undefined ? saved[i] : ""; };
    var html = '<form class="tsx-appraisal-form" novalidate>' +
      '<div class="tsx-field"><label for="tsx-ya-trial">Trial (name, first author, year)</label>' +
      '<input id="tsx-ya-trial" name="trial" type="text" value="' + esc(at("trial")) + '"></div>' +
      '<div class="tsx-field"><label for="tsx-ya-source">Source (DOI, PMID or registry number)</label>' +
      '<input id="tsx-ya-source" name="source" type="text" value="' + esc(at("source")) + '"></div><ol class="tsx-ya-items">';
    spec.items.forEach(function (item) {
      var key = item[0], href = core.pageHref(item[2]);
      html += '<li><fieldset class="tsx-ya-item"><legend>' + esc(item[1]) + "</legend>";
      spec.ratings.forEach(function (r) {
        var id = "tsx-ya-" + key + "-" + r[0];
        html += '<label class="tsx-option" for="' + id + '"><input type="radio" id="' + id + '" name="' + esc(key) +
          '" value="' + esc(r[0]) + '"' + (at(key) === r[0] ? " checked" : "") + "> " + esc(r[1]) + "</label>";
      });
      html += '<label for="tsx-ya-' + key + '-note">Your note</label><textarea id="tsx-ya-' + key + '-note" name="' +
        esc(key) + '_note" rows="2">' + esc(at(key + "_note")) + "</textarea>" +
        (href ? '<p class="tsx-calc-links"><a href="' + esc(contentRoot() + href) + '">Where the course teaches this</a></p>' : "") +
        "</fieldset></li>";
    });
    html += "</ol></form>" +
      '<p class="tsx-ya-actions"><a class="tsx-ya-download" download="appraisal.md" href="#">Download the handout (Markdown)</a> ' +
      '<button type="button" class="tsx-ya-print">Print the handout</button></p>' +
      '<p class="tsx-calc-note">The handout attaches the results of every calculator on this page whose numbers you changed.</p>' +
      '<pre class="tsx-handout" tabindex="0" aria-label="The handout, as Markdown"></pre>';
    el.insertAdjacentHTML("beforeend", html);
    var form = el.querySelector("form"), pre = el.querySelector(".tsx-handout"), download = el.querySelector(".tsx-ya-download");

    function answers() {
      var out = {};
      // a text field's value, or a rating's: the checked radio's value, "" when none is
      keys.forEach(function (key) { out[key] = form.elements[key].value; });
      return out;
    }

    function refresh() {
      var a = answers(), attached = [];
      root.document.querySelectorAll(".tsx-calc").forEach(function (calc) {
        var st = calc.tsxState;
        if (st && st.ok && st.changed) { attached.push({ title: st.spec.title, text: resultsText(st.spec, st.values) }); }
      });
      var text = handoutMarkdown(spec, a, attached);
      pre.textContent = text;
      download.setAttribute("href", "data:text/markdown;charset=utf-8," + encodeURIComponent(text));
      if (root.location) { remember("appraisal", keys.map(function (k) { return a[k] || ""; })); }
    }
    form.addEventListener("input", refresh);
    root.document.addEventListener("tsx-calc-change", refresh);
    el.querySelector(".tsx-ya-print").addEventListener("click", function () {
      refresh();
      printHandout(root.document, pre.textContent);
    });
    refresh();
  }

  if (!isNode) {
    core.register(".tsx-yourappraisal", initAppraisal, "The appraisal could not start.");
  }

  var api = { handoutMarkdown: handoutMarkdown, handoutHtml: handoutHtml, printHandout: printHandout, fmt: fmt, parseField: parseField, relationErrors: relationErrors, compute: compute, fill: fill,
              resultsText: resultsText, readHash: readHash, writeHash: writeHash, NOTHING: NOTHING, init: init };
  core.define(isNode ? module : null, "calculators", api,
              { selector: ".tsx-calc", init: init, failure: "This calculator could not start." });
})(typeof self !== "undefined" ? self : this);
