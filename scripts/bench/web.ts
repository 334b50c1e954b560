// `pnpm bench web`: the web UI on a workspace of 1 million events, in a real chromium. Grows the demo
// workspace (seeded by the API process itself, LOGBOOK_DEMO=true) to 1,000,000 events over 30 days by
// COPY, folds the rollups as the worker would, builds the web UI and serves it from the real API
// process, then measures on the Interactions view (/o/<org>/logs/interactions):
//
// - first_rows_ms: navigation start → first table rows painted, p50 of 10 loads. Each load is a fresh
//   browser context (signed in by cookie, nothing cached). An init script installs a MutationObserver at
//   document start; when the first `tbody tr.log-row` is in the DOM it waits one animation frame plus
//   a task (the frame with the rows has been painted by then) and records performance.now(), which
//   counts from the navigation's start (performance.timeOrigin).
// - filter_ms: on a freshly loaded view, with the Model filter's popover open and its values listed,
//   the time from clicking one model's checkbox to the table showing only rows of that model (the
//   "updating…" placeholder gone), measured in the page the same way; p50 of 7, another model each time.
// - max_long_task_ms: the longest PerformanceObserver 'longtask' while fast-scrolling the virtualised
//   table's scroll container (2,000 px per animation frame), once the page has loaded (network idle):
//   down to the bottom again and again until infinite scroll has loaded ≥ 10,000 rows (period 7d),
//   then once through all loaded rows top → bottom → top.
// - first_load_js_kb_gz: every script the first measured load requested (entry, preloads and the
//   lazily loaded log view chunk), each gzipped at level 9 (node:zlib), summed.
//
// Options: --events N (default 1,000,000), --loads N (default 10), --filters N (default 7),
// --rows N (default 10,000), --reuse <database url> (skip seeding: a database of an earlier run, printed
// at the start; run again the same day, periods are relative to the seeding), --keep (keep the fresh
// database), --no-build (serve the last build, in $TMPDIR/logbook-bench-web), --trace <file> (a Chrome
// trace of the scroll phase, for DevTools).
import { execFileSync } from "node:child_process";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createDb } from "@logbook/db/client";
import { compactRollups } from "@logbook/db/queries/event-rollups";
import { startTestServices } from "@logbook/db/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../../apps/web/e2e/browser";
import { startApiProcess } from "./_api-process";
import { seedDemoLikeEvents } from "./_web-events";
import { arg, argText, median } from "./_services";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OWNER = { email: "admin@demo.logbook.dev", password: "logbook-demo" };
/** The production build of the web UI the API process serves (`--no-build` serves the last one). */
const webDir = join(tmpdir(), "logbook-bench-web");
const TARGETS = { first_rows_ms: 800, filter_ms: 300, max_long_task_ms: 100, first_load_js_kb_gz: 250 };

const round = (n: number) => Math.round(n);

// ---------------------------------------------------------------------------------------------------
// Browser measurements.

declare global {
  interface Window {
    __benchRowsAt?: { inserted: number; painted: number };
  }
}

/** Records when the first log rows are in the DOM and when that frame has been painted (ms from navigation start). */
function watchFirstRows() {
  const observer = new MutationObserver(() => {
    if (!document.querySelector("tbody tr.log-row")) return;
    observer.disconnect();
    const inserted = performance.now();
    requestAnimationFrame(() => {
      setTimeout(() => {
        window.__benchRowsAt = { inserted, painted: performance.now() };
      }, 0);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function signedInContext(browser: Browser, storageState: Awaited<ReturnType<BrowserContext["storageState"]>>) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState });
  // tsx compiles this file with esbuild's keepNames: functions passed to page.evaluate call __name.
  await context.addInitScript("window.__name = (f) => f;");
  await context.addInitScript(watchFirstRows);
  return context;
}

async function waitForRows(page: Page, timeout = 60_000) {
  await page.waitForFunction(() => window.__benchRowsAt !== undefined, null, { timeout, polling: 50 });
  return page.evaluate(() => window.__benchRowsAt!);
}

/** One fresh load: ms from navigation start to first rows painted, plus where the time went. */
async function firstRowsLoad(page: Page, url: string) {
  await page.goto(url, { waitUntil: "commit" });
  const at = await waitForRows(page);
  const detail = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    const scripts = resources.filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"));
    const list = resources.find((e) => e.name.includes("events.list"));
    const session = resources.find((e) => e.name.includes("/api/auth/get-session") || e.name.includes("me.get"));
    return {
      html_ms: nav ? nav.responseEnd : 0,
      dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : 0,
      scripts_done_ms: scripts.length ? Math.max(...scripts.map((e) => e.responseEnd)) : 0,
      session_request_ms: session ? [session.startTime, session.responseEnd] : null,
      list_request_ms: list ? [list.startTime, list.responseEnd] : null,
      requests: resources.map((e) => {
        const url = new URL(e.name);
        const name = url.pathname.startsWith("/trpc/") ? url.pathname.slice(6) : url.pathname.split("/").pop();
        return `${name} ${Math.round(e.startTime)}–${Math.round(e.responseEnd)}`;
      }),
    };
  });
  return { ...at, ...detail };
}

