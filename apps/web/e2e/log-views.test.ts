import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";
import { createApiKey, inviteMember, orgBaseUrl, signUpWithOrganization } from "./flows";

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Lena Logs", email: `lena-${stamp}@example.com`, password: "correct-horse-5" };
const member = { name: "Max Member", email: `max-${stamp}@example.com`, password: "correct-horse-6" };
const auditor = { name: "Ada Auditor", email: `ada-${stamp}@example.com`, password: "correct-horse-8" };
const INTERACTIONS = 260;
const MINUTE = 60_000;

/** 260 interactions over the last ~17 hours (every 4th on gpt-b), 20 system events. */
function seedEvents() {
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  const interactions = Array.from({ length: INTERACTIONS }, (_, i) => ({
    id: `int-${stamp}-${i}`,
    kind: "interaction",
    type: "ai.interaction",
    occurred_at: at(1 + i * 4),
    actor: { id: `u_${i % 3}`, email: `user${i % 3}@acme.example`, name: `User ${i % 3}` },
    session_id: `chat_${i % 10}`,
    model: i % 4 === 0 ? "gpt-b" : "gpt-a",
    agent: "alamigo",
    source: "ask",
    platform: "web",
    protocol: i % 2 ? "http" : "mcp",
    product_area: "catalog",
    tier: "paid",
    input_tokens: 100 + i,
    output_tokens: 50,
    intent: "how_to",
    response_type: "rag_answer",
    sentiment: i % 2 ? "positive" : "negative",
    is_error: i % 20 === 0,
    person_id: `p_${i % 5}`,
    tool_calls: [
      { name: "search_catalog", type: "tool", count: 2 },
      { name: "get_data_schema", type: "tool", count: 1 },
    ],
    question: `How do I do thing ${i}?`,
    answer: `Like this (${i}).`,
  }));
  const system = Array.from({ length: 20 }, (_, i) => ({
    kind: "system",
    type: i % 2 ? "sync.dbt.finished" : "sync.dbt.started",
    occurred_at: at(3 + i * 30),
    status: i % 5 === 0 ? "failure" : "success",
    source: i % 3 ? "dbt" : "dwh",
    duration_ms: 1200 + i * 10,
    metadata: { run: i },
  }));
  return [...interactions, ...system];
}

