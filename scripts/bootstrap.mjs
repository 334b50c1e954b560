#!/usr/bin/env node
// `npm start` / `npm test` on a fresh machine with only Node 20 and npm: gets pnpm (the version
// pinned in package.json) through npx when it is not installed, installs the workspace, then runs
// Logbook (launcher) or the test suite. Plain Node on purpose: nothing is installed yet.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Logbook needs Node.js 20.19 or newer (found ${process.version}).`);
  process.exit(1);
}
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];

function pnpmCommand() {
  const found = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: process.platform === "win32" });
  if (found.status === 0 && found.stdout.trim().split(".")[0] === pinned.split(".")[0]) return ["pnpm"];
  return ["npx", "--yes", `pnpm@${pinned}`];
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32", ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const task = process.argv[2];
const [pm, ...pmArgs] = pnpmCommand();
const ci = process.env.CI === "true" || !existsSync(join(root, "node_modules", ".modules.yaml"));
run(pm, [...pmArgs, "install", ...(ci ? ["--frozen-lockfile"] : []), "--reporter=append-only"]);

if (task === "start") {
  run(pm, [...pmArgs, "--filter", "@logbook/web", "build"]);
  // The launcher handles Ctrl-C itself (stops API, worker, Postgres, Redis); this process waits.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
} else if (task === "test") {
  run(pm, [...pmArgs, "run", "test:all"]);
} else {
  console.error("usage: node scripts/bootstrap.mjs start|test");
  process.exit(2);
}
