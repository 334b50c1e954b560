import type { OtlpLogRecord } from "./otlp-types";

/**
 * The interaction fields an OTel GenAI semantic-conventions log record carries
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/): model, token usage, agent, conversation, error,
 * and the prompt and completion when the instrumentation captured content. Attributes used here are
 * removed from `attrs` (what is left goes to metadata); content never stays in metadata once mapped.
 */
export interface GenAiFields {
  model?: unknown;
  input_tokens?: unknown;
  output_tokens?: unknown;
  agent?: unknown;
  session_id?: unknown;
  is_error?: boolean;
  question?: string;
  answer?: string;
  /** The body held the content and must not be copied to metadata. */
  bodyUsed: boolean;
}

export function hasGenAi(attrs: Record<string, unknown>, eventName: string | undefined): boolean {
  return (eventName?.startsWith("gen_ai.") ?? false) || Object.keys(attrs).some((k) => k.startsWith("gen_ai."));
}

function take(attrs: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = attrs[key];
    if (value != null && value !== "") {
      delete attrs[key];
      return value;
    }
  }
  return undefined;
}

/** Integers arrive as numbers or (int64) decimal strings. */
function count(value: unknown): unknown {
  return typeof value === "string" && /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Text of a message: `content` as a string, or the `content` of its text parts. */
function messageText(message: unknown): string | undefined {
  if (!message || typeof message !== "object") return undefined;
  const m = message as { content?: unknown; parts?: unknown };
  if (typeof m.content === "string") return m.content;
  const parts = Array.isArray(m.parts) ? m.parts : Array.isArray(m.content) ? m.content : [];
  const texts = parts
    .map((p) => (p && typeof p === "object" ? (p as { content?: unknown; text?: unknown }) : {}))
    .map((p) => (typeof p.content === "string" ? p.content : typeof p.text === "string" ? p.text : undefined))
    .filter((t): t is string => t !== undefined);
  return texts.length ? texts.join("\n") : undefined;
}

/** `gen_ai.input.messages`: the last user message is the question. */
function questionOf(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const users = messages.filter((m) => (m as { role?: unknown })?.role === "user");
  return messageText(users.at(-1));
}

/** `gen_ai.output.messages`: the assistant's text is the answer. */
function answerOf(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const texts = messages.map(messageText).filter((t): t is string => t !== undefined);
  return texts.length ? texts.join("\n") : undefined;
}

export function genAiFields(attrs: Record<string, unknown>, record: OtlpLogRecord, eventName?: string): GenAiFields {
  const fields: GenAiFields = { bodyUsed: false };
  fields.model = take(attrs, "gen_ai.response.model", "gen_ai.request.model");
  fields.input_tokens = count(take(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"));
  fields.output_tokens = count(take(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"));
  fields.agent = take(attrs, "gen_ai.agent.name");
  fields.session_id = take(attrs, "gen_ai.conversation.id");
  if (attrs["error.type"] != null || (record.severityNumber ?? 0) >= 17) fields.is_error = true;

  const question = questionOf(parseMaybeJson(attrs["gen_ai.input.messages"]));
  if (question !== undefined) {
    fields.question = question;
    delete attrs["gen_ai.input.messages"];
  } else if (typeof attrs["gen_ai.prompt"] === "string") {
    fields.question = take(attrs, "gen_ai.prompt") as string;
  }
  const answer = answerOf(parseMaybeJson(attrs["gen_ai.output.messages"]));
  if (answer !== undefined) {
    fields.answer = answer;
    delete attrs["gen_ai.output.messages"];
  } else if (typeof attrs["gen_ai.completion"] === "string") {
    fields.answer = take(attrs, "gen_ai.completion") as string;
  }

  // Event-style GenAI logs carry the content in the body.
  const body = record.body;
  if (eventName === "gen_ai.user.message" && fields.question === undefined) {
    const text = typeof body === "string" ? body : messageText(body);
    if (text !== undefined) Object.assign(fields, { question: text, bodyUsed: true });
  } else if (eventName === "gen_ai.choice" && fields.answer === undefined) {
    const text = typeof body === "string" ? body : messageText((body as { message?: unknown } | null)?.message ?? body);
    if (text !== undefined) Object.assign(fields, { answer: text, bodyUsed: true });
  }
  return fields;
}
