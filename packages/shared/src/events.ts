import { z } from "zod";

/**
 * The event envelope: what a client sends and what Logbook stores, for all three kinds of log.
 * Frequently filtered fields are top-level; anything else goes in `metadata`.
 * Content (question, answer, sensitive payload) is kept apart from the listing fields.
 */
export const eventKinds = ["user_activity", "system", "interaction"] as const;
export type EventKind = (typeof eventKinds)[number];

export const MAX_SHORT = 256;
export const MAX_CONTENT = 100_000;
export const MAX_METADATA_BYTES = 32_768;

const short = z.string().min(1).max(MAX_SHORT, `must be at most ${MAX_SHORT} characters`);

/** RFC 3339 timestamp with an explicit offset, e.g. 2026-11-20T08:15:00Z. */
export const timestamp = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-20T08:15:00Z",
});

export const eventType = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/i, "must be dot-separated words, e.g. user.login or sync.dbt.started");

export const actorSchema = z.strictObject({
  id: short.optional(),
  email: short.optional(),
  name: short.optional(),
  type: z.enum(["user", "system", "agent", "api_key"]).optional(),
  ip: z.string().max(64).optional(),
});

export const targetSchema = z.strictObject({
  type: short.optional(),
  id: short.optional(),
  name: short.optional(),
  version: short.optional(),
});

/**
 * Whether `value` serialises to at most `limit` characters of JSON, without building the string: a
 * walk that stops as soon as the limit is passed (string escapes are not counted, so it may allow a
 * little more than `limit` for strings full of quotes or control characters).
 */
export function jsonFitsIn(value: unknown, limit: number): boolean {
  let size = 0;
  const walk = (v: unknown): boolean => {
    if (typeof v === "string") size += v.length + 2;
    else if (typeof v === "number" || typeof v === "boolean") size += String(v).length;
    else if (v === null || v === undefined) size += 4;
    else if (Array.isArray(v)) {
      size += 1 + v.length;
      for (const x of v) if (!walk(x)) return false;
    } else if (typeof v === "object") {
      size += 1;
      for (const [k, x] of Object.entries(v)) {
        size += k.length + 4;
        if (!walk(x)) return false;
      }
    }
    return size <= limit;
  };
  return walk(value);
}

export const metadataSchema = z.record(z.string(), z.unknown()).refine((m) => jsonFitsIn(m, MAX_METADATA_BYTES), {
  message: `must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
});

const common = {
  /** Client-supplied id: makes ingestion idempotent within the tenant. */
  id: short.optional(),
  type: eventType,
  occurred_at: timestamp,
  status: z.string().min(1).max(32).optional(),
  actor: actorSchema.optional(),
  target: targetSchema.optional(),
  source: short.optional(),
  trace_id: short.optional(),
  duration_ms: z.number().int().min(0).optional(),
  metadata: metadataSchema.optional(),
};

export const intents = ["how_to", "troubleshooting", "conceptual", "other"] as const;
export const responseTypes = ["rag_answer", "connector_troubleshoot", "direct", "error"] as const;
export const sentiments = ["positive", "negative"] as const;
export const protocols = ["http", "mcp"] as const;
export const occurredIn = ["journey", "chatbot", "ai_agent", "conversation"] as const;

export const toolCallSchema = z.strictObject({
  name: short,
  type: z.enum(["tool", "agent"]).default("tool"),
  count: z.number().int().min(1).default(1),
});

export const userActivityEventSchema = z.strictObject({ kind: z.literal("user_activity"), ...common });
export const systemEventSchema = z.strictObject({ kind: z.literal("system"), ...common });
export const interactionEventSchema = z.strictObject({
  kind: z.literal("interaction"),
  ...common,
  session_id: short.optional(),
  model: short.optional(),
  agent: short.optional(),
  platform: short.optional(),
  protocol: z.enum(protocols).optional(),
  product_area: short.optional(),
  tier: short.optional(),
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  intent: z.enum(intents).optional(),
  response_type: z.enum(responseTypes).optional(),
  sentiment: z.enum(sentiments).optional(),
  is_error: z.boolean().optional(),
  tool_calls: z.array(toolCallSchema).max(200).optional(),
  occurred_in: z.enum(occurredIn).optional(),
  element: short.optional(),
  person_id: short.optional(),
  interaction_id: short.optional(),
  conversation_id: short.optional(),
  question: z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`).optional(),
  answer: z.string().max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`).optional(),
});

export const eventInputSchema = z.discriminatedUnion("kind", [
  userActivityEventSchema,
  systemEventSchema,
  interactionEventSchema,
]);
export type EventInput = z.input<typeof eventInputSchema>;
export type EventEnvelope = z.output<typeof eventInputSchema>;

/** An event as the read path returns it (content only where the caller may see it). */
export interface StoredEvent {
  id: string;
  tenantId: string;
  kind: EventKind;
  type: string;
  occurredAt: string;
  receivedAt: string;
  clientId: string | null;
  status: string | null;
  actor: { id: string | null; email: string | null; name: string | null; type: string | null; ip: string | null };
  target: { type: string | null; id: string | null; name: string | null; version: string | null };
  source: string | null;
  traceId: string | null;
  durationMs: number | null;
  metadata: Record<string, unknown> | null;
}

/** Audit-trail event types Logbook records about itself. */
export const auditTypes = {
  signIn: "user.login",
  signInFailed: "login.failed",
  signOut: "user.logout",
  signUp: "user.signed_up",
  orgCreated: "organization.created",
  memberInvited: "member.invited",
  memberJoined: "member.joined",
  memberRoleChanged: "member.role_changed",
  memberRemoved: "member.removed",
  invitationCanceled: "invitation.canceled",
  apiKeyCreated: "api_key.created",
  apiKeyRevoked: "api_key.revoked",
  privacyUpdated: "privacy.updated",
} as const;

/** Tenant id of the platform's own audit trail (operators; failed sign-ins of unknown accounts). */
export const PLATFORM_TENANT = "_platform";
