import { writeFileSync } from "node:fs";
import { loadDataset, splitDataset } from "../dataset";
import { hash32 } from "../features";
import { quantize, train } from "../model";

/** Trains the intent model on the training split and writes packages/classifier/model/intent-model.json. */
const examples = loadDataset();
const { train: trainSet, test } = splitDataset(examples);
const started = performance.now();
const model = quantize(train(trainSet));
const out = new URL("../../model/intent-model.json", import.meta.url).pathname;
const trainedOn = hash32(trainSet.map((e) => `${e.intent}\t${e.text}`).join("\n")).toString(16);
// One key per line, arrays inline: the layout biome gives JSON, so the file passes the lint as written.
const body = Object.entries({ ...model, trainedOn, examples: trainSet.length })
  .map(
    ([k, v]) =>
      `  ${JSON.stringify(k)}: ${Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(", ")}]` : JSON.stringify(v)}`,
  )
  .join(",\n");
writeFileSync(out, `{\n${body}\n}\n`);
console.log(
  `trained ${model.version} on ${trainSet.length} examples (${test.length} held out) in ${Math.round(performance.now() - started)} ms → ${out}`,
);
