// The appraisal test's scoring and results, on a small item bank.
const test = require("node:test");
const assert = require("node:assert/strict");
const lt = require("../../book/static/js/learningtest.js");

const data = {
  concepts: { "1.1a": "Harms", "2.3": "Chance" },
  chapters: { 1: "../chapters/01.html", 4: "../chapters/04.html" },
  items: {
    "h-a": { form: "A", concept: "1.1a", chapter: 4, answer: 0, right: "Right h", why: "Because h." },
    "c-a": { form: "A", concept: "2.3", chapter: 1, answer: 2, right: "Right c", why: "Because c." },
    "h-b": { form: "B", concept: "1.1a", chapter: 4, answer: 1, right: "Right h2", why: "Because h2." },
    "c-b": { form: "B", concept: "2.3", chapter: 1, answer: 3, right: "Right c2", why: "Because c2." },
  },
};

test("a form is scored item by item; an unanswered item is not right", () => {
  assert.deepEqual(lt.score(data, "A", { "h-a": 0, "c-a": 1 }), { "h-a": 1, "c-a": 0 });
  assert.deepEqual(lt.score(data, "B", {}), { "h-b": 0, "c-b": 0 });
  assert.deepEqual(lt.byConcept(data, { "h-a": 1, "c-a": 0 }), { "1.1a": { right: 1, asked: 1 },
                                                                "2.3": { right: 0, asked: 1 } });
});

test("the results: totals, the change, and the chapters for the concepts missed", () => {
  const pre = { form: "A", right: { "h-a": 1, "c-a": 0 } };
  let html = lt.resultsHtml(data, { first: "A", pre: pre });
  assert.match(html, /Pre-test: <strong>1 of 2<\/strong>\./);
  assert.match(html, /<a href="\.\.\/chapters\/01\.html">Chapter 1<\/a>: 2\.3 Chance/);
  assert.doesNotMatch(html, /chapters\/04/);
  html = lt.resultsHtml(data, { first: "A", pre: pre, post: { form: "B", right: { "h-b": 1, "c-b": 1 } } });
  assert.match(html, /post-test: <strong>2 of 2<\/strong> \(change \+1\)/);
  assert.match(html, /Every concept right/);
  assert.match(html, /<td>0 of 1<\/td><td>1 of 1<\/td><td>\+1<\/td>/);
});
