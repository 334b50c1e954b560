import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, screenshot } from "./browser";
import { signUpWithOrganization } from "./flows";

/**
 * The event details panel in a real browser: every field, Markdown content rendered safely, the JSON
 * trees, the trace id copy, and its links (the session's interactions in order, the interaction, the
 * person, the actor); an auditor sees content redacted; an unknown event says so.
 */

const baseUrl = inject("baseUrl");
const stamp = Date.now().toString(36);
const owner = { name: "Dana Details", email: `dana-${stamp}@example.com`, password: "correct-horse-7" };
const auditor = { name: "Avi Auditor", email: `avi-${stamp}@example.com`, password: "correct-horse-8" };
const MINUTE = 60_000;
const SESSION = `chat_${stamp}`;
const TRACE = `trace-${stamp}-0af7651916cd43dd8448eb211c80319c`;
const PERSON = `person-${stamp}`;
const INTERACTION = `interaction-${stamp}`;
const ACTOR = `u_dana_${stamp}`;

const ANSWER = [
  "## Connecting Postgres",
  "",
  "Open **Settings**, then *Connections*. Use `sslmode=require`:",
  "",
  "1. Add the host",
  "2. Test the connection",
  "",
  "```sql",
  "SELECT 1;",
  "```",
  "",
  "Write to carol@example.com or see [the docs](https://docs.example.com/pg).",
  '<img src=x onerror="window.__pwned=1"> [bad](javascript:alert(1))',
].join("\n");

