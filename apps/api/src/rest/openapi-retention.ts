import { retentionFields } from "@logbook/shared/retention";

/** The retention part of the OpenAPI document: GET /v1/retention. */

const days = {
  type: "object",
  properties: Object.fromEntries(retentionFields.map((f) => [f, { type: "integer", minimum: 1 }])),
};
const instants = (nullable: boolean, fields: readonly string[]) => ({
  type: "object",
  properties: Object.fromEntries(fields.map((f) => [f, { type: "string", format: "date-time", nullable }])),
});

export const retentionSchema = {
  type: "object",
  properties: {
    plan: { type: "string", example: "team" },
    plan_name: { type: "string", example: "Team" },
    retention_days: { ...days, description: "In effect: the plan's, or the workspace's override" },
    plan_retention_days: days,
    overridden: { type: "array", items: { type: "string", enum: [...retentionFields] } },
    legal_hold: { type: "boolean", description: "While true nothing of the workspace is deleted" },
    cutoffs: {
      ...instants(false, retentionFields),
      description: "Events (and interaction content) older than these instants are no longer kept",
    },
    oldest_event: instants(true, ["user_activity", "system", "interaction"]),
    oldest_event_at: { type: "string", format: "date-time", nullable: true },
    export_file_days: { type: "integer", description: "Days an export file is kept" },
  },
};

export const retentionPaths = {
  "/v1/retention": {
    get: {
      summary: "Retention of this workspace",
      description:
        "The plan, how many days each kind of log is kept (interaction content — questions and answers — is removed first, " +
        "at its own cutoff), whether a legal hold is in place, and the oldest event still kept per kind.",
      responses: {
        "200": {
          description: "The workspace's retention",
          content: {
            "application/json": {
              schema: { type: "object", properties: { data: { $ref: "#/components/schemas/Retention" } } },
              example: {
                data: {
                  plan: "team",
                  plan_name: "Team",
                  retention_days: { user_activity: 90, system: 30, interaction: 60, interaction_content: 30 },
                  plan_retention_days: { user_activity: 90, system: 30, interaction: 60, interaction_content: 30 },
                  overridden: [],
                  legal_hold: false,
                  cutoffs: {
                    user_activity: "2026-08-31T12:00:00.000Z",
                    system: "2026-10-30T12:00:00.000Z",
                    interaction: "2026-09-30T12:00:00.000Z",
                    interaction_content: "2026-10-30T12:00:00.000Z",
                  },
                  oldest_event: {
                    user_activity: "2026-09-01T08:00:00.000Z",
                    system: null,
                    interaction: "2026-10-01T09:30:00.000Z",
                  },
                  oldest_event_at: "2026-09-01T08:00:00.000Z",
                  export_file_days: 14,
                },
              },
            },
          },
        },
        "401": {
          description: "Missing or unknown API key",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  },
};
