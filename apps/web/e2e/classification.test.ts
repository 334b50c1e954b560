import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";
import { inviteMember, orgBaseUrl, signUpWithOrganization } from "./flows";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Cleo Classify", email: `cleo-${stamp}@example.com`, password: "correct-horse-9" };
const member = { name: "Milo Member", email: `milo-${stamp}@example.com`, password: "correct-horse-10" };

const chips = (page: Page, list: "Retrieval tools" | "Connector tools") =>
  page.getByRole("list", { name: list }).getByRole("listitem").locator("code").allTextContents();

describe("classification settings and reclassify in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let orgUrl = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("an owner opens Classification from the navigation and sees the default tool patterns", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Classification ${stamp}`);
    orgUrl = orgBaseUrl(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Classification" }).click();
    await page.waitForURL(/\/o\/[^/]+\/classification$/);
    await page.getByRole("heading", { name: "Classification", level: 1 }).waitFor();
    await page.getByRole("list", { name: "Retrieval tools" }).waitFor();
    expect(await chips(page, "Retrieval tools")).toContain("*search*");
    expect(await chips(page, "Connector tools")).toContain("*connector*");
    expect(await page.getByTestId("retrievalTools-state").textContent()).toBe("defaults");
    // At 1280 px the page is no wider than the window and every navigation link is in view.
    const widths = await page.evaluate(() => {
      const nav = document.querySelector("nav.nav");
      return { page: document.documentElement.scrollWidth, nav: nav?.scrollWidth ?? 0, navVisible: nav?.clientWidth ?? 0 };
    });
    expect(widths.page).toBeLessThanOrEqual(1280);
    expect(widths.nav).toBeLessThanOrEqual(widths.navVisible);
    // No run yet: the empty state, not an empty table.
    await page.getByText("No reclassify runs yet").waitFor();
  });

  it("a pattern the server refuses is named in a form message, not a crash", async () => {
    const tooLong = `kb_${"x".repeat(120)}`;
    await page.getByLabel("Add a retrieval tool").fill(tooLong);
    await page.getByRole("button", { name: "Add to retrieval tools" }).click();
    await page.getByRole("button", { name: "Save tool settings" }).click();
    const alerts = page.getByRole("alert");
    await expect.poll(async () => (await alerts.allTextContents()).join(" | ")).toMatch(/Retrieval tools, pattern 13/);
    expect((await alerts.allTextContents()).join(" | ")).toContain("Not saved");
    await screenshot(page, "40-classification-invalid-pattern");
    // Removing the offending pattern clears the messages.
    await page.getByRole("button", { name: `Remove ${tooLong} from retrieval tools` }).click();
    expect(await alerts.count()).toBe(0);
  });

  it("changes both lists, saves, and the settings are kept after a reload", async () => {
    await page.getByLabel("Add a retrieval tool").fill("kb_fetch");
    await page.getByLabel("Add a retrieval tool").press("Enter");
    await page.getByRole("button", { name: "Remove *lookup* from retrieval tools" }).click();
    await page.getByLabel("Add a connector tool").fill("warehouse_*");
    await page.getByRole("button", { name: "Add to connector tools" }).click();
    expect(await page.getByTestId("retrievalTools-state").textContent()).toBe("customised");
    await page.getByRole("button", { name: "Save tool settings" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved." }).count()).toBe(1);

    await page.reload();
    await page.getByRole("list", { name: "Retrieval tools" }).waitFor();
    const retrieval = await chips(page, "Retrieval tools");
    expect(retrieval).toContain("kb_fetch");
    expect(retrieval).not.toContain("*lookup*");
    expect(await chips(page, "Connector tools")).toContain("warehouse_*");
    expect(await page.getByTestId("connectorTools-state").textContent()).toBe("customised");
    await screenshot(page, "41-classification-settings-saved");
  });

  it("a custom period ending before it starts is refused before anything is sent", async () => {
    await page.getByRole("button", { name: "Custom" }).click();
    await page.getByLabel("From", { exact: true }).fill("2025-03-10T12:00");
    await page.getByLabel("To", { exact: true }).fill("2025-03-01T12:00");
    await page.getByRole("button", { name: "Start reclassify" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The start must be before the end.");
    expect(await page.locator("tr[data-run-id]").count()).toBe(0);
  });

  it("starts a reclassify of the last 7 days and the run is listed (queued: no worker runs here)", async () => {
    await page.getByRole("button", { name: "Last 7 days" }).click();
    expect(await page.getByRole("button", { name: "Last 7 days" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByRole("button", { name: "Start reclassify" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Started." }).count()).toBe(1);
    const row = page.locator("tr[data-run-id]");
    await expect.poll(() => row.count()).toBe(1);
    // The web e2e set-up starts the API only; the job waits in the queue until a worker takes it.
    expect(await row.getAttribute("data-status")).toBe("queued");
    expect(await row.getByText("queued").count()).toBe(1);
    expect(await row.getByRole("progressbar").count()).toBe(1);
    expect(await row.locator("td").nth(3).textContent()).toMatch(/^0 \/ \d+$/);
    const period = (await row.locator("td").first().textContent()) ?? "";
    const [from, to] = period.split("→").map((s) => new Date(s.trim().replace(" UTC", "Z").replace(" ", "T")).getTime());
    expect(Math.round(((to ?? 0) - (from ?? 0)) / 86_400_000)).toBe(7);
    await screenshot(page, "42-classification-run-queued");

    await page.reload();
    await expect.poll(() => page.locator("tr[data-run-id]").count()).toBe(1);
  });

  it("a member has no Classification link and gets the no-access state", async () => {
    const link = await inviteMember(page, orgUrl, member.email, "member");
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const memberPage = await other.newPage();
      await memberPage.goto(`${baseUrl}/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
      await memberPage.getByLabel("Name").fill(member.name);
      await memberPage.getByLabel("Email").fill(member.email);
      await memberPage.getByLabel("Password").fill(member.password);
      await memberPage.getByRole("button", { name: "Create account" }).click();
      await memberPage.getByRole("button", { name: "Accept invitation" }).click();
      await memberPage.waitForURL(/\/logs\/user-activity/);
      const nav = memberPage.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: "Members" }).waitFor();
      expect(await nav.getByRole("link", { name: "Classification" }).count()).toBe(0);

      await memberPage.goto(`${orgUrl}/classification`);
      await expect.poll(() => memberPage.getByTestId("no-access").count()).toBe(1);
      expect(await memberPage.getByTestId("no-access").textContent()).toContain("member");
      expect(await memberPage.getByRole("button", { name: "Save tool settings" }).count()).toBe(0);
      await screenshot(memberPage, "43-classification-member-no-access");
    } finally {
      await other.close();
    }
  });
});
