/**
 * The portal in real headless Chromium against the local stack shows an event type's
 * lifecycle: a deprecated type carries its badge and note in the endpoint form and on the
 * page of an endpoint that subscribes to it; an archived type is not offered to a new
 * endpoint but stays, marked, on the endpoint that has it. Waits are Playwright's locators.
 */
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import type { LocalStack } from "../../local/stack.js";
import { launchBrowser, screenshot } from "../support/browser.js";
import { startTestLocalStack } from "../support/local-stack.js";

let stack: LocalStack;
let browser: Browser;
const orgId = `org_lifecycle${randomBytes(4).toString("hex")}`;
const apiKey = generateApiKey("test");
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestLocalStack();
  await bootstrapOrg(stack.deps, { orgId, name: "Acme", apiKey });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  expect(problems).toEqual([]);
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, never> };
}

async function portalPage(): Promise<Page> {
  const s = await api("POST", "/v1/portal-sessions", { capabilities: ["view", "manage_endpoints"] });
  expect(s.status).toBe(201);
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 404/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() === 404 && !r.url().endsWith("/favicon.ico")) problems.push(`404: ${r.url()}`);
  });
  await page.goto((s.body as unknown as { url: string }).url);
  return page;
}

describe("event-type lifecycle in the portal", () => {
  it("shows a deprecated type's badge and note, and offers an archived type only where it is subscribed", async () => {
    for (const name of ["billing.invoice.paid", "billing.refund", "billing.legacy"]) {
      expect((await api("POST", "/v1/event-types", { name, description: `The ${name} event` })).status).toBe(
        201,
      );
    }
    const ep = await api("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/hooks",
      event_types: ["billing.refund", "billing.legacy"],
    });
    expect(ep.status).toBe(201);
    const note = "Use billing.credit.issued <b>instead</b>";
    expect(
      (await api("PATCH", "/v1/event-types/billing.refund", { status: "deprecated", deprecation_note: note }))
        .status,
    ).toBe(200);
    expect((await api("PATCH", "/v1/event-types/billing.legacy", { status: "archived" })).status).toBe(200);

    const page = await portalPage();
    // The endpoint's page: a notice per deprecated or archived type it subscribes to (the note as text).
    await page.getByRole("link", { name: "https://example.com/hooks" }).click();
    const deprecated = page.getByRole("status").filter({ hasText: "billing.refund" });
    await deprecated.waitFor();
    expect(await deprecated.textContent()).toBe(`billing.refund is deprecated: ${note}`);
    await page.getByRole("status").filter({ hasText: "billing.legacy is archived" }).waitFor();
    await screenshot(page, "lifecycle-01-endpoint");

    // Its edit form: both types are there, marked; the deprecation note under the deprecated one.
    await page.getByRole("link", { name: "Edit" }).click();
    const refund = page.locator(".type", { hasText: "billing.refund" });
    await refund.getByTestId("type-deprecated").waitFor();
    expect(await refund.locator(".deprecation").textContent()).toBe(note);
    expect(
      await page.locator(".type", { hasText: "billing.legacy" }).getByTestId("type-archived").count(),
    ).toBe(1);
    expect(await page.locator(".type", { hasText: "billing.invoice.paid" }).locator(".badge").count()).toBe(
      0,
    );
    await screenshot(page, "lifecycle-02-edit");

    // A new endpoint is not offered the archived type; the deprecated one is still offered, marked.
    await page.getByRole("link", { name: "Endpoints", exact: false }).first().click();
    await page.getByRole("link", { name: "Add endpoint" }).click();
    await page.locator(".type", { hasText: "billing.invoice.paid" }).waitFor();
    expect(await page.locator(".type", { hasText: "billing.legacy" }).count()).toBe(0);
    expect(
      await page.locator(".type", { hasText: "billing.refund" }).getByTestId("type-deprecated").count(),
    ).toBe(1);
    await page.close();
  });
});
