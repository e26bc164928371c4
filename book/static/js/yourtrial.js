/* Your trial: the toolkit's calculators, computed in the browser.
 *
 * The same functions as trialsim.stats.yourtrial in Python, returning the
 * same keys; a test holds the two to the same numbers on hundreds of seeded
 * random inputs. The distributions come from jStat (npm, pinned; copied into
 * the site), never from a network. */
(function (root) {
  "use strict";
  var isNode = typeof module === "object" && module.exports;
  var core = isNode ? require("./core.js") : root.CellsOnTrial.core;
  var jStat = isNode ? require("jstat") : root.jStat;

  var ZERO_CELL_CORRECTION = 0.5;

  /* The upper tail of the standard normal, P(Z > z). */
  function normSf(z) { return 0.5 * jStat.erfc(z / Math.SQRT2); }
  function normCdf(z) { return normSf(-z); }
  /* The z with P(Z > z) = q. */
  function normIsf(q) { return -jStat.normal.inv(q, 0, 1); }
  function zFor(level) { return normIsf((1 - level) / 2); }

  function wilson(k, n, z) {
    var p = k / n, z2 = z * z, centre = (2 * k + z2) / (2 * (n + z2));
    var half = z * Math.sqrt(z2 + 4 * k * (1 - p)) / (2 * (n + z2));
    return [centre - half, centre + half];
  }

  /* Cohen's h between two risks. */
  function effectSize(p1, p2) { return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2)); }

  /* Two-sided power of a normal test of risks p1 against p2 with n1 and n2 patients. */
  function power(p1, p2, n1, n2, alpha) {
    var shift = effectSize(p1, p2) * Math.sqrt(1 / (1 / n1 + 1 / n2)), crit = normIsf(alpha / 2);
    return normSf(crit - shift) + normCdf(-crit - shift);
  }

  function patientsForPower(p1, p2, ratio, target, alpha) {
    var h = Math.abs(effectSize(p1, p2));
    var z = normIsf(alpha / 2) + jStat.normal.inv(target, 0, 1);
    var n = Math.max(1, Math.floor(z * z / (h * h) * (1 + 1 / ratio)) - 1);
    while (power(p1, p2, n, n * ratio, alpha) < target) { n += 1; }
    return n;
  }

  function lnChoose(n, k) { return jStat.gammaln(n + 1) - jStat.gammaln(k + 1) - jStat.gammaln(n - k + 1); }

  /* Fisher's exact test, two-sided as scipy computes it: the tables with the
   * same margins no more likely than the one observed. */
  function fisherP(a, b, c, d) {
    var rowA = a + b, col = a + c, total = a + b + c + d;
    var lo = Math.max(0, col - (c + d)), hi = Math.min(rowA, col);
    var denominator = lnChoose(total, col);
    var pmf = function (x) { return Math.exp(lnChoose(rowA, x) + lnChoose(total - rowA, col - x) - denominator); };
    var observed = pmf(a) * (1 + 1e-7), p = 0;
    for (var x = lo; x <= hi; x++) { var q = pmf(x); if (q <= observed) { p += q; } }
    return Math.min(1, p);
  }

  function chiSquare(cells, yates) {
    var total = 0, rows = [0, 0], cols = [0, 0], stat = 0;
    for (var i = 0; i < 2; i++) {
      for (var j = 0; j < 2; j++) { total += cells[i][j]; rows[i] += cells[i][j]; cols[j] += cells[i][j]; }
    }
    for (i = 0; i < 2; i++) {
      for (j = 0; j < 2; j++) {
        var expected = rows[i] * cols[j] / total, gap = Math.abs(cells[i][j] - expected);
        if (yates) { gap = Math.max(0, gap - 0.5); }
        stat += gap * gap / expected;
      }
    }
    return [stat, jStat.erfc(Math.sqrt(stat / 2))];
  }

  function compareShares(kT, nT, kC, nC, level) {
    var z = zFor(level), rT = kT / nT, rC = kC / nC, wT = wilson(kT, nT, z), wC = wilson(kC, nC, z), rd = rT - rC;
    return { risk_t: rT, risk_c: rC, rd: rd,
             rd_low: rd - Math.sqrt(Math.pow(rT - wT[0], 2) + Math.pow(wC[1] - rC, 2)),
             rd_high: rd + Math.sqrt(Math.pow(wT[1] - rT, 2) + Math.pow(rC - wC[0], 2)),
             fisher_p: fisherP(kT, nT - kT, kC, nC - kC) };
  }

  function twoGroups(eventsT, nT, eventsC, nC, options) {
    var opts = options || {}, level = opts.level || 0.95, good = !!opts.eventIsGood;
    var worthwhile = opts.worthwhile === undefined ? 0.1 : opts.worthwhile, z = zFor(level);
    var out = compareShares(eventsT, nT, eventsC, nC, level), rC = out.risk_c;

    var cells = [[eventsT, nT - eventsT], [eventsC, nC - eventsC]];
    var zero = Math.min(eventsT, nT - eventsT, eventsC, nC - eventsC) === 0;
    var shift = zero ? ZERO_CELL_CORRECTION : 0;
    var a = eventsT + shift, b = nT - eventsT + shift, c = eventsC + shift, d = nC - eventsC + shift;
    out.corrected = zero;
    out.rr = (a / (a + b)) / (c / (c + d));
    var seRR = Math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d));
    out.rr_low = Math.exp(Math.log(out.rr) - z * seRR); out.rr_high = Math.exp(Math.log(out.rr) + z * seRR);
    out.or = (a * d) / (b * c);
    var seOR = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
    out.or_low = Math.exp(Math.log(out.or) - z * seOR); out.or_high = Math.exp(Math.log(out.or) + z * seOR);

    var sign = good ? 1 : -1, benefit = sign * out.rd;
    var ends = [sign * out.rd_low, sign * out.rd_high].sort(function (x, y) { return x - y; });
    out.nnt = benefit !== 0 ? 1 / benefit : Infinity;
    out.nnt_crosses = ends[0] <= 0 && 0 <= ends[1];
    out.nnt_a = ends[1] !== 0 ? 1 / ends[1] : Infinity;
    out.nnt_b = ends[0] !== 0 ? 1 / ends[0] : Infinity;
    out.rd_verdict = verdict(out.rd_low, out.rd_high, sign * worthwhile, "difference");

    if (eventsT + eventsC === 0 || eventsT + eventsC === nT + nC) {
      out.chi2 = out.chi2_p = out.chi2_yates = out.chi2_yates_p = NaN;
    } else {
      var plain = chiSquare(cells, false), corrected = chiSquare(cells, true);
      out.chi2 = plain[0]; out.chi2_p = plain[1]; out.chi2_yates = corrected[0]; out.chi2_yates_p = corrected[1];
    }
    var events = eventsT + eventsC, total = nT + nC;
    out.expected_min = Math.min(nT, nC) * Math.min(events, total - events) / total;
    out.small_expected = out.expected_min < 5;

    var target = rC + sign * worthwhile;
    if (!(target > 0 && target < 1)) { target = rC - sign * worthwhile; }
    out.power_p_t = target;
    out.has_power = target > 0 && target < 1;
    if (!out.has_power) {
      out.power = out.n80 = out.n90 = out.n80_c = out.n90_c = NaN;
    } else {
      out.power = power(target, rC, nT, nC, 1 - level);
      out.n80 = patientsForPower(target, rC, nC / nT, 0.8, 1 - level);
      out.n90 = patientsForPower(target, rC, nC / nT, 0.9, 1 - level);
      out.n80_c = Math.ceil(out.n80 * nC / nT - 1e-9);
      out.n90_c = Math.ceil(out.n90 * nC / nT - 1e-9);
    }
    return out;
  }

  /* What an interval allows against the smallest worthwhile effect
   * (trialsim.stats.intervals.verdict). */
  function verdict(low, high, worthwhile, scale) {
    var nul = scale === "difference" ? 0 : 1;
    if (worthwhile > nul) { var l = low; low = -high; high = -l; worthwhile = -worthwhile; nul = -nul; }
    if (high < worthwhile) { return "worthwhile"; }
    if (high < nul) { return low < worthwhile ? "benefit" : "small"; }
    if (low > nul) { return "harm"; }
    return low >= worthwhile ? "ruled_out" : "inconclusive";
  }

  function estimate(value, low, high, options) {
    var opts = options || {}, scale = opts.scale || "ratio", level = opts.level || 0.95;
    var f = scale === "ratio" ? Math.log : function (x) { return x; };
    var se = (f(high) - f(low)) / (2 * zFor(level)), z = f(value) / se;
    var out = { se: se, z: z, p: 2 * normSf(Math.abs(z)) };
    if (opts.worthwhile !== undefined && opts.worthwhile !== null) {
      out.verdict = verdict(low, high, opts.worthwhile, scale);
    }
    return out;
  }

  function oneGroup(k, n, rates, options) {
    var level = (options || {}).level || 0.95, tail = (1 - level) / 2;
    var low = k > 0 ? jStat.beta.inv(tail, k, n - k + 1) : 0;
    var high = k < n ? jStat.beta.inv(1 - tail, k + 1, n - k) : 1;
    var p = rates.map(function (r) { return k > 0 ? jStat.ibeta(r, k, n - k + 1) : 1; });
    return { share: k / n, low: low, high: high, threshold: low, p: p };
  }

  function order(p) {
    return p.map(function (v, i) { return i; }).sort(function (i, j) { return p[i] - p[j] || i - j; });
  }

  function manyResults(pvalues, options) {
    var alpha = (options || {}).alpha || 0.05, m = pvalues.length, idx = order(pvalues);
    var out = { m: m, any_false: -Math.expm1(m * Math.log1p(-alpha)) };
    out.bonferroni = pvalues.map(function (p) { return Math.min(1, p * m); });
    out.holm = new Array(m); out.bh = new Array(m);
    var running = 0;
    idx.forEach(function (i, rank) { running = Math.max(running, Math.min(1, (m - rank) * pvalues[i])); out.holm[i] = running; });
    running = 1;
    for (var rank = m - 1; rank >= 0; rank--) {
      var i = idx[rank];
      running = Math.min(running, pvalues[i] * m / (rank + 1));
      out.bh[i] = running;
    }
    ["bonferroni", "holm", "bh"].forEach(function (key) {
      out[key + "_survive"] = out[key].map(function (p) { return p <= alpha; });
      out[key + "_count"] = out[key + "_survive"].filter(Boolean).length;
    });
    out.raw_survive = pvalues.map(function (p) { return p <= alpha; });
    out.raw_count = out.raw_survive.filter(Boolean).length;
    return out;
  }

  var SCENARIOS = ["completers", "missing_failures", "missing_successes", "best_case", "worst_case"];

  function whoAnalysed(randT, analT, succT, randC, analC, succC, options) {
    var level = (options || {}).level || 0.95, missT = randT - analT, missC = randC - analC;
    var counts = {
      completers: [succT, analT, succC, analC],
      missing_failures: [succT, randT, succC, randC],
      missing_successes: [succT + missT, randT, succC + missC, randC],
      best_case: [succT + missT, randT, succC, randC],
      worst_case: [succT, randT, succC + missC, randC]
    };
    var out = { missing_t: missT, missing_c: missC, dropout_p: fisherP(missT, analT, missC, analC) };
    SCENARIOS.forEach(function (name) {
      var c = counts[name], r = compareShares(c[0], c[1], c[2], c[3], level);
      Object.keys(r).forEach(function (key) { out[name + "_" + key] = r[key]; });
    });
    var verdicts = SCENARIOS.map(function (name) { return out[name + "_fisher_p"] <= 0.05; });
    out.robust = verdicts.every(function (v) { return v === verdicts[0]; });
    return out;
  }

  function unitOfAnalysis(observations, patients, icc, p) {
    var perPatient = observations / patients, designEffect = 1 + (perPatient - 1) * icc;
    var z = normIsf(p / 2), zAdjusted = z / Math.sqrt(designEffect);
    return { per_patient: perPatient, design_effect: designEffect, effective_n: observations / designEffect,
             z: z, z_adjusted: zAdjusted, p_adjusted: 2 * normSf(zAdjusted) };
  }

  /* Wilcoxon-Mann-Whitney on counts per ordered category, as scipy's
   * mannwhitneyu (two-sided, normal approximation, tie and continuity corrections). */
  function ordered(countsT, countsC, options) {
    var higherBetter = (options || {}).higherIsBetter !== false;
    var sum = function (a) { return a.reduce(function (x, y) { return x + y; }, 0); };
    var nT = sum(countsT), nC = sum(countsC), total = nT + nC, below = 0, u = 0, ties = 0, used = 0;
    countsT.forEach(function (t, i) {
      u += t * (below + countsC[i] / 2);
      below += countsC[i];
      var tied = t + countsC[i];
      ties += tied * tied * tied - tied;
      if (tied > 0) { used += 1; }
    });
    var higher = u / (nT * nC), out = { n_t: nT, n_c: nC, u: u, prob_better: higherBetter ? higher : 1 - higher };
    if (used < 2) { out.p = NaN; return out; }
    var mu = nT * nC / 2, sd = Math.sqrt(nT * nC / 12 * ((total + 1) - ties / (total * (total - 1))));
    var big = Math.max(u, nT * nC - u);
    out.p = Math.min(1, 2 * normSf((big - mu - 0.5) / sd));
    return out;
  }

  var api = { twoGroups: twoGroups, whoAnalysed: whoAnalysed, unitOfAnalysis: unitOfAnalysis, ordered: ordered, estimate: estimate, oneGroup: oneGroup, manyResults: manyResults,
              verdict: verdict, fisherP: fisherP, normSf: normSf };
  core.define(isNode ? module : null, "yourtrial", api);
})(typeof self !== "undefined" ? self : this);
