// `pnpm bench export`: 1,000,000 interaction rows (--rows N) of one tenant exported by the worker's
// export path (writeExportFile: server-side cursor → CSV/JSON Lines → optional gzip → SHA-256 → file)
// to CSV and JSON Lines, gzip off and on. Each export runs in its own plain-node process: rows/s and
// that process's peak RSS.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { benchDatabase } from "./_services";

const here = dirname(fileURLToPath(import.meta.url));
const TENANT = "tenant_export_bench";

const argOf = (args: string[], name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@logbook/") ? undefined : { path: args.path, external: true },
    );
  },
};

function runChild(
  script: string,
  args: string[],
): Promise<{ rows: number; seconds: number; sizeBytes: number; maxRssMb: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) =>
      code === 0 ? done(JSON.parse(out.trim().split("\n").pop() as string)) : fail(new Error(`export child exited ${code}`)),
    );
  });
}

export async function run(args: string[]) {
  const rows = argOf(args, "rows", 1_000_000);
  const db = await benchDatabase("export");
  const dir = await mkdtemp(join(tmpdir(), "logbook-bench-export-"));
  try {
    const databaseUrl = (db.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const now = Date.now();
    const from = new Date(now - 2 * 86_400_000).toISOString();
    const to = new Date(now + 3_600_000).toISOString();
    const seeded = performance.now();
    // Interactions spread over the last 24 hours, with the columns a real one carries.
    for (let done = 0; done < rows; done += 250_000) {
      const n = Math.min(250_000, rows - done);
      await db.pool.query(
        `INSERT INTO events (tenant_id, id, occurred_at, kind, type, status, actor_id, actor_email, source, session_id, model,
                             agent, platform, protocol, input_tokens, output_tokens, is_error, tool_calls, intent, metadata)
         SELECT $1, gen_random_uuid(), now() - make_interval(secs => (g * 86400.0 / $3)), 'interaction', 'ai.interaction', 'success',
                'u_' || (g % 5000), 'user' || (g % 5000) || '@example.com', 'chat', 'chat_' || (g % 200000),
                (ARRAY['openai/gpt-5-mini','anthropic/claude-sonnet-4.5','google/gemini-3-flash'])[1 + g % 3], 'assistant', 'web', 'http',
                100 + g % 4000, 50 + g % 2000, g % 50 = 0,
                jsonb_build_array(jsonb_build_object('name', 'search', 'type', 'function', 'count', g % 4)), 'question',
                jsonb_build_object('customer', jsonb_build_object('plan', 'pro', 'seats', g % 40), 'latency_ms', g % 3000, 'note', 'a, "quoted" value')
         FROM generate_series($2::bigint + 1, $2::bigint + $4) g`,
        [TENANT, done, rows, n],
      );
    }
    await db.pool.query("VACUUM ANALYZE events");
    console.log(`seeded ${rows.toLocaleString("en")} interactions in ${Math.round((performance.now() - seeded) / 1000)} s`);

    // Inside the repository, so the bundle's third-party imports resolve from its node_modules.
    const script = resolve(here, "../../node_modules/.cache/logbook-bench/export-child.mjs");
    await build({
      entryPoints: [join(here, "_export-child.ts")],
      outfile: script,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
      plugins: [thirdPartyExternal],
    });
    const figures: Record<string, number> = {};
    let peak = 0;
    for (const [format, gzip] of [
      ["csv", false],
      ["csv", true],
      ["jsonl", false],
      ["jsonl", true],
    ] as const) {
      const r = await runChild(script, [databaseUrl, TENANT, format, String(gzip), dir, from, to]);
      if (r.rows !== rows) throw new Error(`expected ${rows} rows, exported ${r.rows}`);
      const perSecond = Math.round(r.rows / r.seconds);
      peak = Math.max(peak, r.maxRssMb);
      figures[`${format}${gzip ? "_gz" : ""}_rows_per_s`] = perSecond;
      console.log(
        `${format}${gzip ? "+gzip" : ""}: ${r.rows.toLocaleString("en")} rows in ${r.seconds.toFixed(1)} s = ${perSecond.toLocaleString("en")} rows/s, ${(r.sizeBytes / 1e6).toFixed(0)} MB, peak RSS ${r.maxRssMb.toFixed(0)} MB`,
      );
    }
    return {
      csv_rows_per_s: figures.csv_rows_per_s,
      csv_gz_rows_per_s: figures.csv_gz_rows_per_s,
      jsonl_rows_per_s: figures.jsonl_rows_per_s,
      jsonl_gz_rows_per_s: figures.jsonl_gz_rows_per_s,
      peak_rss_mb: Math.round(peak),
      rows,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.stopAll();
  }
}
