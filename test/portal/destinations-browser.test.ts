/**
 * The portal in real headless Chromium against the local stack: the endpoint form's type
 * picker (#29) shows each type's own fields, creates an aws_sqs endpoint with strict ordering,
 * and then shows the external id and the role's trust and permission policies, as text, with
 * copy buttons that copy exactly the view's policies (the text docs/destinations.md shows,
 * core/model/aws-policies.ts); the endpoint's page shows its type, target, role and ordering;
 * editing keeps the type and changes the ordering; a refused role changes nothing.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyText } from "../../core/model/aws-policies.js";
import type { JsonBody } from "../support/api.js";
import { screenshot } from "../support/browser.js";
import { portalHarness } from "../support/portal-harness.js";

const h = portalHarness("destui");
const api = h.api;
let context: BrowserContext;
const problems: string[] = [];
const QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo";
const ROLE = "arn:aws:iam::123456789012:role/hookrelay-delivery";
const LABEL = '<img src=x onerror="window.__pwned=1">Orders';

// After the harness's own (registered first): its browser is up.
beforeAll(async () => {
  context = await h.browser.newContext({ viewport: { width: 1100, height: 900 } });
});

afterAll(() => {
  expect(problems).toEqual([]);
});

async function portalPage(): Promise<Page> {
  const s = await api("POST", "/v1/portal-sessions", { capabilities: ["view", "manage_endpoints"] });
  expect(s.status).toBe(201);
  const url = s.body.url as string;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // The refused role is a 400 on purpose; a favicon's 404 is the browser's own.
    if (m.type() === "error" && !/status of (400|404)/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() === 404 && !r.url().endsWith("/favicon.ico")) problems.push(`404: ${r.url()}`);
  });
  await page.goto(url);
  return page;
}

const endpoints = async (): Promise<JsonBody[]> =>
  (await api("GET", "/v1/webhook-endpoints?limit=100")).body.data;

describe("AWS destinations and ordering in the portal", () => {
  it("creates an aws_sqs endpoint with strict ordering and shows the role's policies to copy", async () => {
    const page = await portalPage();
    await page.getByRole("link", { name: "Add endpoint" }).click();
    const type = page.locator('select[name="type"]');
    await type.waitFor();
    // HTTPS by default: its URL and custom headers, none of the AWS fields.
    expect(await page.locator('input[name="url"]').isVisible()).toBe(true);
    expect(await page.locator('input[name="role_arn"]').isVisible()).toBe(false);
    expect(await page.getByText("Custom headers").isVisible()).toBe(true);
    // Each AWS type: its own target fields and the role; no URL, no custom headers.
    const shown = async () =>
      (
        await Promise.all(
          ["url", "queue_url", "topic_arn", "event_bus_arn", "bucket", "prefix", "region", "role_arn"].map(
            async (n) => ((await page.locator(`input[name="${n}"]`).isVisible()) ? n : null),
          ),
        )
      ).filter(Boolean);
    for (const [t, fields] of [
      ["aws_sns", ["topic_arn", "role_arn"]],
      ["aws_eventbridge", ["event_bus_arn", "role_arn"]],
      ["aws_s3", ["bucket", "prefix", "region", "role_arn"]],
      ["aws_sqs", ["queue_url", "role_arn"]],
    ] as const) {
      await type.selectOption(t);
      expect(await shown()).toEqual(fields);
      expect(await page.getByText("Custom headers").isVisible()).toBe(false);
    }

    // A role of the wrong shape: the API's 400 is shown and nothing is created.
    await page.locator('input[name="queue_url"]').fill(QUEUE);
    await page.locator('input[name="role_arn"]').fill("arn:aws:iam::123:role/x");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.getByRole("alert").filter({ hasText: "role_arn" }).waitFor();
    expect(await endpoints()).toHaveLength(0);

    await page.locator('input[name="role_arn"]').fill(ROLE);
    await page.locator('input[name="label"]').fill(LABEL);
    await page.locator('select[name="ordering"]').selectOption("strict");
    await page.locator('input[name="ordering_key"]').fill("data.customer_id");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.getByRole("heading", { name: "Endpoint created" }).waitFor();

    const [ep] = await endpoints();
    expect(ep).toMatchObject({ type: "aws_sqs", queue_url: QUEUE, role_arn: ROLE, ordering: "strict" });
    expect(ep!.ordering_key).toBe("data.customer_id");
    const role = page.getByTestId("aws-role");
    expect(await role.getByTestId("external-id").textContent()).toBe(ep!.external_id);
    const trust = policyText(ep!.trust_policy);
    const permission = policyText(ep!.permission_policy);
    expect(await role.getByTestId("trust-policy").textContent()).toBe(trust);
    expect(await role.getByTestId("permission-policy").textContent()).toBe(permission);
    expect(permission).toContain('"Resource": "arn:aws:sqs:us-east-1:123456789012:orders.fifo"');
    // The copy buttons copy exactly that text.
    await role.getByRole("button", { name: "Copy" }).first().click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(trust);
    await role.getByRole("button", { name: "Copy" }).nth(1).click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(permission);
    await screenshot(page, "destinations-01-created");

    // The endpoint's page: type, target, role, ordering; the label as text, never markup.
    await page.getByRole("link", { name: "Go to the endpoint" }).click();
    await page.getByTestId("endpoint-type").waitFor();
    expect(await page.getByTestId("endpoint-type").textContent()).toBe("Amazon SQS queue (aws_sqs)");
    expect(await page.getByTestId("endpoint-target").textContent()).toBe(QUEUE);
    expect(await page.getByTestId("endpoint-ordering").textContent()).toBe(
      "strict: one at a time in publish order, per value of data.customer_id",
    );
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(LABEL);
    expect(await page.getByTestId("trust-policy").textContent()).toBe(trust);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    await screenshot(page, "destinations-02-endpoint");

    // Editing: the type stays (disabled), the queue is filled in, ordering can be turned off.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.locator('select[name="type"]').waitFor();
    expect(await page.locator('select[name="type"]').isDisabled()).toBe(true);
    expect(await page.locator('input[name="queue_url"]').inputValue()).toBe(QUEUE);
    await page.locator('select[name="ordering"]').selectOption("none");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByTestId("endpoint-ordering").waitFor();
    expect(await page.getByTestId("endpoint-ordering").textContent()).toBe("none (concurrent, unordered)");
    const [after] = await endpoints();
    expect(after).toMatchObject({ type: "aws_sqs", queue_url: QUEUE, ordering: "none", ordering_key: null });
    expect(after!.external_id).toBe(ep!.external_id);

    // The list names the type.
    await page.getByRole("link", { name: "← Endpoints" }).click();
    expect(await page.getByTestId("type").textContent()).toBe("aws_sqs");
    await page.close();
  });
});
