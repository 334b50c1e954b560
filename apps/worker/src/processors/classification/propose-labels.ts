import type { IntentClassifier } from "@logbook/classifier/intent";
import { deriveResponseType, RESPONSE_RULES_VERSION, type ToolPatterns } from "@logbook/classifier/response-type";
import type { InteractionToLabel, ProposedLabels } from "@logbook/db/queries/classification";
import type { StoredLabel } from "@logbook/shared/jobs/classification";

const NO_QUESTION_VERSION = "intent-rules-1";

/** Whether the stored intent is one the model must not replace (the client's or a feedback correction). */
function intentKept(row: InteractionToLabel): boolean {
  const source = row.labels?.intent?.source ?? (row.intent != null ? "client" : null);
  return source === "client" || source === "feedback";
}

/**
 * The model's intent and the rules' response type for each interaction, with source, version,
 * confidence and (for the model) the words that weighed most. Kept labels are passed through as they
 * are; the write decides precedence again on the row it updates.
 */
export function proposeLabels(rows: InteractionToLabel[], tools: ToolPatterns, classifier: IntentClassifier): ProposedLabels[] {
  return rows.map((row) => {
    const contentDropped = row.redacted && row.question == null && row.answer == null;
    let intent: string;
    let intentLabel: StoredLabel;
    if (intentKept(row)) {
      intent = row.intent ?? "other";
      intentLabel = row.labels?.intent ?? { source: "client" };
    } else if (row.question?.trim()) {
      const p = classifier.predict(row.question);
      intent = p.intent;
      intentLabel = { source: "model", version: classifier.version, confidence: p.confidence, top_words: p.topWords };
    } else {
      intent = "other";
      intentLabel = {
        source: "rule",
        version: NO_QUESTION_VERSION,
        confidence: contentDropped ? 0.3 : 0.5,
        reason: contentDropped ? "content dropped by privacy settings" : "no question recorded",
      };
    }
    const response = deriveResponseType(
      { isError: row.isError, toolCalls: row.toolCalls, question: row.question, answer: row.answer, contentDropped },
      tools,
    );
    return {
      id: row.id,
      occurredAt: row.occurredAt,
      intent,
      intentLabel,
      responseType: response.responseType,
      responseLabel: {
        source: "rule",
        version: RESPONSE_RULES_VERSION,
        confidence: response.confidence,
        reason: response.reason,
      },
    };
  });
}
