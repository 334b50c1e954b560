import { createDb } from "@logbook/db/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { orgBaseUrl, signUpWithOrganization } from "./flows";
import { launchBrowser, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Rita Retention", email: `rita-${stamp}@example.com`, password: "correct-horse-4" };
const orgName = `Retention ${stamp}`;

describe("retention in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let orgUrl: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("an owner sees the plan, days per kind and the oldest event kept on the Retention page", async () => {
    await signUpWithOrganization(page, baseUrl, owner, orgName);
    orgUrl = orgBaseUrl(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Retention" }).click();
    await page.waitForURL(/\/o\/[^/]+\/retention$/);
    const table = page.getByRole("table", { name: "Retention per kind" });
    await table.waitFor();
    expect(await page.getByText("Plan Free").count()).toBe(1);
    expect(await table.getByRole("row", { name: /User activity.*30 days/ }).count()).toBe(1);
    expect(await table.getByRole("row", { name: /Interaction content.*7 days/ }).count()).toBe(1);
    await screenshot(page, "30-retention-tenant");
  });

  it("an operator edits a plan, refuses a bad value, assigns the plan and holds the tenant; the tenant sees it", async () => {
    // Make the owner an operator (what LOGBOOK_OPERATOR_EMAILS / pnpm operator do).
    const database = createDb(inject("databaseUrl"), { max: 1 });
    await database.pool.query(`UPDATE "user" SET platform_role = 'operator' WHERE email = $1`, [owner.email]);
    await database.close();
    await page.goto(`${baseUrl}/platform/tenants`);
    await page.getByRole("table", { name: "Plans" }).waitFor();

    // Content longer than interactions is refused with the server's message.
    await page.getByLabel("Team: Interaction content (days)").fill("61");
    await page.getByRole("form", { name: "Team retention" }).getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("must be shorter than or equal to the interaction retention (60 days)");
    expect(await page.getByRole("alert").textContent()).toContain("Team: Interaction content: must be");
    await page.getByLabel("Team: Interaction content (days)").fill("30");
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);

    const row = page.getByRole("row", { name: new RegExp(orgName) });
    await row.getByRole("combobox", { name: `Plan of ${orgName}` }).selectOption("team");
    await expect.poll(() => row.getByRole("combobox").inputValue()).toBe("team");
    page.once("dialog", (dialog) => void dialog.accept("audit 2026"));
    await row.getByRole("button", { name: "Legal hold" }).click();
    await expect.poll(() => row.getByRole("button", { name: /On legal hold/ }).count()).toBe(1);
    await expect
      .poll(() => page.getByRole("table", { name: "Recent retention changes" }).getByText("retention.legal_hold_set").count())
      .toBeGreaterThan(0);
    // Counts and sizes only: no log content on the page.
    expect(await page.getByText("question", { exact: false }).count()).toBe(0);
    await screenshot(page, "31-retention-operator-console");

    await page.goto(`${orgUrl}/retention`);
    await page.getByRole("table", { name: "Retention per kind" }).waitFor();
    expect(await page.getByText("Plan Team").count()).toBe(1);
    expect(await page.getByText("Legal hold: nothing is deleted").count()).toBe(1);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "User activity" }).click();
    await expect.poll(() => page.getByRole("cell", { name: "retention.legal_hold_set" }).count()).toBeGreaterThan(0);
  });
});
