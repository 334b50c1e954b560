/**
 * Response type of an answer, by rules over what the interaction recorded: the error flag, the tools
 * it called (which names count as retrieval or connector tools is a tenant setting of glob patterns)
 * and the answer text.
 */

export const RESPONSE_RULES_VERSION = "response-rules-1";

export type ResponseType = "rag_answer" | "connector_troubleshoot" | "direct" | "error";

export interface ToolPatterns {
  /** Glob patterns (`*` = any characters, case-insensitive) of tools that retrieve context. */
  retrievalTools: readonly string[];
  /** Glob patterns of tools that inspect connectors or integrations. */
  connectorTools: readonly string[];
}

export interface ResponseInput {
  isError: boolean | null;
  toolCalls: readonly { name: string; type?: string; count?: number }[] | null;
  question: string | null;
  answer: string | null;
  /** Content was dropped by the tenant's privacy settings: the answer cannot be judged. */
  contentDropped?: boolean;
}

export interface ResponseLabel {
  responseType: ResponseType;
  confidence: number;
  reason: string;
}

const NO_USEFUL_ANSWER = [
  /\b(an?|internal|unexpected) error (has )?occurred\b/i,
  /\bsomething went wrong\b/i,
  /\b(i|we) (don'?t|do not) know\b/i,
  /\b(i|we) (could ?n[o']?t|can ?n[o']?t|cannot|am unable to|was unable to|wasn'?t able to) (find|answer|help|access|retrieve|process)\b/i,
  /\bno (relevant )?(results|information|documents|answer)( were| was)? found\b/i,
  /\bcontext length exceeded\b/i,
  /^\s*(error|exception)\b/i,
];

const compiled = new WeakMap<readonly string[], RegExp | null>();

function matcher(patterns: readonly string[]): RegExp | null {
  let re = compiled.get(patterns);
  if (re === undefined) {
    const parts = patterns
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) =>
        p
          .split("*")
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*"),
      );
    re = parts.length ? new RegExp(`^(?:${parts.join("|")})$`, "i") : null;
    compiled.set(patterns, re);
  }
  return re;
}

export function deriveResponseType(input: ResponseInput, tools: ToolPatterns): ResponseLabel {
  if (input.isError === true) return { responseType: "error", confidence: 1, reason: "is_error" };
  const calls = (input.toolCalls ?? []).filter((c) => (c.count ?? 1) > 0);
  const connector = matcher(tools.connectorTools);
  const retrieval = matcher(tools.retrievalTools);
  const connectorCall = connector ? calls.find((c) => connector.test(c.name)) : undefined;
  if (connectorCall) return { responseType: "connector_troubleshoot", confidence: 0.9, reason: `tool ${connectorCall.name}` };
  const answer = input.answer?.trim() ?? "";
  if (answer && NO_USEFUL_ANSWER.some((re) => re.test(answer.slice(0, 400)))) {
    return { responseType: "error", confidence: 0.75, reason: "answer says it could not help" };
  }
  const retrievalCall = retrieval ? calls.find((c) => retrieval.test(c.name)) : undefined;
  if (retrievalCall) return { responseType: "rag_answer", confidence: 0.9, reason: `tool ${retrievalCall.name}` };
  if (!answer && input.question?.trim() && !input.contentDropped) {
    return { responseType: "error", confidence: 0.7, reason: "question without an answer" };
  }
  if (!answer) return { responseType: "direct", confidence: 0.5, reason: "no answer recorded" };
  return { responseType: "direct", confidence: 0.8, reason: "answered without retrieval or connector tools" };
}
