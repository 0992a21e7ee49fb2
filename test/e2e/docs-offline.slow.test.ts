import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { launchBrowser } from "../support/browser.js";
import { startTestLocalStack } from "../support/local-stack.js";

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestLocalStack({});
  // No name resolves: nothing but 127.0.0.1 can be reached, whatever the page asks for.
  browser = await launchBrowser(["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("/docs offline", () => {
  it("renders the API reference from this origin alone", async () => {
    const page = await browser.newPage();
    const origin = new URL(stack.url).origin;
    const elsewhere: string[] = [];
    // Every request leaving this origin is recorded and refused.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));

    const res = await page.goto(`${stack.url}/docs`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector(".swagger-ui .info .title", { timeout: 30_000 });
    expect(await page.textContent(".swagger-ui .info .title")).toContain("hookrelay");
    await page.waitForSelector("#operations-Webhook_endpoints-createEndpoint", { timeout: 30_000 });
    const operations = await page.locator(".opblock").count();
    expect(operations).toBeGreaterThan(20);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
