/** Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of a labelled run. */
export interface Evaluation {
  accuracy: number;
  macroF1: number;
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  /** confusion[actual][predicted] in `labels` order. */
  confusion: number[][];
  labels: readonly string[];
}

export function evaluate(labels: readonly string[], pairs: { actual: string; predicted: string }[]): Evaluation {
  const at = (label: string) => labels.indexOf(label);
  const confusion = labels.map(() => labels.map(() => 0));
  for (const { actual, predicted } of pairs) confusion[at(actual)]![at(predicted)]! += 1;
  let correct = 0;
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    correct += tp;
    const predictedAs = confusion.reduce((sum, row) => sum + row[i]!, 0);
    const support = confusion[i]!.reduce((sum, v) => sum + v, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    accuracy: pairs.length ? correct / pairs.length : 0,
    macroF1: perClass.reduce((sum, c) => sum + c.f1, 0) / labels.length,
    perClass,
    confusion,
    labels,
  };
}

/** The evaluation as aligned text lines. */
export function formatEvaluation(e: Evaluation): string[] {
  const pct = (v: number) => v.toFixed(3);
  const width = Math.max(...e.labels.map((l) => l.length), 9);
  const lines = [
    `accuracy ${pct(e.accuracy)}   macro-F1 ${pct(e.macroF1)}`,
    "",
    `${"class".padEnd(width)}  precision  recall  f1     support`,
    ...e.perClass.map(
      (c) =>
        `${c.label.padEnd(width)}  ${pct(c.precision).padEnd(9)}  ${pct(c.recall).padEnd(6)}  ${pct(c.f1).padEnd(5)}  ${c.support}`,
    ),
    "",
    `confusion (rows: actual, columns: predicted)`,
    `${"".padEnd(width)}  ${e.labels.map((l) => l.slice(0, 8).padStart(8)).join(" ")}`,
    ...e.confusion.map((row, i) => `${e.labels[i]!.padEnd(width)}  ${row.map((v) => String(v).padStart(8)).join(" ")}`),
  ];
  return lines;
}
