import { retentionSummary } from "../../retention/retention-summary";
import { router, tenantProcedure } from "../trpc";

/** The organization's retention: plan, days per kind, legal hold and the oldest events still kept. */
export const retentionRouter = router({
  get: tenantProcedure("retention:read").query(({ ctx }) => retentionSummary(ctx.db, ctx.tenant.tenantId)),
});
