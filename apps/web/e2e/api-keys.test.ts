import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUpWithOrganization } from "./flows";
import { launchBrowser, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Kim Keys", email: `kim-${stamp}@example.com`, password: "correct-horse-3" };

function sendEvent(key: string) {
  return fetch(`${baseUrl}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "system", type: "sync.dbt.started", occurred_at: new Date().toISOString() }),
  });
}

describe("API keys in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let key = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("signs up, creates an organization and opens API keys from the navigation", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Keys ${stamp}`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await page.waitForURL(/\/o\/[^/]+\/api-keys$/);
    await expect.poll(() => page.getByText("No API keys yet").count()).toBe(1);
  });

  it("creates a key and shows it once", async () => {
    await page.getByLabel("Name", { exact: true }).fill("Production backend");
    await page.getByLabel("Expires").selectOption({ label: "In 90 days" });
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByRole("textbox", { name: "New API key" });
    await secret.waitFor();
    key = await secret.inputValue();
    expect(key).toMatch(/^lb_[A-Za-z0-9]{40}$/);
    expect(await secret.getAttribute("readonly")).not.toBeNull();
    await expect.poll(() => page.getByText(/won't be shown again/).count()).toBe(1);
    const row = page.getByRole("row", { name: /Production backend/ });
    await expect.poll(() => row.textContent()).toContain(`${key.slice(0, 12)}…`);
    expect(await row.textContent()).toContain("never");
    expect(await row.textContent()).toContain("active");
    expect(await row.textContent()).toContain(owner.name);
    await screenshot(page, "05-api-keys");

    expect((await sendEvent(key)).status).toBe(200);
    // Once: after a reload the secret is gone for good; the table shows only its prefix.
    await page.reload();
    await page.getByRole("row", { name: /Production backend/ }).waitFor();
    expect(await page.getByRole("textbox", { name: "New API key" }).count()).toBe(0);
    expect(await page.content()).not.toContain(key);
  });

  it("revokes the key after confirming; the key stops working at once", async () => {
    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain("Production backend");
      void dialog.accept();
    });
    await page.getByRole("button", { name: "Revoke Production backend" }).click();
    const row = page.getByRole("row", { name: /Production backend/ });
    await expect.poll(() => row.textContent()).toContain("revoked");
    expect(await page.getByRole("button", { name: "Revoke Production backend" }).count()).toBe(0);
    const res = await sendEvent(key);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("api_key_revoked");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "User activity" }).click();
    for (const type of ["api_key.created", "api_key.revoked"]) {
      await expect.poll(() => page.getByRole("cell", { name: type }).count()).toBeGreaterThan(0);
    }
  });
});
