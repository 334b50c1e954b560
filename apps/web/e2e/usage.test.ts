import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";
import { signUpWithOrganization } from "./flows";

/**
 * The usage page in a real browser: totals, the split selector, top users and models, error rate and
 * feedback; a click (or Enter) on a bar opens the interactions view filtered to that bucket and value.
 */

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Uma Usage", email: `uma-${stamp}@example.com`, password: "correct-horse-9" };
const MINUTE = 60_000;
const COUNT = 40;

/** 40 interactions over the last ~10 hours: gpt-a × 30, gpt-b × 10; two users; every 8th failed. */
function events() {
  const now = Date.now();
  return Array.from({ length: COUNT }, (_, i) => ({
    kind: "interaction",
    type: "ai.interaction",
    occurred_at: new Date(now - (5 + i * 15) * MINUTE).toISOString(),
    actor: i % 2 ? { id: "u_ann", email: "ann@acme.example", name: "Ann Analyst" } : { email: "bo@acme.example" },
    model: i % 4 === 3 ? "gpt-b" : "gpt-a",
    agent: i % 2 ? "alamigo" : undefined,
    source: "ask",
    input_tokens: 100,
    output_tokens: 20,
    is_error: i % 8 === 0,
    sentiment: i % 5 === 0 ? "negative" : i % 5 === 1 ? "positive" : undefined,
  }));
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let orgUrl = "";
const params = (p: Page) => new URL(p.url()).searchParams;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe("usage page in a real browser", () => {
  it("seeds interactions through the API", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Usage ${stamp}`);
    orgUrl = /^(.*\/o\/[^/?#]+)/.exec(page.url())![1]!;
    await page.goto(`${orgUrl}/api-keys`);
    await page.getByLabel("Name", { exact: true }).fill("Usage seeder");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.getByRole("textbox", { name: "New API key" }).inputValue();
    const res = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: events() }),
    });
    expect(res.status).toBe(200);
  });

  it("shows totals, error rate, feedback, the split by model, top users and models", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(/\/usage$/);
    const cards = page.getByTestId("usage-cards");
    await expect.poll(() => cards.textContent()).toContain("Requests40");
    expect(await cards.textContent()).toContain("4,800"); // tokens
    expect(await cards.textContent()).toContain("Error rate13%"); // 5 of 40
    expect(await page.getByTestId("sentiment-card").textContent()).toContain("50%"); // 8 up, 8 down
    expect(await page.getByRole("list", { name: "Legend" }).textContent()).toContain("gpt-a");
    expect(await page.getByTestId("top-users").locator("tbody tr").count()).toBe(2);
    expect(await page.getByTestId("top-models").locator("tbody tr").first().textContent()).toContain("gpt-a");
    // 24 hours in 15-minute bars; 40 events in 40 different buckets, one segment each.
    await expect.poll(() => page.getByTestId("usage-bar-chart").locator("a.chart-link").count()).toBe(COUNT);
    await screenshot(page, "23-usage");
  });

  it("splits by user and shows tokens; the URL keeps it", async () => {
    await page.getByLabel("Split by").selectOption("user");
    await page.waitForURL(/dimension=user/);
    await page.getByRole("button", { name: "Tokens", exact: true }).click();
    await page.waitForURL(/metric=tokens/);
    await expect.poll(() => page.getByRole("list", { name: "Legend" }).textContent()).toContain("Ann Analyst");
    await page.reload();
    expect(await page.getByLabel("Split by").inputValue()).toBe("user");
    await expect.poll(() => page.getByRole("list", { name: "Legend" }).textContent()).toContain("bo@acme.example");
    await screenshot(page, "24-usage-by-user-tokens");
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get("metric") === null);
  });

  it("a click on a bar opens the interactions of that bucket and value", async () => {
    await page.goto(`${orgUrl}/usage?period=24h`);
    const bar = page.getByTestId("usage-bar-chart").locator('a.chart-link[aria-label^="gpt-b:"]').first();
    await bar.waitFor();
    const label = (await bar.getAttribute("aria-label"))!;
    expect(label).toMatch(/^gpt-b: 1 request, /);
    await bar.click();
    await page.waitForURL(/\/logs\/interactions\?/);
    const from = params(page).get("from")!;
    const to = params(page).get("to")!;
    expect(Date.parse(to) - Date.parse(from)).toBe(15 * MINUTE);
    expect(Date.parse(from) % (15 * MINUTE)).toBe(0);
    expect(params(page).getAll("model")).toEqual(["gpt-b"]);
    // The log view lists exactly that bar's one interaction.
    await expect.poll(() => page.locator("tbody tr.log-row").count()).toBe(1);
    expect(await page.locator("tbody tr.log-row").first().textContent()).toContain("gpt-b");
    await screenshot(page, "25-usage-drill-down");
  });

  it("bars are keyboard reachable: Enter on a focused bar drills down; a top user's row filters by actor", async () => {
    await page.goto(`${orgUrl}/usage?dimension=user`);
    const bar = page.getByTestId("usage-bar-chart").locator('a.chart-link[aria-label^="Ann Analyst:"]').first();
    await bar.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/logs\/interactions\?/);
    expect(params(page).getAll("actor_id")).toEqual(["u_ann"]);
    expect(params(page).get("from")).not.toBeNull();

    await page.goto(`${orgUrl}/usage`);
    await page.getByTestId("top-users").getByRole("link", { name: "bo@acme.example" }).click();
    await page.waitForURL(/\/logs\/interactions\?/);
    expect(params(page).get("actor")).toBe("bo@acme.example");
    await expect.poll(() => page.locator("tbody tr.log-row").count()).toBe(20);
  });

  it("says when a period has no interactions", async () => {
    await page.goto(`${orgUrl}/usage?from=2020-01-01T00:00:00.000Z&to=2020-01-02T00:00:00.000Z`);
    await expect.poll(() => page.getByText("No interactions in this period").count()).toBe(1);
  });
});