/** On a loaded view with the Model filter open: click one model, until only its rows show. */
async function applyModelFilter(page: Page, nth: number) {
  await page.getByRole("button", { name: "Filter Model" }).click();
  const boxes = page.locator('ul[aria-label="Model values"] input[type="checkbox"]');
  await boxes.first().waitFor({ timeout: 60_000 });
  return page.evaluate(async (nth) => {
    const column = [...document.querySelectorAll("thead th")].findIndex((th) =>
      th.querySelector('button[aria-label="Filter Model"]'),
    );
    const labels = [...document.querySelectorAll('ul[aria-label="Model values"] label')];
    const label = labels[nth % labels.length]!;
    const model = label.querySelector(".log-option-value")?.textContent ?? "";
    const box = label.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    const shows = () => {
      if (document.querySelector('[data-testid="loaded-count"]')?.textContent?.includes("updating")) return false;
      const rows = [...document.querySelectorAll("tbody tr.log-row")];
      return rows.length > 0 && rows.every((row) => row.children[column]?.textContent === model);
    };
    const started = performance.now();
    box.click();
    await new Promise<void>((done) => {
      const check = () => (shows() ? done() : requestAnimationFrame(check));
      requestAnimationFrame(check);
    });
    // The frame that showed them has been painted once a task after it runs.
    await new Promise((done) => setTimeout(done, 0));
    return { model, ms: performance.now() - started };
  }, nth);
}

/**
 * Fast scrolling (2,000 px per frame) with a long-task observer: down to the bottom until `rows` are
 * loaded, then once through all of them top → bottom → top. Returns the longest task of each phase.
 */
async function scrollLongTasks(page: Page, rows: number) {
  return page.getByTestId("log-table-scroll").evaluate(async (el, rows) => {
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    const loaded = () => Number(document.querySelector('[data-testid="loaded-count"]')?.textContent?.replace(/\D/g, "") ?? 0);
    const round = (n: number) => Math.round(n);
    const tasks: { phase: string; start: number; duration: number }[] = [];
    let phase = "loading";
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ phase, start: round(e.startTime), duration: round(e.duration) });
    });
    observer.observe({ type: "longtask", buffered: false });
    const t0 = performance.now();
    const deadline = Date.now() + 300_000;
    while (loaded() < rows && Date.now() < deadline) {
      el.scrollTop = Math.min(el.scrollTop + 2_000, el.scrollHeight);
      await frame();
    }
    const loading = { ms: performance.now() - t0, rows: loaded() };
    await new Promise((done) => setTimeout(done, 300));
    phase = "through";
    el.scrollTop = 0;
    await frame();
    const t1 = performance.now();
    for (let y = 0; y < el.scrollHeight; y += 2_000) {
      el.scrollTop = y;
      await frame();
    }
    for (let y = el.scrollHeight; y > 0; y -= 2_000) {
      el.scrollTop = y;
      await frame();
    }
    el.scrollTop = 0;
    await frame();
    const through = { ms: performance.now() - t1, rows: loaded() };
    await new Promise((done) => setTimeout(done, 300));
    for (const e of observer.takeRecords()) tasks.push({ phase, start: round(e.startTime), duration: round(e.duration) });
    observer.disconnect();
    return { tasks, loading, through };
  }, rows);
}

async function jsSizes(page: Page, url: string) {
  const scripts: { url: string; body: Promise<Buffer> }[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.push({ url: response.url(), body: response.body() });
  });
  const load = await firstRowsLoad(page, url);
  const files = await Promise.all(
    scripts.map(async (s) => {
      const body = await s.body;
      return { url: new URL(s.url).pathname, raw: body.length, gz: gzipSync(body, { level: 9 }).length };
    }),
  );
  return { load, files };
}

