// One export in its own process for `pnpm bench export` (bundled by export.ts, run with plain node so
// the measured peak RSS is the worker's export path, not a TypeScript loader's).
import { createDb } from "@logbook/db/client";
import { defaultExportColumns } from "@logbook/shared/exports";
import { localExportStore } from "@logbook/shared/node/export-store";
import { writeExportFile } from "../../apps/worker/src/processors/exports/write-export-file";

const [databaseUrl, tenantId, format, gzip, dir, from, to] = process.argv.slice(2) as string[];
const handle = createDb(databaseUrl as string, { max: 2, application: "logbook-bench-export" });
const started = performance.now();
const result = await writeExportFile(
  handle.db,
  localExportStore(dir as string),
  `bench/export.${format}${gzip === "true" ? ".gz" : ""}`,
  {
    tenantId: tenantId as string,
    filter: { period: { from: from as string, to: to as string } },
    columns: defaultExportColumns,
    format: format as "csv" | "jsonl",
    gzip: gzip === "true",
    contentAccess: "full",
  },
);
const seconds = (performance.now() - started) / 1000;
await handle.close();
process.stdout.write(
  `${JSON.stringify({ rows: result.rows, seconds, sizeBytes: result.sizeBytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
