import { createDb, type DbHandle } from "@logbook/db/client";
import { startTestServices } from "@logbook/db/testing";

/** A fresh migrated database (DATABASE_URL's server, else embedded) for one benchmark run. */
export async function benchDatabase(name: string): Promise<DbHandle & { stopAll(): Promise<void> }> {
  const services = await startTestServices(`bench_${name}`, process.env);
  const handle = createDb(services.databaseUrl, { max: 8, application: `logbook-bench-${name}` });
  return {
    ...handle,
    async stopAll() {
      await handle.close();
      await services.stop();
    },
  };
}

/** The number after `--<name>` on the command line, else `fallback`. */
export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** The text after `--<name>` on the command line, if given. */
export const argText = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
