import { extractFeatures, FEATURE_BITS, FEATURE_DIMS, type Features, hash32 } from "./features";
import { type Intent, intentLabels } from "./labels";

/**
 * Multinomial logistic regression over hashed word and character n-gram features.
 * Trained by SGD in a seeded order (same data → same weights); stored with weights quantised to int8,
 * so inference is plain integer-weight arithmetic and identical on every machine.
 */

export const MODEL_FORMAT = "logbook-intent-logreg/1";

export interface SerializedModel {
  format: typeof MODEL_FORMAT;
  version: string;
  labels: readonly string[];
  featureBits: number;
  scale: number;
  bias: number[];
  /** base64 of an Int8Array laid out feature-major: weights[feature * labels + label]. */
  weights: string;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

export interface Prediction {
  intent: Intent;
  confidence: number;
  /** Probability of every intent, in `intentLabels` order. */
  probabilities: number[];
  /** The words that pushed most toward the predicted intent, strongest first. */
  topWords: { word: string; weight: number }[];
}

const K = intentLabels.length;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(logits: Float64Array): void {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    logits[k] = Math.exp(logits[k]! - max);
    sum += logits[k]!;
  }
  for (let k = 0; k < logits.length; k++) logits[k]! /= sum;
}

/** Trains float weights; `quantize` turns them into the stored model. */
export function train(examples: { text: string; intent: Intent }[], options: TrainOptions = {}) {
  const { epochs = 40, learningRate = 0.5, l2 = 1e-5, seed = 7 } = options;
  const weights = new Float32Array(FEATURE_DIMS * K);
  const bias = new Float64Array(K);
  const data = examples.map((e) => ({ features: extractFeatures(e.text), label: intentLabels.indexOf(e.intent) }));
  const order = data.map((_, i) => i);
  const random = mulberry32(seed);
  const p = new Float64Array(K);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const rate = learningRate / (1 + epoch * 0.1);
    for (const idx of order) {
      const { features, label } = data[idx]!;
      for (let k = 0; k < K; k++) p[k] = bias[k]!;
      for (let f = 0; f < features.index.length; f++) {
        const base = features.index[f]! * K;
        const v = features.value[f]!;
        for (let k = 0; k < K; k++) p[k]! += v * weights[base + k]!;
      }
      softmaxInPlace(p);
      for (let k = 0; k < K; k++) {
        const g = p[k]! - (k === label ? 1 : 0);
        bias[k]! -= rate * g * 0.1;
        for (let f = 0; f < features.index.length; f++) {
          const at = features.index[f]! * K + k;
          weights[at] = weights[at]! - rate * (g * features.value[f]! + l2 * weights[at]!);
        }
      }
    }
  }
  return { weights, bias: Array.from(bias) };
}

export function quantize(trained: { weights: Float32Array; bias: number[] }): SerializedModel {
  let max = 0;
  for (const w of trained.weights) if (Math.abs(w) > max) max = Math.abs(w);
  const scale = max / 127 || 1;
  const q = new Int8Array(trained.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(trained.weights[i]! / scale);
  const weights = Buffer.from(q.buffer).toString("base64");
  const bias = trained.bias.map((b) => Math.round(b * 1e6) / 1e6);
  const version = `intent-logreg-${hash32(weights + bias.join(","))
    .toString(16)
    .padStart(8, "0")}`;
  return { format: MODEL_FORMAT, version, labels: intentLabels, featureBits: FEATURE_BITS, scale, bias, weights };
}

/** A loaded model: predicts an intent with its confidence and the words that weighed most. */
export class IntentClassifier {
  readonly version: string;
  private readonly weights: Int8Array;
  private readonly scale: number;
  private readonly bias: number[];

  constructor(model: SerializedModel) {
    if (model.format !== MODEL_FORMAT) throw new Error(`unknown intent model format ${model.format}`);
    if (model.featureBits !== FEATURE_BITS || model.labels.join() !== intentLabels.join()) {
      throw new Error("intent model was trained with other features or labels: run pnpm classify:train");
    }
    this.version = model.version;
    const bytes = Buffer.from(model.weights, "base64");
    this.weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.scale = model.scale;
    this.bias = model.bias;
  }

  predict(text: string, options: { topWords?: number } = {}): Prediction {
    const features = extractFeatures(text);
    const p = this.logits(features);
    softmaxInPlace(p);
    let best = 0;
    for (let k = 1; k < K; k++) if (p[k]! > p[best]!) best = k;
    return {
      intent: intentLabels[best]!,
      confidence: Math.round(p[best]! * 1e4) / 1e4,
      probabilities: Array.from(p, (v) => Math.round(v * 1e4) / 1e4),
      topWords: this.topWords(features, best, options.topWords ?? 3),
    };
  }

  private logits(features: Features): Float64Array {
    const acc = new Float64Array(K);
    for (let f = 0; f < features.index.length; f++) {
      const base = features.index[f]! * K;
      const v = features.value[f]!;
      for (let k = 0; k < K; k++) acc[k]! += v * this.weights[base + k]!;
    }
    for (let k = 0; k < K; k++) acc[k] = acc[k]! * this.scale + this.bias[k]!;
    return acc;
  }

  /** Per word: how much its features favour `label` over the average intent. */
  private topWords(features: Features, label: number, limit: number): { word: string; weight: number }[] {
    if (limit <= 0) return [];
    const byWord = new Float64Array(features.words.length);
    for (let f = 0; f < features.index.length; f++) {
      const w = features.word[f]!;
      if (w < 0) continue;
      const base = features.index[f]! * K;
      let mean = 0;
      for (let k = 0; k < K; k++) mean += this.weights[base + k]!;
      byWord[w]! += features.value[f]! * (this.weights[base + label]! - mean / K) * this.scale;
    }
    const seen = new Set<string>();
    return Array.from(byWord, (weight, i) => ({ word: features.words[i]!, weight }))
      .sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
      .filter((x) => x.weight > 0 && !seen.has(x.word) && seen.add(x.word))
      .slice(0, limit)
      .map((x) => ({ word: x.word, weight: Math.round(x.weight * 1000) / 1000 }));
  }
}
