import { loadDataset, splitDataset } from "../dataset";
import { intentClassifier, intentLabels } from "../intent-model";
import { evaluate, formatEvaluation } from "../metrics";

/** Evaluates the shipped model on the held-out split (never seen in training); last line JSON. */
const { train, test } = splitDataset(loadDataset());
const classifier = intentClassifier();
const started = performance.now();
const pairs = test.map((e) => ({ actual: e.intent, predicted: classifier.predict(e.text).intent, text: e.text }));
const ms = performance.now() - started;
const result = evaluate(intentLabels, pairs);
console.log(`model ${classifier.version}: ${train.length} training examples, ${test.length} held out`);
for (const line of formatEvaluation(result)) console.log(line);
const wrong = pairs.filter((p) => p.actual !== p.predicted);
if (wrong.length) {
  console.log("");
  console.log("misclassified:");
  for (const p of wrong) console.log(`  ${p.actual} → ${p.predicted}: ${p.text}`);
}
console.log("");
console.log(`${((ms * 1000) / Math.max(1, test.length)).toFixed(1)} µs per question`);
console.log(
  JSON.stringify({
    model: classifier.version,
    accuracy: Math.round(result.accuracy * 1e4) / 1e4,
    macro_f1: Math.round(result.macroF1 * 1e4) / 1e4,
    held_out: test.length,
  }),
);
