import type { EventDetail } from "./types";

/**
 * Classification of an interaction: each label with where it came from (client, model, rule,
 * feedback), its confidence and version, the words that weighed most for the model's intent, and the
 * comment of the feedback that set the sentiment.
 */

interface StoredLabel {
  source?: string;
  version?: string;
  confidence?: number;
  reason?: string;
  top_words?: { word: string; weight: number }[];
  comment?: string;
}

const FIELDS = [
  { key: "intent", title: "Intent", value: (e: EventDetail) => e.intent },
  { key: "response_type", title: "Response type", value: (e: EventDetail) => e.responseType },
  { key: "sentiment", title: "Sentiment", value: (e: EventDetail) => e.sentiment },
] as const;

const SOURCE_TITLE: Record<string, string> = {
  client: "sent by the client",
  model: "classified by the model",
  rule: "derived by rules",
  feedback: "from user feedback",
};

function labelOf(labels: EventDetail["labels"], key: string): StoredLabel | null {
  const value = (labels as Record<string, unknown> | null)?.[key];
  return value && typeof value === "object" ? (value as StoredLabel) : null;
}

export function EventLabels({ event }: { event: EventDetail }) {
  if (event.kind !== "interaction") return null;
  const rows = FIELDS.map((f) => ({ ...f, current: f.value(event), label: labelOf(event.labels, f.key) })).filter(
    (r) => r.current != null,
  );
  if (rows.length === 0) return null;
  return (
    <section className="event-section" aria-labelledby="event-labels" data-testid="event-labels">
      <h3 id="event-labels">Classification</h3>
      <dl className="event-fields">
        {rows.map(({ key, title, current, label }) => {
          const source = label?.source ?? "client";
          return (
            <div key={key} className="event-field" data-label={key}>
              <dt>{title}</dt>
              <dd>
                <span className="mono">{current}</span>{" "}
                <span className="badge neutral" title={SOURCE_TITLE[source] ?? source} data-testid={`label-source-${key}`}>
                  {source}
                </span>
                {typeof label?.confidence === "number" ? (
                  <span className="muted small" data-testid={`label-confidence-${key}`}>
                    {" "}
                    {Math.round(label.confidence * 100)}% confidence
                  </span>
                ) : null}
                {label?.version ? <span className="muted small"> · {label.version}</span> : null}
                {label?.reason ? <div className="muted small">{label.reason}</div> : null}
                {label?.top_words?.length ? (
                  <div className="small" data-testid={`label-words-${key}`}>
                    <span className="muted">weighed most: </span>
                    {label.top_words.map((w, i) => (
                      <span key={w.word}>
                        {i > 0 ? ", " : null}
                        <q title={`weight ${w.weight}`}>{w.word}</q>
                      </span>
                    ))}
                  </div>
                ) : null}
                {label?.comment ? (
                  <div className="small">
                    <span className="muted">comment: </span>
                    {label.comment}
                  </div>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
