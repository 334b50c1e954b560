import type { Page } from "playwright-core";

/** Signs a new user up and creates their first organization; ends on its User activity page. */
export async function signUpWithOrganization(
  page: Page,
  baseUrl: string,
  who: { name: string; email: string; password: string },
  organization: string,
) {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/orgs\/new/);
  await page.getByLabel(/name/i).fill(organization);
  await page.getByRole("button", { name: /create/i }).click();
  await page.waitForURL(/\/o\/[^/]+\/logs\/user-activity/);
}

/** The organization's base URL (`…/o/<orgId>`) from any page under it. */
export function orgBaseUrl(page: Page): string {
  const match = /^(.*\/o\/[^/?#]+)/.exec(page.url());
  if (!match?.[1]) throw new Error(`not on an organization page: ${page.url()}`);
  return match[1];
}

/** Creates an API key on the API keys page (owner or admin) and returns the secret shown once. */
export async function createApiKey(page: Page, orgUrl: string, name: string): Promise<string> {
  await page.goto(`${orgUrl}/api-keys`);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByRole("textbox", { name: "New API key" });
  await secret.waitFor();
  return secret.inputValue();
}

/** Invites `email` with `role` on the members page and returns the invitation link. */
export async function inviteMember(page: Page, orgUrl: string, email: string, role: string): Promise<string> {
  await page.goto(`${orgUrl}/members`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Invite" }).click();
  return page.getByLabel("Invite link").inputValue();
}
