import { expiredExports, markExportExpired } from "@logbook/db/queries/exports";
import type { JobContext } from "../../queue-definition";

/** Removes the files of exports past their plan's expiry; the exports stay listed as expired. */
export async function expireExportsProcessor(_payload: unknown, { db, exportStore, log }: JobContext, now = new Date()) {
  let removed = 0;
  for (;;) {
    const batch = await expiredExports(db, { now, limit: 200 });
    if (batch.length === 0) break;
    for (const e of batch) {
      if (e.fileKey) await exportStore.remove(e.fileKey);
      await markExportExpired(db, { tenantId: e.tenantId, id: e.id });
      removed++;
    }
  }
  if (removed > 0) log("expired exports removed", { removed });
  return { removed };
}