// ---------------------------------------------------------------------------------------------------

export async function run() {
  const total = arg("events", 1_000_000);
  const loads = arg("loads", 10);
  const filters = arg("filters", 7);
  const scrollRows = arg("rows", 10_000);
  const reuse = argText("reuse");
  const trace = argText("trace");
  const services = reuse ? null : await startTestServices("bench_web", process.env);
  const databaseUrl = reuse ?? services!.databaseUrl;
  console.log(`database: ${databaseUrl}${reuse ? " (reused)" : ""}`);

  if (!process.argv.includes("--no-build")) {
    const t = performance.now();
    // `pnpm --filter @logbook/web build`, into a folder of its own: apps/web/dist is rebuilt by the
    // browser tests (in development mode, under vitest) and must not change under a measurement.
    execFileSync("pnpm", ["--filter", "@logbook/web", "build", "--outDir", webDir, "--emptyOutDir"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    console.log(`web UI built in ${round((performance.now() - t) / 1000)} s`);
  }
  // The API process seeds the demo workspace (owner admin@demo.logbook.dev) on its first start.
  const api = await startApiProcess({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? services?.redisUrl ?? "redis://127.0.0.1:6379",
    LOGBOOK_QUEUE_PREFIX: `bench-web-${Date.now()}`,
    LOGBOOK_DEMO: "true",
    LOGBOOK_WEB_DIR: webDir,
  });
  // The auth base URL is http://localhost:<port>: the browser uses that origin.
  const base = api.url.replace("127.0.0.1", "localhost");
  const { db, pool, close } = createDb(databaseUrl, { max: 2, application: "logbook-bench-web" });
  let browser: Browser | undefined;
  try {
    const { rows: orgs } = await pool.query<{ id: string }>("SELECT id FROM organization WHERE slug = 'demo'");
    const orgId = orgs[0]?.id;
    if (!orgId) throw new Error("the API process did not seed the demo workspace");
    const { rows: counted } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE tenant_id = $1", [orgId]);
    const existing = Number(counted[0]!.n);
    if (existing < total) await seedDemoLikeEvents(databaseUrl, orgId, total - existing);
    const compacting = performance.now();
    const folded = await compactRollups(db);
    console.log(
      `demo workspace ${orgId}: ${Math.max(existing, total).toLocaleString("en")} events; rollups compacted (${folded.toLocaleString("en")} delta rows, ${round((performance.now() - compacting) / 1000)} s)`,
    );
    const { rows: day } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND kind = 'interaction' AND occurred_at > now() - interval '24 hours'",
      [orgId],
    );
    console.log(`interactions in the last 24 h (the view's default period): ${Number(day[0]!.n).toLocaleString("en")}`);

    browser = await launchBrowser();
    const signIn = await browser.newContext();
    const res = await signIn.request.post(`${base}/api/auth/sign-in/email`, { data: OWNER, headers: { origin: base } });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
    const storageState = await signIn.storageState();
    await signIn.close();
    const view = `${base}/o/${orgId}/logs/interactions`;
    console.log(`view: ${view} (signed in as ${OWNER.email} / ${OWNER.password})`);

    // A warm-up load (API process, Postgres caches), not counted.
    {
      const context = await signedInContext(browser, storageState);
      await firstRowsLoad(await context.newPage(), view);
      await context.close();
    }

    // First rows: fresh context per load; the first one also collects the scripts it requested.
    const first: Awaited<ReturnType<typeof firstRowsLoad>>[] = [];
    let js: Awaited<ReturnType<typeof jsSizes>>["files"] = [];
    for (let i = 0; i < loads; i++) {
      const context = await signedInContext(browser, storageState);
      const page = await context.newPage();
      if (i === 0) {
        const sized = await jsSizes(page, view);
        first.push(sized.load);
        js = sized.files;
      } else first.push(await firstRowsLoad(page, view));
      await context.close();
    }
    const firstRows = median(first.map((l) => l.painted));
    const typical = [...first].sort((a, b) => a.painted - b.painted)[Math.floor(first.length / 2)]!;
    const span = (s: number[] | null) => (s ? `${round(s[0]!)}–${round(s[1]!)} ms` : "–");
    console.log(
      `first rows painted: p50 ${round(firstRows)} ms (target ≤ ${TARGETS.first_rows_ms}) over ${loads} loads: ${first.map((l) => round(l.painted)).join(", ")}`,
    );
    console.log(
      `  a typical load: HTML ${round(typical.html_ms)} ms, scripts done ${round(typical.scripts_done_ms)} ms, DOMContentLoaded ${round(typical.dom_content_loaded_ms)} ms, session ${span(typical.session_request_ms)}, events.list ${span(typical.list_request_ms)}, rows in DOM ${round(typical.inserted)} ms, painted ${round(typical.painted)} ms`,
    );
    console.log(`  its requests (ms from navigation start): ${typical.requests.join(", ")}`);

    const jsKb = js.reduce((s, f) => s + f.gz, 0) / 1024;
    console.log(`first-load JS: ${jsKb.toFixed(1)} KB gzipped (target ≤ ${TARGETS.first_load_js_kb_gz}), ${js.length} scripts:`);
    for (const f of [...js].sort((a, b) => b.gz - a.gz))
      console.log(`  ${f.url}  ${(f.raw / 1024).toFixed(1)} KB, ${(f.gz / 1024).toFixed(1)} KB gz`);

    // Filter: a freshly loaded view each time, another model each time.
    const filterTimes: number[] = [];
    const applied: string[] = [];
    for (let i = 0; i < filters; i++) {
      const context = await signedInContext(browser, storageState);
      const page = await context.newPage();
      await page.goto(view);
      await waitForRows(page);
      const { model, ms } = await applyModelFilter(page, i);
      filterTimes.push(ms);
      applied.push(`${model} ${round(ms)}`);
      await context.close();
    }
    const filterMs = median(filterTimes);
    console.log(`filter (model): p50 ${round(filterMs)} ms (target ≤ ${TARGETS.filter_ms}): ${applied.join(", ")} ms`);

    // Scrolling: 7 days, so ≥ 10,000 interactions exist even on a reused database.
    const context = await signedInContext(browser, storageState);
    const page = await context.newPage();
    await page.goto(`${view}?period=7d`);
    await waitForRows(page);
    // The page's own loading (statistics, options) is over before the scrolling starts.
    await page.waitForLoadState("networkidle");
    if (trace) await browser.startTracing(page, { path: trace, screenshots: false });
    const scrolled = await scrollLongTasks(page, scrollRows);
    if (trace) await browser.stopTracing();
    await context.close();
    const longest = (phase: string) => Math.max(0, ...scrolled.tasks.filter((t) => t.phase === phase).map((t) => t.duration));
    const maxLongTask = Math.max(longest("loading"), longest("through"));
    console.log(
      `fast scroll: loaded ${scrolled.loading.rows.toLocaleString("en")} rows in ${(scrolled.loading.ms / 1000).toFixed(1)} s (longest task ${longest("loading")} ms), then through all of them and back in ${(scrolled.through.ms / 1000).toFixed(1)} s (longest task ${longest("through")} ms)`,
    );
    console.log(
      `longest task while scrolling: ${maxLongTask} ms (target: none over ${TARGETS.max_long_task_ms}); long tasks: ${scrolled.tasks.length ? scrolled.tasks.map((t) => `${t.phase[0]}@${t.start}+${t.duration}`).join(" ") : "none"}`,
    );
    if (scrolled.loading.rows < scrollRows) console.log(`  note: only ${scrolled.loading.rows} rows could be loaded`);

    const figures = {
      first_rows_ms: round(firstRows),
      filter_ms: round(filterMs),
      max_long_task_ms: maxLongTask,
      first_load_js_kb_gz: Number(jsKb.toFixed(1)),
    };
    const verdict = (Object.keys(TARGETS) as (keyof typeof TARGETS)[])
      .map((k) => `${k} ${figures[k]} ${figures[k] <= TARGETS[k] ? "meets" : "MISSES"} ≤ ${TARGETS[k]}`)
      .join("; ");
    console.log(`targets: ${verdict}`);
    // Wall-clock figures: on a machine busy with other work the browser waits for CPU, tasks get longer.
    console.log(
      `load average (1/5/15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")} on ${availableParallelism()} CPUs`,
    );
    return figures;
  } finally {
    await browser?.close();
    await close();
    await api.stop();
    if (services) {
      if (process.argv.includes("--keep")) console.log(`kept: pnpm bench web --reuse ${databaseUrl}`);
      else await services.stop();
    }
  }
}
