import { EventCursorError } from "@logbook/db/queries/event-cursor";
import { filterOptions } from "@logbook/db/queries/event-options";
import { eventStatistics } from "@logbook/db/queries/event-stats";
import { eventUsage, usageDimensions } from "@logbook/db/queries/event-usage";
import { getEvent } from "@logbook/db/queries/get-event";
import { listEventsFiltered } from "@logbook/db/queries/list-events-filtered";
import { MAX_OPTION_LIMIT, optionColumnSchema } from "@logbook/shared/filter-options";
import { type EventFilter, eventFilterSchema } from "@logbook/shared/filters";
import { contentAccess, type Role } from "@logbook/shared/permissions";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { router, tenantProcedure } from "../trpc";

/**
 * The read path for the web UI: the same filter model and query functions as GET /v1/events.
 * Content is gated by the caller's role: `search` (over question and answer) counts only for roles
 * with full content access, and a single event's content comes redacted for auditors.
 */

const orgId = z.string().min(1, "orgId is required");

/** Filters without paging, for facets and statistics. */
const filterInput = eventFilterSchema.omit({ cursor: true, order: true, limit: true }).extend({ orgId });

const listInput = eventFilterSchema.extend({
  orgId,
  // Infinite queries of the web UI send `cursor: null` for the first page, and a direction.
  cursor: eventFilterSchema.shape.cursor.unwrap().nullish(),
  direction: z.enum(["forward", "backward"]).optional(),
});

type FilterFields = Omit<z.output<typeof filterInput>, "orgId">;

/** What the role may see of content, and the filter with `search` dropped when it may not search. */
function readScope<T extends { search?: string }>(role: Role, filter: T) {
  const canReadContent = contentAccess(role) === "full";
  return { canReadContent, filter: canReadContent ? filter : { ...filter, search: undefined } };
}

/** The parsed filter with defaults for the paging fields facets and statistics do not use. */
function withoutPaging({ orgId: _orgId, ...filter }: z.output<typeof filterInput>): FilterFields & EventFilter {
  return { ...filter, order: "desc", limit: eventFilterSchema.shape.limit.parse(undefined) };
}

/** A cursor the query refused is the caller's mistake: 400 naming the cursor. */
async function cursorChecked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EventCursorError) {
      const reason = error.message.replace(/^cursor /, "");
      throw new TRPCError({ code: "BAD_REQUEST", message: `cursor: ${reason}`, cause: error });
    }
    throw error;
  }
}

export const eventsRouter = router({
  /** One page of the organization's events matching the filter, newest first by default, by keyset cursor. */
  list: tenantProcedure("logs:read")
    .input(listInput)
    .query(async ({ ctx, input }) => {
      const { orgId: _orgId, direction: _direction, cursor, ...rest } = input;
      const scope = readScope(ctx.tenant.role, { ...rest, cursor: cursor ?? undefined });
      return cursorChecked(() =>
        listEventsFiltered(ctx.db, {
          tenantId: ctx.tenant.tenantId,
          filter: scope.filter,
          secret: ctx.cursorSecret,
          canReadContent: scope.canReadContent,
        }),
      );
    }),

  /** The values of `column` that occur under the current filters, with counts (a filter dropdown). */
  options: tenantProcedure("logs:read")
    .input(
      filterInput.extend({
        column: optionColumnSchema,
        /** How many values, most frequent first. */
        limit: z
          .number()
          .int("must be an integer")
          .min(1, `must be between 1 and ${MAX_OPTION_LIMIT}`)
          .max(MAX_OPTION_LIMIT, `must be between 1 and ${MAX_OPTION_LIMIT}`)
          .optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { column, limit, ...filter } = input;
      const scope = readScope(ctx.tenant.role, withoutPaging(filter));
      return filterOptions(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        filter: scope.filter,
        column,
        limit,
        canReadContent: scope.canReadContent,
      });
    }),

  /** Totals and a time series (bucket size chosen from the period) for the current filters. */
  stats: tenantProcedure("logs:read")
    .input(filterInput)
    .query(async ({ ctx, input }) => {
      const scope = readScope(ctx.tenant.role, withoutPaging(input));
      return eventStatistics(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        filter: scope.filter,
        canReadContent: scope.canReadContent,
      });
    }),

  /** Usage over the current filters: requests and tokens per bucket split by a dimension, top users and models, error rate, thumbs up/down. */
  usage: tenantProcedure("logs:read")
    .input(filterInput.extend({ dimension: z.enum(usageDimensions).default("model") }))
    .query(async ({ ctx, input }) => {
      const { dimension, ...filter } = input;
      const scope = readScope(ctx.tenant.role, withoutPaging(filter));
      return eventUsage(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        filter: scope.filter,
        dimension,
        canReadContent: scope.canReadContent,
      });
    }),

  /** One event with its content as the role may see it (auditors: redacted). NOT_FOUND when absent. */
  get: tenantProcedure("logs:read")
    .input(z.object({ orgId, id: z.guid("must be an event id (a UUID)") }))
    .query(async ({ ctx, input }) => {
      const event = await getEvent(ctx.db, {
        tenantId: ctx.tenant.tenantId,
        id: input.id,
        contentAccess: contentAccess(ctx.tenant.role),
      });
      if (!event) throw new TRPCError({ code: "NOT_FOUND", message: "No such event in this organization." });
      return event;
    }),
});
