import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { intentClassifier } from "../intent-model";

/**
 * pnpm classify --file questions.jsonl [--explain]: one JSON line per input line {"text": ...}:
 * {"text", "intent", "confidence"} (+ "top_words" with --explain). Reads stdin without --file.
 */
const args = process.argv.slice(2);
const fileAt = args.indexOf("--file");
const explain = args.includes("--explain");
const file = fileAt >= 0 ? args[fileAt + 1] : undefined;
if (fileAt >= 0 && !file) {
  console.error("usage: pnpm classify --file questions.jsonl [--explain]");
  process.exit(2);
}
// pnpm runs root scripts from the workspace root; a relative path is meant from where it was typed.
const input = file ? readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), file), "utf8") : readFileSync(0, "utf8");
const classifier = intentClassifier();
let failed = 0;
input.split("\n").forEach((line, i) => {
  if (!line.trim()) return;
  let text: unknown;
  try {
    text = (JSON.parse(line) as { text?: unknown }).text;
  } catch {
    text = undefined;
  }
  if (typeof text !== "string") {
    console.error(`line ${i + 1}: expected {"text": "..."}`);
    failed++;
    return;
  }
  const p = classifier.predict(text);
  console.log(
    JSON.stringify({ text, intent: p.intent, confidence: p.confidence, ...(explain ? { top_words: p.topWords } : {}) }),
  );
});
process.exit(failed ? 1 : 0);
