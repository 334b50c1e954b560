import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDataset, splitDataset } from "../src/dataset";
import { extractFeatures } from "../src/features";
import { intentClassifier } from "../src/intent-model";
import { IntentClassifier, quantize, type SerializedModel, train } from "../src/model";

describe("intent model", () => {
  it("is deterministic: the same text gives the same prediction, also from a second instance", () => {
    const stored = JSON.parse(readFileSync(new URL("../model/intent-model.json", import.meta.url), "utf8")) as SerializedModel;
    const a = intentClassifier();
    const b = new IntentClassifier(stored);
    for (const text of [
      "How do I create a data product?",
      "My connector is failing with timeout errors",
      "What is a trust flag?",
    ]) {
      expect(b.predict(text)).toEqual(a.predict(text));
      expect(a.predict(text)).toEqual(a.predict(text));
    }
  });

  it("training is reproducible: same data and seed → the same weights and version", () => {
    const { train: examples } = splitDataset(loadDataset());
    const sample = examples.slice(0, 200);
    const one = quantize(train(sample, { epochs: 5 }));
    const two = quantize(train(sample, { epochs: 5 }));
    expect(two.version).toBe(one.version);
    expect(two.weights).toBe(one.weights);
  });

  it("labels the issue's examples and explains with words from the question", () => {
    const model = intentClassifier();
    expect(model.predict("How do I create a data product?").intent).toBe("how_to");
    expect(model.predict("My connector is failing with timeout errors").intent).toBe("troubleshooting");
    expect(model.predict("What is a trust flag?").intent).toBe("conceptual");
    expect(model.predict("Thanks, bye!").intent).toBe("other");
    const p = model.predict("My connector is failing with timeout errors");
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.topWords.length).toBeGreaterThan(0);
    for (const w of p.topWords) expect(["my", "connector", "is", "failing", "with", "timeout", "errors"]).toContain(w.word);
  });

  it("features fold case and accents and survive empty text", () => {
    expect(extractFeatures("Qu'est-ce qu'un PRODUIT de données ?").words).toContain("donnees");
    expect(intentClassifier().predict("").intent).toBe("other");
  });

  it("the held-out split never overlaps training", () => {
    const { train: a, test } = splitDataset(loadDataset());
    const seen = new Set(a.map((e) => e.text));
    expect(test.some((e) => seen.has(e.text))).toBe(false);
  });
});