/** Invites a new person with `role`, who signs up through the link and accepts. */
async function joinAs(who: typeof member, role: string) {
  const link = await inviteMember(page, orgUrl, who.email, role);
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const joined = await other.newPage();
  await joined.goto(`${baseUrl}/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
  await joined.getByLabel("Name").fill(who.name);
  await joined.getByLabel("Email").fill(who.email);
  await joined.getByLabel("Password").fill(who.password);
  await joined.getByRole("button", { name: "Create account" }).click();
  await joined.getByRole("button", { name: "Accept invitation" }).click();
  await joined.waitForURL(/\/logs\/user-activity/);
  return { other, page: joined };
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let orgUrl = "";

const rows = (p: Page) => p.locator("tbody tr.log-row");
const search = (p: Page) => new URL(p.url()).searchParams;
const loaded = async (p: Page) => Number((await p.getByTestId("loaded-count").textContent())?.replace(/\D/g, ""));

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe("log views in a real browser", () => {
  it("seeds events through the API with a key made in the UI", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Logs ${stamp}`);
    orgUrl = orgBaseUrl(page);
    const key = await createApiKey(page, orgUrl, "Seeder");
    const res = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: seedEvents() }),
    });
    expect(res.status).toBe(200);
  });

  it("shows interactions with statistics, tool calls, and loads the next page when scrolled", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Interactions" }).click();
    await page.waitForURL(/\/logs\/interactions$/);
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain(String(INTERACTIONS));
    await expect.poll(() => rows(page).count()).toBeGreaterThan(5);
    expect(await page.getByTestId("stat-models").textContent()).toContain("2");
    expect(await rows(page).first().textContent()).toContain("search_catalog (tool) × 2 · get_data_schema (tool) × 1");
    // Virtualised: far fewer rows in the DOM than loaded.
    expect(await rows(page).count()).toBeLessThan(60);
    await screenshot(page, "10-logs-interactions");

    expect(await loaded(page)).toBe(100);
    const scroller = page.getByTestId("log-table-scroll");
    for (let i = 0; i < 3; i++) {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForTimeout(300);
    }
    await expect.poll(() => loaded(page)).toBe(INTERACTIONS);
    await expect.poll(() => page.getByText("End of list").count()).toBe(1);
  });

  it("filters by a column's values with counts; the URL holds it, reload keeps it, Back undoes it", async () => {
    await page.getByRole("button", { name: "Filter Model" }).click();
    const dialog = page.getByRole("dialog", { name: "Filter Model" });
    await expect.poll(() => dialog.getByRole("listitem").allTextContents()).toEqual(["gpt-a195", "gpt-b65"]);
    await dialog.getByRole("checkbox", { name: /gpt-b/ }).check();
    await page.waitForURL(/model=gpt-b/);
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain("65");
    // Filters are independent: the model dropdown still offers gpt-a.
    expect(await dialog.getByRole("checkbox", { name: /gpt-a/ }).isChecked()).toBe(false);
    await page.keyboard.press("Escape");

    await page.getByLabel("Period").selectOption("7d");
    await page.waitForURL(/period=7d/);
    expect(search(page).getAll("model")).toEqual(["gpt-b"]);
    await screenshot(page, "11-logs-interactions-filtered");

    await page.reload();
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain("65");
    expect(await page.getByLabel("Period").inputValue()).toBe("7d");
    expect(await page.getByRole("list", { name: "Active filters" }).textContent()).toContain("gpt-b");

    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has("period"));
    expect(search(page).getAll("model")).toEqual(["gpt-b"]);
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has("model"));
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain(String(INTERACTIONS));
  });

  it("opens a copied link with REST filter names exactly as it was", async () => {
    const link = `${orgUrl}/logs/interactions?model=gpt-b&person_id=p_0&is_error=true&order=asc`;
    await page.goto(link);
    // i % 4 == 0, i % 5 == 0, i % 20 == 0 → i in {0, 20, …, 240}: 13 events.
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain("13");
    await expect.poll(() => loaded(page)).toBe(13);
    expect(await page.getByRole("button", { name: /oldest first/ }).count()).toBe(1);
    const chips = await page.getByRole("list", { name: "Active filters" }).textContent();
    expect(chips).toContain("p_0");
    // A parameter the API refuses is reported, not fatal.
    await page.goto(`${orgUrl}/logs/interactions?model=gpt-b&bogus=1`);
    await expect.poll(() => page.getByText(/Ignored in the link: bogus/).count()).toBe(1);
    await expect.poll(() => page.getByTestId("stat-requests").textContent()).toContain("65");
  });

  it("searches questions and answers, takes a custom range and metadata conditions", async () => {
    await page.goto(`${orgUrl}/logs/interactions`);
    await page.getByRole("searchbox", { name: "Search questions and answers" }).fill("259");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("search") === "259");
    await expect.poll(() => loaded(page)).toBe(1);

    // Custom range: the last two hours (local time in the inputs, UTC in the URL).
    await page.goto(`${orgUrl}/logs/interactions`);
    await page.getByLabel("Period").selectOption("custom");
    const range = page.getByRole("dialog", { name: "Custom range" });
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    await range.getByLabel("From (local time)").fill(local(Date.now() - 2 * 3_600_000));
    await range.getByLabel("To (local time)").fill(local(Date.now() + 60_000));
    await range.getByRole("button", { name: "Apply range" }).click();
    await page.waitForURL((url) => url.searchParams.has("from") && url.searchParams.has("to"));
    // Every 4 minutes over two hours: 30 events (±1 at the edges).
    await expect.poll(async () => Math.abs((await loaded(page)) - 30)).toBeLessThanOrEqual(1);

    await page.goto(`${orgUrl}/logs/system`);
    await page.getByRole("button", { name: "+ Metadata filter" }).click();
    const metadata = page.getByRole("dialog", { name: "Metadata filter" });
    await metadata.getByLabel("Key (dots for nesting)").fill("run");
    await metadata.getByLabel("Condition").selectOption("gte");
    await metadata.getByLabel("Value").fill("15");
    await metadata.getByRole("button", { name: "Add filter" }).click();
    await page.waitForURL((url) => url.searchParams.get("metadata[run][gte]") === "15");
    await expect.poll(() => loaded(page)).toBe(5);
    await page.getByRole("button", { name: "Remove filter Metadata: run ≥ 15" }).click();
    await page.waitForURL((url) => !url.search.includes("metadata"));
    await expect.poll(() => loaded(page)).toBe(20);
  });

  it("sorts by time both ways", async () => {
    await page.goto(`${orgUrl}/logs/interactions`);
    await expect.poll(() => rows(page).count()).toBeGreaterThan(5);
    const newest = await rows(page).first().getAttribute("data-event-id");
    await page.getByRole("button", { name: /newest first/ }).click();
    await page.waitForURL(/order=asc/);
    await expect.poll(() => rows(page).first().getAttribute("data-event-id")).not.toBe(newest);
    await page.goBack();
    await expect.poll(() => rows(page).first().getAttribute("data-event-id")).toBe(newest);
  });

  it("chooses columns and remembers them per view", async () => {
    const header = () => page.locator("thead th").allTextContents();
    expect((await header()).join("|")).toContain("Agent");
    await page.getByRole("button", { name: /^Columns/ }).click();
    const chooser = page.getByRole("dialog", { name: "Choose columns" });
    await chooser.getByRole("checkbox", { name: "Agent" }).uncheck();
    await chooser.getByRole("checkbox", { name: "Person id" }).check();
    await page.keyboard.press("Escape");
    await page.reload();
    await expect.poll(async () => (await header()).join("|")).toContain("Person id");
    expect((await header()).join("|")).not.toContain("Agent");
  });

  it("moves the selection with J/K, opens the details beside the table, Escape closes", async () => {
    await expect.poll(() => rows(page).count()).toBeGreaterThan(5);
    const ids = await rows(page).evaluateAll((trs) => trs.slice(0, 3).map((tr) => tr.getAttribute("data-event-id")));
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.keyboard.press("j");
    await page.waitForURL((url) => url.searchParams.get("event") === ids[0]);
    await page.getByTestId("event-details").waitFor();
    await page.keyboard.press("j");
    await page.waitForURL((url) => url.searchParams.get("event") === ids[1]);
    expect(await page.locator(`tr[data-event-id="${ids[1]}"]`).getAttribute("aria-selected")).toBe("true");
    await screenshot(page, "12-logs-details-panel");
    await page.keyboard.press("k");
    await page.waitForURL((url) => url.searchParams.get("event") === ids[0]);
    // A link with the selected event opens it again.
    await page.reload();
    await page.getByTestId("event-details").waitFor();
    // The details may open before the rows arrive; focus can return only to a row that is there.
    await page.locator(`tr[data-event-id="${ids[0]}"]`).waitFor();
    await page.keyboard.press("Escape");
    await page.waitForURL((url) => !url.searchParams.has("event"));
    expect(await page.getByTestId("event-details").count()).toBe(0);
    // The keyboard focus is back on the row that was open.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-event-id")))
      .toBe(ids[0]);
    // A click selects too.
    await rows(page).nth(2).locator("td").nth(1).click();
    await page.waitForURL((url) => url.searchParams.get("event") === ids[2]);
  });

  it("shows system events filtered by status, and user activity; /activity still works", async () => {
    await page.goto(`${orgUrl}/logs/system`);
    await expect.poll(() => page.getByTestId("stat-events").textContent()).toContain("20");
    await page.getByRole("button", { name: "Filter Status" }).click();
    await page
      .getByRole("dialog", { name: "Filter Status" })
      .getByRole("checkbox", { name: /failure/ })
      .check();
    await page.waitForURL(/status=failure/);
    await expect.poll(() => loaded(page)).toBe(4);
    await page.keyboard.press("Escape");
    await screenshot(page, "13-logs-system");

    await page.goto(`${orgUrl}/activity`);
    await page.waitForURL(/\/logs\/user-activity$/);
    await expect.poll(() => page.getByRole("cell", { name: "api_key.created", exact: true }).count()).toBe(1);
    await screenshot(page, "14-logs-user-activity");
  });

  it("shows an auditor the logs without content search", async () => {
    const { other, page: auditorPage } = await joinAs(auditor, "auditor");
    await auditorPage.goto(`${orgUrl}/logs/interactions`);
    await expect.poll(() => auditorPage.getByTestId("stat-requests").textContent()).toContain(String(INTERACTIONS));
    await expect.poll(() => rows(auditorPage).count()).toBeGreaterThan(5);
    expect(await auditorPage.getByRole("searchbox", { name: "Search questions and answers" }).count()).toBe(0);
    await other.close();
  });

  it("shows a member a clear no-access page", async () => {
    const { other, page: memberPage } = await joinAs(member, "member");
    await memberPage.goto(`${orgUrl}/logs/interactions?model=gpt-a`);
    await expect.poll(() => memberPage.getByTestId("no-access").count()).toBe(1);
    expect(await memberPage.getByRole("table").count()).toBe(0);
    await screenshot(memberPage, "15-logs-member-no-access");
    await other.close();
  });
});
