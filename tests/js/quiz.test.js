// The quiz and the checklist have no logic apart from the page; their words are fixed here.
const test = require("node:test");
const assert = require("node:assert/strict");
const quiz = require("../../book/static/js/quiz.js");
const appraisal = require("../../book/static/js/appraisal.js");

test("the verdicts a learner reads", () => {
  assert.equal(quiz.RIGHT, "Correct.");
  assert.match(quiz.WRONG, /try another option/);
});

test("the checklist's status before the model appraisal opens", () => {
  assert.equal(appraisal.status(3, 10), "Answered 3 of 10 items: answer every item to open the model appraisal.");
  assert.equal(appraisal.status(10, 10), "Every item answered: open the model appraisal when you are ready.");
});
