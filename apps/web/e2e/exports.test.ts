import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";
import { createApiKey, orgBaseUrl, signUpWithOrganization } from "./flows";

const baseUrl = inject("baseUrl");
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const stamp = Date.now().toString(36);
const owner = { name: "Erin Export", email: `erin-${stamp}@example.com`, password: "correct-horse-5" };

describe("exports in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let worker: ChildProcess;
  let orgUrl = "";

  beforeAll(async () => {
    // The real worker process, on the API's queue prefix and export directory.
    worker = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "apps/worker/src/main.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: inject("databaseUrl"),
        REDIS_URL: inject("redisUrl"),
        LOGBOOK_QUEUE_PREFIX: inject("queuePrefix"),
        LOGBOOK_EXPORT_DIR: inject("exportDir"),
        WORKER_HEALTH_PORT: "0",
      },
      stdio: "ignore",
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    worker?.kill("SIGTERM");
  });

  it("exports a filtered log view to CSV, shows progress to ready, and downloads the file with its checksum", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Exports ${stamp}`);
    orgUrl = orgBaseUrl(page);
    const key = await createApiKey(page, orgUrl, "exporter");
    const events = Array.from({ length: 25 }, (_, i) => ({
      kind: "system",
      type: i % 5 === 0 ? "sync.dbt.failed" : "sync.dbt.started",
      occurred_at: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      metadata: { note: i === 0 ? '=HYPERLINK("x"), "quoted"' : `run ${i}` },
    }));
    const sent = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(sent.status).toBe(200);

    await page.goto(`${orgUrl}/logs/system?type=sync.dbt.failed&period=24h`);
    await page.getByRole("button", { name: "Export", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("CSV").check();
    await dialog.getByRole("button", { name: "Start export" }).click();
    await dialog.getByTestId("export-queued").waitFor();
    await screenshot(page, "exports-dialog");
    await dialog.getByRole("link", { name: "Exports page" }).click();
    await page.waitForURL(/\/exports$/);

    const row = page.locator("tr[data-export-id]").first();
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 30_000 }).toBe("ready");
    await expect.poll(() => row.locator("td").nth(3).textContent()).toBe("5");
    const checksum = await row.getByTestId("export-sha256").getAttribute("title");
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, "exports-page");

    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: "Download" }).click()]);
    const bytes = await readFile((await download.path()) as string);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(checksum);
    const text = bytes.toString("utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(6);
    expect(download.suggestedFilename()).toMatch(/^logbook-.*\.csv$/);
  });

  it("creates a schedule with a webhook and shows its next run", async () => {
    await page.getByLabel("Name", { exact: true }).fill("Nightly system logs");
    await page.getByLabel("Time zone").fill("Europe/Paris");
    await page.getByLabel("Logs").selectOption("system");
    await page.getByLabel("Webhook (optional)").fill("https://example.com/hook");
    // Filters take a log view's URL parameters; a bad one is a form message, nothing is created.
    await page.getByLabel("Filters (as in a log view's URL)").fill("status=failed&duration_ms[gte]=-5");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await page.getByText(/Filters: duration_ms\[gte\]/).waitFor();
    expect(await page.locator("tr[data-schedule-id]").count()).toBe(0);
    await page.getByLabel("Filters (as in a log view's URL)").fill("status=failed&source=dbt");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await page.getByRole("textbox", { name: "Webhook secret" }).waitFor();
    const scheduleRow = page.locator("tr[data-schedule-id]");
    await expect.poll(() => scheduleRow.count()).toBe(1);
    expect(await scheduleRow.textContent()).toContain("daily");
    expect(await scheduleRow.textContent()).toContain("Europe/Paris");
    expect(await scheduleRow.textContent()).toContain("status=failed&source=dbt");
    await scheduleRow.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => scheduleRow.getByText("paused").count()).toBe(1);
    await screenshot(page, "exports-schedules");
  });
});
