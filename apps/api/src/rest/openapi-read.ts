import { DEFAULT_LIMIT, exactFilterFields, MAX_LIMIT, periodPresets } from "@logbook/shared/filters";

/** The read path's part of the OpenAPI document: GET /v1/events and GET /v1/events/{id}. */

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const errorRef = { $ref: "#/components/schemas/Error" };
const error = (code: string, message: string) => ({
  description: message,
  content: { "application/json": { schema: errorRef, example: { error: { code, message } } } },
});

const query = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "query",
  description,
  schema,
});
const list = { type: "array", items: { type: "string" } };

const filterParameters = [
  query("period", "Time range (default 24h); or from + to", { type: "string", enum: [...periodPresets] }),
  query("from", "Start of a custom range (ISO 8601), with to", { type: "string", format: "date-time" }),
  query("to", "End of a custom range (ISO 8601, exclusive), with from", { type: "string", format: "date-time" }),
  query("kind", "user_activity, system, interaction (repeat or comma list)", list),
  query("type", "Exact type or a prefix ending in .* (sync.*); repeat or comma list", list),
  query("protocol", "http or mcp", list),
  query("tool_name", "Interactions that called a tool of this name; repeat for several", list),
  ...exactFilterFields.map((field) => query(snake(field), "Exact match; repeat for several values", list)),
  query("actor", "Partial, case-insensitive match over actor id, email and name"),
  query("is_error", "Only failed (true) or successful (false) interactions", { type: "boolean" }),
  ...["input_tokens", "output_tokens", "total_tokens", "duration_ms"].map((name) => ({
    ...query(name, `${name}[gte]=n and/or ${name}[lte]=n`, {
      type: "object",
      properties: { gte: { type: "integer", minimum: 0 }, lte: { type: "integer", minimum: 0 } },
    }),
    style: "deepObject",
    explode: true,
  })),
  {
    ...query(
      "metadata",
      "By path in deep-object notation: metadata[customer][plan]=pro (equality as text), " +
        "metadata[latency_ms][gte]=500 (gt/gte/lt/lte: numbers), metadata[customer][plan][exists]=true",
      { type: "object", additionalProperties: true },
    ),
    style: "deepObject",
    explode: true,
  },
  query("search", "Full text over question and answer"),
  query("order", "desc (newest first, default) or asc", { type: "string", enum: ["desc", "asc"] }),
  query("limit", `Page size (JSON only; JSON Lines streams every match)`, {
    type: "integer",
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
  }),
  query("cursor", "next_cursor of the previous page, with the same filters and order"),
  query("format", "jsonl streams JSON Lines (as Accept: application/x-ndjson does)", {
    type: "string",
    enum: ["json", "jsonl"],
  }),
];

const invalidParameter = {
  description: "An invalid filter, page size or cursor; `param` names it (`cursor` adds a `reason`)",
  content: {
    "application/json": {
      schema: errorRef,
      example: {
        error: {
          code: "invalid_parameter",
          message: "limit must be between 1 and 500",
          param: "limit",
          errors: [{ param: "limit", message: "must be between 1 and 500" }],
        },
      },
    },
  },
};

export const listEventsOperation = {
  summary: "List events",
  description:
    "The workspace's events matching every given filter, newest first, in pages linked by an opaque `next_cursor`. " +
    "With `format=jsonl` or `Accept: application/x-ndjson`: every matching event as JSON Lines, streamed; " +
    "a line leaves out the fields that are null.",
  parameters: filterParameters,
  responses: {
    "200": {
      description: "A page of events (or, for JSON Lines, every matching event, one per line)",
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              data: { type: "array", items: { $ref: "#/components/schemas/StoredEvent" } },
              next_cursor: { type: "string", nullable: true },
            },
          },
        },
        "application/x-ndjson": { schema: { type: "string", description: "One StoredEvent per line" } },
      },
    },
    "400": invalidParameter,
    "401": error("invalid_api_key", "Missing or unknown API key"),
    "429": error("rate_limited", "The tenant's rate limit is exceeded"),
  },
};

export const getEventOperation = {
  summary: "Get one event with its content",
  parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
  responses: {
    "200": {
      description: "The event, with `content` (question, answer) or null",
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              data: {
                allOf: [
                  { $ref: "#/components/schemas/StoredEvent" },
                  {
                    type: "object",
                    properties: {
                      content: {
                        type: "object",
                        nullable: true,
                        properties: { question: { type: "string", nullable: true }, answer: { type: "string", nullable: true } },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    },
    "401": error("invalid_api_key", "Missing or unknown API key"),
    "404": error("not_found", "No event with this id in the workspace"),
    "429": error("rate_limited", "The tenant's rate limit is exceeded"),
  },
};

/** A stored event as the read API answers it: flat, snake_case, without content. */
export const storedEventSchema = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    client_id: { type: "string", nullable: true },
    kind: { type: "string", enum: ["user_activity", "system", "interaction"] },
    type: { type: "string" },
    occurred_at: { type: "string", format: "date-time" },
    received_at: { type: "string", format: "date-time" },
    status: { type: "string", nullable: true },
    actor_id: { type: "string", nullable: true },
    actor_email: { type: "string", nullable: true },
    actor_name: { type: "string", nullable: true },
    source: { type: "string", nullable: true },
    model: { type: "string", nullable: true },
    input_tokens: { type: "integer", nullable: true },
    output_tokens: { type: "integer", nullable: true },
    is_error: { type: "boolean", nullable: true },
    metadata: { type: "object", nullable: true, additionalProperties: true },
    has_content: { type: "boolean" },
    redacted: { type: "boolean" },
  },
  additionalProperties: true,
};
