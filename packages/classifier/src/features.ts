/**
 * Text → hashed sparse features, shared by training and inference so both see the same vector.
 *
 * Per word (lower-cased, accents folded): the word itself, its character 3- to 5-grams inside word
 * boundaries (robust to typos and inflections: "conecter" still shares most n-grams with
 * "connector"), and the bigram with the next word. The first word gets a feature of its own ("how",
 * "why", "what" lead the intent). Every feature remembers the word it came from, so a prediction can
 * name the words that weighed most. The vector is L2-normalised.
 */

export const FEATURE_BITS = 17;
export const FEATURE_DIMS = 1 << FEATURE_BITS;
const MAX_WORDS = 64;

export interface Features {
  /** Bucket of each feature (may repeat: hashing collisions and repeated words). */
  index: Int32Array;
  /** Value of each feature after normalisation. */
  value: Float32Array;
  /** Position in `words` of the word each feature came from. */
  word: Int32Array;
  words: string[];
}

/** FNV-1a, 32 bit: stable across platforms and Node versions. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower case, accents folded, split on anything that is not a letter or digit. */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss");
  const words = folded.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words.length > MAX_WORDS ? words.slice(0, MAX_WORDS) : words;
}

export function extractFeatures(text: string): Features {
  const words = tokenize(text);
  const index: number[] = [];
  const value: number[] = [];
  const word: number[] = [];
  const add = (key: string, w: number, v: number) => {
    index.push(hash32(key) & (FEATURE_DIMS - 1));
    value.push(v);
    word.push(w);
  };
  if (words.length === 0) add("<empty>", -1, 1);
  else if (words.length < 3) add("<short>", -1, 1);
  for (let w = 0; w < words.length; w++) {
    const token = words[w]!;
    add(`w:${token}`, w, 1);
    if (w === 0) add(`f:${token}`, w, 1);
    const padded = `<${token}>`;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`, w, 0.5);
    }
    if (w + 1 < words.length) add(`b:${token} ${words[w + 1]}`, w, 1);
  }
  if (/\?\s*$/.test(text)) add("<question-mark>", -1, 1);
  let norm = 0;
  for (const v of value) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    index: Int32Array.from(index),
    value: Float32Array.from(value, (v) => v * scale),
    word: Int32Array.from(word),
    words,
  };
}
