/**
 * What a portal test in Chromium needs, for one test file: a local stack with one organization
 * and its test key, a receiver, a browser, and the API over HTTP with that key. Started before
 * the file's tests, closed after them.
 */
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { bootstrapOrg } from "../../core/orgs/index.js";
import type { LocalStack } from "../../local/stack.js";
import { callHttp } from "./api.js";
import { launchBrowser } from "./browser.js";
import { startTestLocalStack } from "./local-stack.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "./receiver.js";

export interface PortalHarness {
  orgId: string;
  apiKey: string;
  stack: LocalStack;
  browser: Browser;
  receiver: Receiver;
  api: (method: string, path: string, body?: unknown) => ReturnType<typeof callHttp>;
}

export function portalHarness(name: string, receiverOptions?: ReceiverOptions): PortalHarness {
  const h = {
    orgId: `org_${name}${randomBytes(4).toString("hex")}`,
    apiKey: generateApiKey("test"),
    api: (method: string, path: string, body?: unknown) =>
      callHttp(h.stack.url, h.apiKey, method, path, body),
  } as PortalHarness;
  beforeAll(async () => {
    h.stack = await startTestLocalStack({});
    await bootstrapOrg(h.stack.deps, { orgId: h.orgId, name, apiKey: h.apiKey });
    h.receiver = await startReceiver(receiverOptions);
    h.browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await h.browser?.close();
    await h.receiver?.close();
    await h.stack?.stop();
  });
  return h;
}
