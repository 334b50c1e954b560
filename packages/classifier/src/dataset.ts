import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hash32 } from "./features";
import { type Intent, intentLabels } from "./labels";

export interface Example {
  text: string;
  intent: Intent;
}

export const DATA_DIR = new URL("../data/intents/", import.meta.url).pathname;

/** The labelled questions: one file per intent (`<intent>.txt`), one question per line, `#` comments. */
export function loadDataset(dir = DATA_DIR): Example[] {
  const out: Example[] = [];
  for (const file of readdirSync(dir).sort()) {
    const intent = file.replace(/\.txt$/, "") as Intent;
    if (!file.endsWith(".txt") || !intentLabels.includes(intent)) continue;
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const text = line.trim();
      if (text && !text.startsWith("#")) out.push({ text, intent });
    }
  }
  return out;
}

/** Deterministic split by a hash of the text: about `heldOut` of the examples go to the test set. */
export function splitDataset(examples: Example[], heldOut = 0.2): { train: Example[]; test: Example[] } {
  const train: Example[] = [];
  const test: Example[] = [];
  for (const e of examples) ((hash32(`split:${e.text}`) % 1000) / 1000 < heldOut ? test : train).push(e);
  return { train, test };
}