function events() {
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  const turn = (i: number, minutesAgo: number) => ({
    id: `turn-${stamp}-${i}`,
    kind: "interaction",
    type: "ai.interaction",
    occurred_at: at(minutesAgo),
    actor: { id: ACTOR, email: "dana@acme.example", name: "Dana Details" },
    session_id: SESSION,
    model: `model-turn-${i}`,
    agent: "alamigo",
    source: "ask",
    platform: "web",
    protocol: "http",
    product_area: "catalog",
    tier: "paid",
    input_tokens: 100 * i,
    output_tokens: 10 * i,
    intent: "how_to",
    response_type: "rag_answer",
    sentiment: "positive",
    person_id: PERSON,
    interaction_id: INTERACTION,
    trace_id: TRACE,
    tool_calls: [
      { name: "search_catalog", type: "tool", count: 2 },
      { name: "alamigo", type: "agent", count: 1 },
    ],
    metadata: { customer: { plan: "pro", seats: 12, tags: ["a", "b"] }, latency_ms: 812, beta: true },
    question: `I am carol@example.com — how do I connect **Postgres**? (turn ${i})`,
    answer: ANSWER,
  });
  return [
    turn(1, 30),
    turn(2, 20),
    turn(3, 10),
    // Another session, in between: not part of the session link's result.
    { kind: "interaction", type: "ai.interaction", occurred_at: at(15), session_id: `other_${stamp}`, model: "other" },
    { kind: "user_activity", type: "test.created", occurred_at: at(25), actor: { id: ACTOR, email: "dana@acme.example" } },
  ];
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let orgUrl = "";
let eventId = "";
const rows = (p: Page) => p.locator("tbody tr.log-row");
const params = (p: Page) => new URL(p.url()).searchParams;

async function createApiKey(p: Page, name: string): Promise<string> {
  await p.goto(`${orgUrl}/api-keys`);
  await p.getByLabel("Name", { exact: true }).fill(name);
  await p.getByRole("button", { name: "Create key" }).click();
  const secret = p.getByRole("textbox", { name: "New API key" });
  await secret.waitFor();
  return secret.inputValue();
}

const panel = (p: Page) => p.getByTestId("event-details");

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe("event details panel in a real browser", () => {
  it("seeds a chat session through the API", async () => {
    await signUpWithOrganization(page, baseUrl, owner, `Details ${stamp}`);
    orgUrl = /^(.*\/o\/[^/?#]+)/.exec(page.url())![1]!;
    const key = await createApiKey(page, "Details seeder");
    const res = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: events() }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; client_id: string | null }[] };
    eventId = body.results.find((r) => r.client_id === `turn-${stamp}-2`)!.id;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shows every field, times in local time and UTC, tool calls, trees, and copies the trace id", async () => {
    await page.goto(`${orgUrl}/logs/interactions?period=7d&event=${eventId}`);
    await panel(page).getByTestId("event-type").waitFor();
    const details = panel(page);
    expect(await details.getByTestId("trace-id").textContent()).toBe(TRACE);
    const text = await details.textContent();
    for (const expected of ["model-turn-2", "alamigo", "catalog", "rag_answer", "how_to", "paid", "Dana Details", PERSON]) {
      expect(text).toContain(expected);
    }
    expect(await details.locator('[data-field="Interaction.Total tokens"] dd').textContent()).toBe("220");
    // Classification: the client's labels, with their source.
    expect(await details.getByTestId("label-source-intent").textContent()).toBe("client");
    expect(await details.getByTestId("label-source-sentiment").textContent()).toBe("client");
    expect(await details.getByTestId("occurred-at").textContent()).toMatch(/UTC/);
    expect(await details.getByTestId("tool-calls").textContent()).toContain("search_catalog");
    expect(await details.getByTestId("tool-calls").textContent()).toContain("× 2");

    // Copy the trace id to the clipboard.
    await details.getByRole("button", { name: "Copy trace id" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(TRACE);

    // Metadata as a tree: folds and unfolds; a branch copies as JSON.
    const metadata = details.getByTestId("json-metadata");
    expect(await metadata.textContent()).toContain('"pro"');
    await metadata.getByRole("button", { name: "Collapse customer" }).click();
    expect(await metadata.textContent()).not.toContain('"pro"');
    await metadata.getByRole("button", { name: "Expand customer" }).click();
    expect(await metadata.textContent()).toContain('"pro"');
    await metadata.getByRole("button", { name: "Copy customer as JSON" }).click();
    await expect
      .poll(async () => JSON.parse(await page.evaluate(() => navigator.clipboard.readText())))
      .toEqual({ plan: "pro", seats: 12, tags: ["a", "b"] });
  });

  it("renders question and answer as Markdown, never as HTML", async () => {
    const answer = panel(page).getByTestId("content-answer");
    await answer.locator(".markdown").waitFor();
    expect(await answer.locator("strong").first().textContent()).toBe("Settings");
    expect(await answer.locator("ol > li").count()).toBe(2);
    expect(await answer.locator("pre code").textContent()).toBe("SELECT 1;");
    expect(await answer.getByRole("link", { name: "the docs" }).getAttribute("href")).toBe("https://docs.example.com/pg");
    // Raw HTML stays text, and a javascript: link is not a link.
    expect(await answer.locator("img").count()).toBe(0);
    expect(await answer.textContent()).toContain("<img src=x onerror=");
    expect(await answer.getByRole("link", { name: "bad" }).count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await panel(page).getByTestId("content-question").locator("strong").textContent()).toBe("Postgres");
    await panel(page)
      .locator(".event-details-body")
      .evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, "20-event-details");
  });

  it("the session link shows that session's interactions, oldest first", async () => {
    await panel(page).getByTestId("link-session").click();
    await page.waitForURL(/session_id=/);
    expect(new URL(page.url()).pathname).toMatch(/\/logs\/interactions$/);
    expect(params(page).get("session_id")).toBe(SESSION);
    expect(params(page).get("order")).toBe("asc");
    expect(params(page).get("period")).toBe("all");
    await expect.poll(() => rows(page).count()).toBe(3);
    const texts = await rows(page).allTextContents();
    expect(texts.map((t) => /model-turn-\d/.exec(t)?.[0])).toEqual(["model-turn-1", "model-turn-2", "model-turn-3"]);
    await screenshot(page, "21-session-in-order");
  });

  it("links the interaction, the person and the actor's activity", async () => {
    await page.goto(`${orgUrl}/logs/interactions?period=7d&event=${eventId}`);
    await panel(page).getByTestId("link-interaction").click();
    await page.waitForURL(/interaction_id=/);
    expect(params(page).get("interaction_id")).toBe(INTERACTION);
    await expect.poll(() => rows(page).count()).toBe(3);

    await page.goto(`${orgUrl}/logs/interactions?period=7d&event=${eventId}`);
    await panel(page).getByTestId("link-person").click();
    await page.waitForURL(/person_id=/);
    expect(params(page).get("person_id")).toBe(PERSON);

    await page.goto(`${orgUrl}/logs/interactions?period=7d&event=${eventId}`);
    await panel(page).getByTestId("link-actor-activity").click();
    await page.waitForURL(/\/logs\/user-activity\?/);
    expect(params(page).get("actor_id")).toBe(ACTOR);
    await expect.poll(async () => (await rows(page).allTextContents()).join(" ")).toContain("test.created");
  });

  it("says so for an event the organization does not have", async () => {
    await page.goto(`${orgUrl}/logs/interactions?event=00000000-0000-4000-8000-000000000000`);
    await panel(page).getByTestId("event-not-found").waitFor();
    expect(await panel(page).textContent()).toContain("Event not found");
  });

  it("an auditor sees the content redacted, and is told so", async () => {
    await page.goto(`${orgUrl}/members`);
    await page.getByLabel("Email").fill(auditor.email);
    await page.getByLabel("Role", { exact: true }).selectOption("auditor");
    await page.getByRole("button", { name: "Invite" }).click();
    const link = await page.getByLabel("Invite link").inputValue();

    const other = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const auditorPage = await other.newPage();
      await auditorPage.goto(`${baseUrl}/sign-up?next=${encodeURIComponent(new URL(link).pathname)}`);
      await auditorPage.getByLabel("Name").fill(auditor.name);
      await auditorPage.getByLabel("Email").fill(auditor.email);
      await auditorPage.getByLabel("Password").fill(auditor.password);
      await auditorPage.getByRole("button", { name: "Create account" }).click();
      await auditorPage.waitForURL(/\/invite\//);
      await auditorPage.getByRole("button", { name: "Accept invitation" }).click();
      await auditorPage.waitForURL(/\/o\/[^/]+\//);

      await auditorPage.goto(`${orgUrl}/logs/interactions?period=7d&event=${eventId}`);
      const details = panel(auditorPage);
      await details.getByTestId("redaction-notice").waitFor();
      expect(await details.getByTestId("redacted-badge").count()).toBe(1);
      const answer = details.getByTestId("content-answer");
      await answer.locator(".markdown").waitFor();
      expect(await answer.textContent()).not.toContain("carol@example.com");
      expect(await answer.locator("mark.redaction").first().textContent()).toBe("[email]");
      expect(await details.getByTestId("content-question").textContent()).not.toContain("carol@example.com");
      // Listing fields are not content: the auditor still sees them.
      expect(await details.getByTestId("trace-id").textContent()).toBe(TRACE);
      await screenshot(auditorPage, "22-event-details-auditor");
    } finally {
      await other.close();
    }
  });
});
