/**
 * The customer portal in real headless Chromium against the local stack: a platform admin's
 * session creates an endpoint, sends a test event to a real receiver and sees its attempt,
 * resends it, rotates the secret and recovers; a view-only session sees no write controls
 * and the API refuses its writes; the portal works inside a cross-origin iframe (localhost
 * embedding 127.0.0.1); revoked and expired sessions get their page. Every page is
 * screenshotted into .data/portal-screenshots/. Waits are Playwright's auto-waiting locators.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { signToken } from "../../core/portal/token.js";
import type { LocalStack } from "../../local/stack.js";
import { callHttp } from "../support/api.js";
import { launchBrowser, screenshot } from "../support/browser.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let browser: Browser;
let receiver: Receiver;
let host: Server;
let hostOrigin: string;
let context: BrowserContext;
const orgId = `org_portal${randomBytes(4).toString("hex")}`;
const apiKey = generateApiKey("test");
const problems: string[] = [];
/** Conditions are polled, never slept on; the budget only bounds a broken run. */
const WAIT = { timeout: 30_000 };
type CSSLike = { getPropertyValue(name: string): string };

beforeAll(async () => {
  // The embedding page: another origin (localhost vs 127.0.0.1) that frames the portal.
  host = createServer((req, res) => {
    const src = new URL(req.url ?? "/", "http://x").searchParams.get("src") ?? "";
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>Platform</title>
<h1>Acme settings</h1><iframe id="portal" title="Webhooks" style="width:100%;border:0" src="${src.replace(/"/g, "&quot;")}"></iframe>
<script>window.heights=[];addEventListener("message",e=>{if(e.data&&e.data.type==="hookrelay:portal:height"){heights.push(e.data.height);document.getElementById("portal").style.height=e.data.height+"px";}});</script>`);
  });
  await new Promise<void>((r) => host.listen(0, "127.0.0.1", r));
  hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  stack = await startTestLocalStack({
    env: { PORTAL_FRAME_ANCESTORS: `'self' ${hostOrigin}`, SECRET_GRACE_HOURS: "24" },
  });
  await bootstrapOrg(stack.deps, { orgId, name: "Acme", apiKey });
  // Every other request fails: a test event fails, its resend succeeds, and so on.
  receiver = await startReceiver({
    plan: (_req, i) => (i % 2 === 0 ? { status: 500, body: "<b>down</b>" } : { status: 200 }),
  });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  context.on("page", watch);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await stack?.stop();
  host?.close();
  expect(problems).toEqual([]);
});

/**
 * Any script error or CSP violation in the portal fails the file. Refused requests the tests
 * provoke on purpose (an invalid filter's 400, a view-only session's 403s) are not.
 */
function watch(page: Page) {
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/40[0134]/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

const api = (method: string, path: string, body?: unknown, token = apiKey) =>
  callHttp(stack.url, token, method, path, body);

async function session(body: Record<string, unknown> = {}) {
  const res = await api("POST", "/v1/portal-sessions", body);
  expect(res.status).toBe(201);
  return res.body as unknown as { url: string; token: string; id: string };
}

describe("a full session", () => {
  it("creates an endpoint, tests it, resends, rotates the secret and recovers", async () => {
    const s = await session({
      capabilities: ["view", "manage_endpoints", "reveal_secret", "rotate_secret", "replay", "send_test"],
    });
    const page = await context.newPage();
    await page.goto(s.url);
    await page.getByText("No endpoints yet.").waitFor();
    await screenshot(page, "01-endpoints-empty");
    // The token left the address bar's history entry only as a fragment, never sent to the server.
    expect(new URL(page.url()).search).toBe("");

    await page.getByRole("link", { name: "Add endpoint" }).click();
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Name").fill("Orders service");
    await page.getByLabel("Retries").fill("0");
    await page.locator("label", { hasText: "webhook.test" }).getByRole("checkbox").check();
    await page.locator("label", { hasText: "voice.call.ended" }).getByRole("checkbox").check();
    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header name").fill("X-Team");
    await page.getByLabel("Header value").fill("blue");
    await page.getByLabel("Send traceparent").check();
    await page.locator(".type details").first().click();
    // A filter the API refuses: its code and the path it names are shown, nothing is created.
    const filter = page.getByLabel("Payload filter (JSON)");
    await filter.fill('{"data": {"amount": {"$between": 1}}}');
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.locator('[data-code="invalid_filter"]').waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/at .*amount/);
    await screenshot(page, "02-endpoint-form");
    await filter.fill("{not json");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.getByText("The filter is not JSON").waitFor();
    // Test events ignore filters (docs/filters.md), so the tests below still reach the receiver.
    await filter.fill('{"data": {"amount": {"$gte": 100}}}');
    expect(await page.getByRole("alert").count()).toBe(0); // editing the filter clears its error
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const firstSecret = await page.getByTestId("secret").textContent();
    expect(firstSecret).toMatch(/^whsec_/);
    await screenshot(page, "03-endpoint-created");
    await page.getByRole("link", { name: "Go to the endpoint" }).click();
    expect(await page.getByTestId("filter").textContent()).toBe('{"data":{"amount":{"$gte":100}}}');

    // Test event: the receiver answers 500, and the attempt appears on the page.
    await page.getByRole("combobox", { name: "Event type" }).selectOption("webhook.test");
    await page.getByRole("button", { name: "Send test event" }).click();
    const result = page.getByTestId("test-result");
    await expect.poll(() => result.locator("tr[data-attempt]").textContent(), WAIT).toContain("500");
    expect(receiver.requests[0]?.headers["x-team"]).toBe("blue");
    // "Send traceparent" was checked: the attempt carries the event's trace (docs/tracing.md).
    expect(receiver.requests[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await screenshot(page, "04-endpoint-tested");

    // Resend: the receiver gets it again and answers 200.
    await result.getByRole("button", { name: "Resend" }).click();
    await expect.poll(() => result.getByRole("button", { name: "Resent" }).count(), WAIT).toBe(1);
    await waitFor(() => receiver.requests.length >= 2, { what: "the resend", timeoutMs: 30_000 });

    // Reveal, then rotate with the grace period explained.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    expect(await page.getByTestId("secret").textContent()).toBe(firstSecret);
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("every delivery carries two signatures").waitFor();
    await page.getByRole("button", { name: "Rotate now" }).click();
    await page.getByText("The old secret keeps signing until").waitFor();
    const rotated = await page.getByTestId("secret").textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(firstSecret);
    await screenshot(page, "05-secret-rotated");

    // A second test fails (500); recover re-sends it.
    await page.getByRole("button", { name: "Send test event" }).click();
    await waitFor(() => receiver.requests.length >= 3, { what: "the second test", timeoutMs: 30_000 });
    await expect.poll(() => result.locator("tr[data-attempt]").count(), WAIT).toBe(1);
    await page.getByRole("button", { name: "Recover failed messages" }).click();
    await expect
      .poll(() => page.getByTestId("recover-result").textContent(), WAIT)
      .toMatch(/^[1-9]\d* deliver/);
    await waitFor(() => receiver.requests.length >= 4, { what: "the recovered delivery", timeoutMs: 30_000 });
    // The recover ran as a task: its progress bar in the card, and a row of the Tasks page.
    expect(await page.getByTestId("recover-result").locator("progress").count()).toBe(1);
    await page.getByRole("link", { name: "Tasks", exact: true }).click();
    await page.getByRole("heading", { name: "Tasks" }).waitFor();
    const taskRow = page.locator("tr[data-task]").first();
    await expect
      .poll(() => taskRow.textContent(), WAIT)
      .toMatch(/recover.*succeeded.*[1-9]\d* of [1-9]\d* handled/);
    await screenshot(page, "06-tasks");
    await page.goBack();
    await page.getByTestId("health").waitFor();
    // The old secret still signs during the grace period: two v1 signatures.
    expect(String(receiver.requests[3]?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    await page.reload();
    await expect.poll(() => page.getByTestId("health").textContent(), WAIT).toContain("success (24 h)");
    // The API's aggregate: four attempts today, two of them failed.
    await expect.poll(() => page.getByTestId("rate-24h").textContent(), WAIT).toBe("50%");
    expect(await page.locator('figure[data-window="24h"] figcaption').textContent()).toContain("4 attempts");
    await screenshot(page, "06-endpoint-detail");

    // Message log, an event, an attempt.
    await page.getByRole("link", { name: "Message log" }).click();
    await expect.poll(() => page.locator("tr[data-event]").count(), WAIT).toBeGreaterThanOrEqual(2);
    await page.getByRole("combobox", { name: "Delivery status" }).selectOption("succeeded");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.locator("tr[data-event]").count(), WAIT).toBeGreaterThanOrEqual(1);
    await screenshot(page, "07-message-log");
    await page.locator("tr[data-event] a").first().click();
    await expect.poll(() => page.locator("tr[data-delivery]").count(), WAIT).toBe(1);
    await screenshot(page, "08-event-detail");
    await page.locator("tr[data-attempt] a").last().click();
    await expect.poll(() => page.getByTestId("status-code").textContent(), WAIT).toBe("500");
    // The receiver's HTML is shown as text, never rendered.
    expect(await page.getByTestId("response-body").textContent()).toBe("<b>down</b>");
    expect(await page.locator("pre b").count()).toBe(0);
    // The request sent: its exact body, its headers, the signature's value not stored.
    const sentBody = await page.getByTestId("request-body").textContent();
    expect(receiver.requests.map((r) => r.body)).toContain(sentBody);
    const sentHeaders = (await page.getByTestId("request-headers").textContent())!.split("\n");
    expect(sentHeaders).toContain("x-team: blue");
    // Sent after the rotation, within its grace period: signed with the new and the old secret.
    expect(sentHeaders).toContain(
      "webhook-signature: v1,<not stored> <previous key's signature, not stored>",
    );
    await screenshot(page, "09-attempt-detail");
    await page.close();
  }, 180_000);
});

describe("pause", () => {
  it("pauses and resumes an endpoint: status paused, held events delivered on resume", async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: receiver.url, label: "Pausable" });
    const s = await session();
    const page = await context.newPage();
    await page.goto(`${s.url}&page=/endpoints/${ep.body.id}`);
    await page.getByRole("heading", { name: "Pausable" }).waitFor();
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Resume" }).waitFor(WAIT);
    expect(await page.locator(".bar .pill").textContent()).toBe("paused");
    await expect.poll(() => page.getByTestId("health").textContent(), WAIT).toContain("Paused:");
    expect((await api("GET", `/v1/webhook-endpoints/${ep.body.id}`)).body.status).toBe("paused");
    // An event published while paused is held: no request until the endpoint is resumed.
    const before = receiver.requests.length;
    const ev = await api("POST", "/v1/events", { type: "webhook.test", data: { paused: true } });
    expect(ev.status).toBe(202);
    await expect
      .poll(async () => (await api("GET", `/v1/events/${ev.body.id}`)).body.deliveries?.[0]?.status, WAIT)
      .toBe("skipped");
    expect(receiver.requests.length).toBe(before);
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor(WAIT);
    expect(await page.locator(".bar .pill").textContent()).toBe("active");
    await waitFor(() => receiver.requests.some((r) => r.body.includes(ev.body.id)), {
      what: "the held event delivered after the resume",
      timeoutMs: 60_000,
    });
    await screenshot(page, "11-resumed-endpoint");
    await page.close();
  }, 120_000);
});

describe("a view-only session", () => {
  it("shows no write control, and the API refuses its writes", async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: receiver.url, label: "Read-only view" });
    const s = await session({ capabilities: ["view"] });
    const page = await context.newPage();
    await page.goto(`${s.url}&page=/endpoints/${ep.body.id}`);
    await page.getByRole("heading", { name: "Read-only view" }).waitFor();
    await page.getByTestId("health").waitFor();
    for (const name of [
      "Edit",
      "Pause",
      "Disable",
      "Delete",
      "Reveal secret",
      "Rotate secret",
      "Send test event",
      "Recover failed messages",
      "Resend",
    ]) {
      expect(await page.getByRole("button", { name }).count(), name).toBe(0);
    }
    expect(await page.getByRole("link", { name: "Edit" }).count()).toBe(0);
    await screenshot(page, "10-view-only-endpoint");
    await page.getByRole("link", { name: "Endpoints", exact: true }).click();
    await expect.poll(() => page.locator("tr[data-endpoint]").count(), WAIT).toBeGreaterThan(0);
    expect(await page.getByRole("link", { name: "Add endpoint" }).count()).toBe(0);
    // The page's own token, used by hand: every write is 403.
    const statuses = await page.evaluate(
      async ({ token, id }) => {
        const call = (method: string, path: string, body?: unknown) =>
          fetch(`/v1${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          }).then((r) => r.status);
        return [
          await call("POST", "/webhook-endpoints", { url: "https://example.com" }),
          await call("PATCH", `/webhook-endpoints/${id}`, { status: "disabled" }),
          await call("DELETE", `/webhook-endpoints/${id}`),
          await call("POST", `/webhook-endpoints/${id}/rotate-secret`),
          await call("POST", `/webhook-endpoints/${id}/test`, {}),
        ];
      },
      { token: s.token, id: ep.body.id },
    );
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    await page.close();
  }, 120_000);
});

