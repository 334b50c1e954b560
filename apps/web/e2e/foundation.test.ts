import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Olivia Owner", email: `olivia-${stamp}@example.com`, password: "correct-horse-1" };
const invitee = { name: "Ivan Invitee", email: `ivan-${stamp}@example.com`, password: "correct-horse-2" };

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signUp(page: Page, who: typeof owner, next?: string) {
  await page.goto(`${baseUrl}/sign-up${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function signIn(page: Page, who: typeof owner, password = who.password) {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
}

describe("foundation in a real browser", () => {
  let context: BrowserContext;
  let page: Page;
  let orgUrl = "";

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it("signs up and creates an organization", async () => {
    await signUp(page, owner);
    await page.waitForURL(/\/orgs\/new/);
    await screenshot(page, "01-create-organization");
    await page.getByLabel(/name/i).fill(`Acme ${stamp}`);
    await page.getByRole("button", { name: /create/i }).click();
    await page.waitForURL(/\/o\/[^/]+\/logs\/user-activity/);
    orgUrl = page.url().replace(/\/logs\/.*$/, "");
    await expect.poll(() => page.getByRole("cell", { name: "organization.created" }).count()).toBeGreaterThan(0);
  });

  it("refuses a wrong password with a message, then signs out and in, and shows its own sign-in events", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, owner, "wrong-password-x");
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/invalid email or password/i);
    await signIn(page, owner);
    await page.waitForURL(/\/o\/[^/]+\/logs\/user-activity/);
    const table = page.getByRole("table");
    await expect.poll(() => table.getByRole("cell", { name: "user.login" }).count()).toBeGreaterThan(0);
    await expect.poll(() => table.getByRole("cell", { name: "login.failed" }).count()).toBe(1);
    await expect.poll(() => table.getByRole("cell", { name: "user.logout" }).count()).toBe(1);
    const rows = await table.getByRole("row").allTextContents();
    // Newest first: the sign-in comes before the failed attempt, which comes before the sign-out.
    const order = ["user.login", "login.failed", "user.logout", "organization.created"].map((t) =>
      rows.findIndex((r) => r.includes(t)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(rows.join("\n")).toContain(owner.email);
    await screenshot(page, "02-user-activity");
  });

  it("invites a member by link, who accepts; the owner changes the role; all recorded", async () => {
    await page.goto(`${orgUrl}/members`);
    await page.getByLabel("Email").fill(invitee.email);
    await page.getByLabel("Role", { exact: true }).selectOption("auditor");
    await page.getByRole("button", { name: "Invite" }).click();
    const link = await page.getByLabel("Invite link").inputValue();
    expect(link).toMatch(/\/invite\//);
    await screenshot(page, "03-members-invite");

    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const inviteePage = await other.newPage();
    await signUp(inviteePage, invitee, new URL(link).pathname);
    await inviteePage.waitForURL(/\/invite\//);
    await inviteePage.getByRole("button", { name: "Accept invitation" }).click();
    await inviteePage.waitForURL(/\/o\/[^/]+\/logs\/user-activity/);
    // An auditor reads logs.
    await expect.poll(() => inviteePage.getByRole("cell", { name: "member.joined" }).count()).toBeGreaterThan(0);

    await page.reload();
    await page.getByLabel(`Role of ${invitee.name}`).selectOption("member");
    await expect.poll(async () => await page.getByLabel(`Role of ${invitee.name}`).inputValue()).toBe("member");

    // A member has no logs:read: a clear no-access page, not an error.
    await inviteePage.reload();
    await expect.poll(() => inviteePage.getByText(/no access/i).count()).toBeGreaterThan(0);
    await screenshot(inviteePage, "04-member-no-access");
    await other.close();

    await page.goto(`${orgUrl}/activity`);
    for (const type of ["member.invited", "member.joined", "member.role_changed"]) {
      await expect.poll(() => page.getByRole("cell", { name: type }).count()).toBeGreaterThan(0);
    }
  });

  it("switches between organizations", async () => {
    await page.getByLabel("Organization").selectOption({ label: "Create organization…" });
    await page.waitForURL(/\/orgs\/new/);
    await page.getByLabel(/name/i).fill(`Beta ${stamp}`);
    await page.getByRole("button", { name: /create/i }).click();
    await page.waitForURL(/\/o\/[^/]+\/logs\/user-activity/);
    const betaUrl = page.url();
    expect(betaUrl).not.toContain(orgUrl);
    await page.getByLabel("Organization").selectOption({ label: `Acme ${stamp}` });
    await page.waitForURL(`${orgUrl}/logs/user-activity`);
    await expect.poll(() => page.getByRole("cell", { name: "user.login" }).count()).toBeGreaterThan(0);
  });
});
