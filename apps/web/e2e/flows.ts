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
  await page.waitForURL(/\/o\/[^/]+\/activity/);
}