describe("embedded", () => {
  it("works in a cross-origin iframe, themed, and posts its height to the host", async () => {
    const s = await session({ capabilities: ["view", "manage_endpoints"] });
    const src = `${s.url.replace("#", "?accent=%23e11d48&dark=1&title=Acme%20webhooks#")}`;
    const page = await context.newPage();
    await page.goto(`${hostOrigin}/?src=${encodeURIComponent(src)}`);
    const frame = page.frameLocator("#portal");
    await frame.getByText("Acme webhooks").waitFor();
    await frame.getByRole("link", { name: "Add endpoint" }).click();
    await frame.getByLabel("URL").fill(receiver.url);
    await frame.getByLabel("Name").fill("Created inside the iframe");
    await frame.getByLabel("Signing").selectOption("v1a");
    await frame.getByRole("button", { name: "Create endpoint" }).click();
    // v1a: no secret to show, a public key (and the JWKS URL) instead.
    expect(await frame.getByTestId("public-key").textContent()).toMatch(/^whpk_/);
    await frame.getByRole("link", { name: "Endpoints", exact: true }).click();
    await frame.getByText("Created inside the iframe").waitFor();
    const heights = await page.waitForFunction(
      () => (globalThis as unknown as { heights: number[] }).heights.length > 0,
    );
    expect(await heights.jsonValue()).toBe(true);
    const accent = await frame
      .locator("html")
      .evaluate((el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): CSSLike })
          .getComputedStyle(el)
          .getPropertyValue("--accent"),
      );
    expect(accent.trim()).toBe("#e11d48");
    await screenshot(page, "11-embedded-dark");
    await page.close();
  }, 120_000);
});

describe("ended sessions", () => {
  it("a revoked session shows its page with the return link; an expired one too", async () => {
    const s = await session({ return_url: "https://platform.example/settings/webhooks" });
    expect((await api("DELETE", `/v1/portal-sessions/${s.id}`)).status).toBe(204);
    let page = await context.newPage();
    await page.goto(s.url);
    await page.getByRole("heading", { name: "This session has ended" }).waitFor();
    const back = page.getByRole("link", { name: "Return and sign in again" });
    expect(await back.getAttribute("href")).toBe("https://platform.example/settings/webhooks");
    await screenshot(page, "12-session-ended");

    const expired = signToken(
      {
        sid: s.id,
        org: orgId,
        agent: null,
        caps: ["view"],
        types: null,
        exp: Math.floor(Date.now() / 1000) - 60,
      },
      stack.config.portalSecret!,
    );
    // A new page: on the same page only the fragment would change, which loads nothing.
    await page.close();
    page = await context.newPage();
    await page.goto(`${stack.url}/portal#token=${expired}`);
    await page.getByRole("heading", { name: "This session has expired" }).waitFor();
    await screenshot(page, "13-session-expired");
    await page.close();
  }, 60_000);
});
