// `pnpm build:servers`: bundles the API and the worker into plain JavaScript for production
// (apps/<app>/dist/bin/main.mjs), so they start without the TypeScript loader (tsx), which costs about
// 100 MB of memory per process. Workspace packages are bundled; third-party packages stay imports
// resolved from node_modules. The SQL migrations are copied beside each bundle (dist/migrations),
// where packages/db's migrate() looks for them relative to the running code.
import { cp, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles @logbook/* (TypeScript source); leaves every other bare import to node_modules. */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@logbook/") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildServers(apps: readonly string[] = ["api", "worker"]) {
  for (const app of apps) {
    const dist = join(root, "apps", app, "dist");
    await rm(dist, { recursive: true, force: true });
    await build({
      // The API's ingest threads run a bundle of their own beside main.mjs (apps/api/src/ingest/prepare-pool.ts).
      entryPoints: {
        main: join(root, "apps", app, "src/main.ts"),
        ...(app === "api" ? { "prepare-thread": join(root, "apps/api/src/ingest/prepare-thread.ts") } : {}),
      },
      outdir: join(dist, "bin"),
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: true,
      logLevel: "warning",
      plugins: [thirdPartyExternal],
    });
    await cp(join(root, "packages/db/migrations"), join(dist, "migrations"), { recursive: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildServers();
  console.log(`built apps/api and apps/worker (dist/bin/main.mjs) in ${Math.round(performance.now() - started)} ms`);
}
