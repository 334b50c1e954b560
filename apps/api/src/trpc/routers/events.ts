import { decodeCursor, listEvents } from "@logbook/db/queries/events";
import { eventKinds } from "@logbook/shared/events";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { router, tenantProcedure } from "../trpc";

export const eventsRouter = router({
  /** The organization's events of one kind, newest first, by keyset cursor. */
  list: tenantProcedure("logs:read")
    .input(
      z.object({
        kind: z.enum(eventKinds).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().max(500).nullish(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const cursor = input.cursor ? decodeCursor(input.cursor) : null;
      if (input.cursor && !cursor) throw new TRPCError({ code: "BAD_REQUEST", message: "cursor: invalid cursor" });
      return listEvents(ctx.db, { tenantId: ctx.tenant.tenantId, kind: input.kind, limit: input.limit, cursor });
    }),
});
