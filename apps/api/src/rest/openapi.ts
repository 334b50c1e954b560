import { eventInputSchema, interactionEventSchema, systemEventSchema, userActivityEventSchema } from "@logbook/shared/events";
import { z } from "zod";
import { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from "../ingest/read-body";
import { exportPaths, exportSchema } from "./openapi-exports";
import { getEventOperation, listEventsOperation, storedEventSchema } from "./openapi-read";
import { retentionPaths, retentionSchema } from "./openapi-retention";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: "openapi-3.0", io: "input", unrepresentable: "any" });

const error = (code: string, message: string) => ({
  description: message,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: { error: { code, message } } } },
});

/** The public API's OpenAPI 3 document, with the event envelope derived from the zod schemas. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.0.3",
    info: {
      title: "Logbook public API",
      version: "1",
      description:
        "Send events of your workspace's users, systems and AI interactions with an API key, and read them back. " +
        "Authenticate with `Authorization: Bearer <key>`. Requests count against your plan's rate limit.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/v1/events": {
        get: listEventsOperation,
        post: {
          summary: "Ingest events",
          description:
            `One event, a JSON batch \`{ "events": [...] }\`, or NDJSON (\`Content-Type: application/x-ndjson\`, one event per line). ` +
            `At most ${MAX_EVENTS_PER_REQUEST} events or ${MAX_BODY_BYTES / 1024 / 1024} MB per request. Each event is validated against its kind's schema; ` +
            "valid events are stored even when others are rejected. An event whose client `id` is already stored in the tenant is reported as " +
            "`duplicate` with the stored event's id and is not stored twice. A 2xx answer means the accepted events are committed.",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { oneOf: [{ $ref: "#/components/schemas/Event" }, { $ref: "#/components/schemas/EventBatch" }] },
                example: {
                  events: [
                    {
                      id: "evt-1",
                      kind: "user_activity",
                      type: "user.login",
                      occurred_at: "2026-11-20T08:15:00Z",
                      actor: { email: "ann@acme.example" },
                    },
                    {
                      kind: "system",
                      type: "sync.dbt.finished",
                      occurred_at: "2026-11-20T08:16:00Z",
                      source: "dbt",
                      duration_ms: 5400,
                    },
                  ],
                },
              },
              "application/x-ndjson": { schema: { type: "string", description: "One JSON event per line" } },
            },
          },
          responses: {
            "200": {
              description: "Every event accepted or duplicate",
              content: { "application/json": { schema: { $ref: "#/components/schemas/IngestResult" } } },
            },
            "207": {
              description: "Mixed outcomes: some events rejected, the others stored",
              content: { "application/json": { schema: { $ref: "#/components/schemas/IngestResult" } } },
            },
            "400": {
              description: "Malformed JSON (with line and column), an empty body, or every event rejected (the result lists why)",
              content: {
                "application/json": {
                  schema: { oneOf: [{ $ref: "#/components/schemas/IngestResult" }, { $ref: "#/components/schemas/Error" }] },
                },
              },
            },
            "401": error("invalid_api_key", "Missing or unknown API key"),
            "403": error("api_key_revoked", "Revoked or expired API key"),
            "413": error("too_many_events", `More than ${MAX_EVENTS_PER_REQUEST} events or ${MAX_BODY_BYTES / 1024 / 1024} MB`),
            "415": error("unsupported_media_type", "Content-Type other than application/json or application/x-ndjson"),
            "429": {
              ...error("rate_limited", "The tenant's rate limit is exceeded"),
              headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } },
            },
          },
        },
      },
      "/v1/events/{id}": { get: getEventOperation },
      "/v1/logs": {
        post: {
          summary: "Ingest OpenTelemetry logs (OTLP/HTTP)",
          description:
            "Point a stock OpenTelemetry logs exporter here (`url: <logbook>/v1/logs`, header `Authorization: Bearer <key>`). " +
            "JSON and protobuf encodings (`application/x-protobuf` or `application/protobuf`), optionally gzipped. GenAI semantic-convention attributes (gen_ai.*) map to interaction fields; the rest lands in metadata. " +
            "Errors come as the JSON error below, or for a protobuf request as a protobuf google.rpc.Status.",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { type: "object" } },
              "application/x-protobuf": { schema: { type: "string", format: "binary" } },
            },
          },
          responses: {
            "200": { description: "Export accepted (partialSuccess lists rejected records)" },
            "400": error("malformed_otlp", "Malformed payload"),
            "401": error("invalid_api_key", "Missing or unknown API key"),
            "403": error("api_key_revoked", "Revoked or expired API key"),
            "413": error(
              "too_many_events",
              `More than ${MAX_EVENTS_PER_REQUEST} log records (too_many_events) or ${MAX_BODY_BYTES / 1024 / 1024} MB after decompression (payload_too_large)`,
            ),
            "415": error(
              "unsupported_media_type",
              "Content-Type other than application/json or application/x-protobuf (unsupported_media_type), or Content-Encoding other than gzip (unsupported_encoding)",
            ),
            "429": {
              ...error("rate_limited", "The tenant's rate limit is exceeded"),
              headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } },
            },
          },
        },
      },
      ...exportPaths,
      ...retentionPaths,
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "A Logbook API key (lb_…), created by an owner or admin" },
      },
      schemas: {
        Event: schema(eventInputSchema),
        UserActivityEvent: schema(userActivityEventSchema),
        SystemEvent: schema(systemEventSchema),
        InteractionEvent: schema(interactionEventSchema),
        StoredEvent: storedEventSchema,
        Export: exportSchema,
        Retention: retentionSchema,
        EventBatch: {
          type: "object",
          required: ["events"],
          properties: {
            events: {
              type: "array",
              minItems: 1,
              maxItems: MAX_EVENTS_PER_REQUEST,
              items: { $ref: "#/components/schemas/Event" },
            },
          },
        },
        IngestResult: {
          type: "object",
          properties: {
            accepted: { type: "integer" },
            duplicates: { type: "integer" },
            rejected: { type: "integer" },
            results: {
              type: "array",
              description: "One entry per event, in request order",
              items: {
                type: "object",
                properties: {
                  index: { type: "integer" },
                  status: { type: "string", enum: ["accepted", "duplicate", "rejected"] },
                  id: { type: "string", format: "uuid", description: "The stored event's id (for a duplicate: the original's)" },
                  client_id: { type: "string", nullable: true },
                  errors: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: { path: { type: "string", example: "occurred_at" }, message: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        },
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: { code: { type: "string" }, message: { type: "string" } },
              additionalProperties: true,
            },
          },
        },
      },
    },
  };
}
