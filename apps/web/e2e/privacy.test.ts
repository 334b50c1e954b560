import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUpWithOrganization } from "./flows";
import { launchBrowser, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Pia Privacy", email: `pia-${stamp}@example.com`, password: "correct-horse-4" };

describe("privacy settings in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it("an owner opens Privacy from the navigation and sees nothing redacted yet", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Privacy ${stamp}`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Privacy" }).click();
    await page.waitForURL(/\/o\/[^/]+\/privacy$/);
    await page.getByRole("checkbox", { name: /Email addresses/ }).waitFor();
    for (const name of [/Email addresses/, /Phone numbers/, /IP addresses/, /Card numbers/, /Drop question and answer/]) {
      expect(await page.getByRole("checkbox", { name }).isChecked()).toBe(false);
    }
    expect(await page.getByText("Redaction happens at ingest, before storage").count()).toBe(1);
  });

  it("an invalid pattern is flagged on its line and blocks saving", async () => {
    await page.getByRole("checkbox", { name: /Email addresses/ }).check();
    await page.getByRole("checkbox", { name: /Card numbers/ }).check();
    await page.getByLabel("Custom patterns").fill("ACME-\\d{6}\n(unclosed");
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toContain("Line 2: is not a valid regular expression");
    expect(await page.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await screenshot(page, "06-privacy-invalid-pattern");
  });

  it("saves, confirms, and the settings survive a reload; the change is in the audit trail", async () => {
    await page.getByLabel("Custom patterns").fill("ACME-\\d{6}\n\ncustomer-[a-z0-9]+");
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved." }).count()).toBe(1);
    await screenshot(page, "07-privacy-saved");

    await page.reload();
    await page.getByRole("checkbox", { name: /Email addresses/ }).waitFor();
    expect(await page.getByRole("checkbox", { name: /Email addresses/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /Card numbers/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /Phone numbers/ }).isChecked()).toBe(false);
    expect(await page.getByLabel("Custom patterns").inputValue()).toBe("ACME-\\d{6}\ncustomer-[a-z0-9]+");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "User activity" }).click();
    await expect.poll(() => page.getByRole("cell", { name: "privacy.updated" }).count()).toBeGreaterThan(0);
  });
});
