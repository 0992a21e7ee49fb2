/**
 * Ordered delivery on the local stack (docs/delivery.md, "Ordered delivery"): an endpoint with
 * `ordering: "strict"` gets its events through the FIFO queue on fauxqs, one at a time, in
 * publish order. The receiver fails event #1 three times: #2..#5, published after it, arrive only
 * once #1 has succeeded, in order, though the whole stack (emulators included, their data kept
 * as `npm start` keeps it) is stopped and started again while #1 is still failing. With an
 * `ordering_key`, one key's failing head holds its own key's events only; once it exhausts its
 * retries it is dead-lettered (visible as failed) and the next of its key proceeds.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type ReceivedRequest, type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-ordered-"));
const stacks: LocalStack[] = [];
const receivers: Receiver[] = [];

afterAll(async () => {
  for (const s of stacks) await s.stop();
  for (const r of receivers) await r.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Api = (path: string, body?: unknown) => Promise<Response>;

function apiOf(stack: LocalStack, key: string): Api {
  return (path, body) =>
    fetch(`${stack.url}/v1${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** The event's `data` as the receiver got it. */
const dataOf = (r: ReceivedRequest) =>
  (JSON.parse(r.body) as { data: { n: number; customer?: string } }).data;

/** Publishes one event after another, each accepted before the next is sent; returns their ids. */
async function publishAll(api: Api, datas: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const data of datas) {
    const res = await api("/events", { type: "voice.call.ended", data });
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

/** A receiver that fails the first `failures` requests matching `failing`, and answers 204 otherwise. */
async function failingReceiver(failing: (d: ReturnType<typeof dataOf>) => boolean, failures: number) {
  let failed = 0;
  const receiver = await startReceiver({
    plan: (req) => {
      if (!failing(dataOf(req)) || failed >= failures) return { status: 204 };
      failed++;
      return { status: 500 };
    },
  });
  receivers.push(receiver);
  return receiver;
}

describe("ordered delivery", () => {
  it("holds #2..#5 behind #1 until it succeeds, in order, across a restart of the stack", async () => {
    const receiver = await failingReceiver((d) => d.n === 1, 3);
    // A restarted stack keeps its table, queues and keys (`npm start` keeps its pepper in .data/).
    const env = {
      RETRY_SCHEDULE: "1",
      API_KEY_PEPPER: randomBytes(32).toString("base64url"),
      PORTAL_SECRET: randomBytes(32).toString("base64url"),
    };
    const first = await startLocalStack({ port: 0, dataDir, env });
    stacks.push(first);
    const org = `org_ordered${randomBytes(4).toString("hex")}`;
    const key = `sk_test_${randomBytes(24).toString("base64url")}`;
    await bootstrapOrg(first.deps, { orgId: org, name: "ordered", apiKey: key });
    const created = await apiOf(first, key)("/webhook-endpoints", { url: receiver.url, ordering: "strict" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ ordering: "strict", ordering_key: null });

    const ids = await publishAll(
      apiOf(first, key),
      [1, 2, 3, 4, 5].map((n) => ({ n })),
    );
    // Two failed attempts of #1, then the whole stack stops while its retry is pending.
    await waitFor(() => receiver.requests.length >= 2, { what: "two attempts of #1", timeoutMs: 120_000 });
    await first.stop();
    stacks.pop();
    const held = receiver.requests.map((r) => dataOf(r).n);
    expect(held.every((n) => n === 1)).toBe(true);

    const second = await startLocalStack({ port: 0, dataDir, env });
    stacks.push(second);
    await waitFor(() => receiver.requests.filter((r) => dataOf(r).n === 5).length > 0, {
      what: "#5 delivered after the restart",
      timeoutMs: 150_000,
    });
    const order = receiver.requests.map((r) => dataOf(r).n);
    // #1 three failures and its success, then each of the rest once, in publish order.
    expect(order).toEqual([1, 1, 1, 1, 2, 3, 4, 5]);
    const event = (await (await apiOf(second, key)(`/events/${ids[0]}`)).json()) as {
      deliveries: { status: string; attempts: number }[];
    };
    expect(event.deliveries[0]).toMatchObject({ status: "succeeded", attempts: 4 });
  }, 360_000);

  it("orders per ordering_key: a failing key holds its own events only, then is dead-lettered and visible", async () => {
    const receiver = await failingReceiver((d) => d.customer === "a" && d.n === 1, 1000);
    const stack = await startTestLocalStack({ env: { RETRY_SCHEDULE: "1" } });
    stacks.push(stack);
    const org = `org_keyed${randomBytes(4).toString("hex")}`;
    const key = `sk_test_${randomBytes(24).toString("base64url")}`;
    await bootstrapOrg(stack.deps, { orgId: org, name: "keyed", apiKey: key });
    const api = apiOf(stack, key);
    const created = await api("/webhook-endpoints", {
      url: receiver.url,
      ordering: "strict",
      ordering_key: "data.customer",
      max_retries: 2,
    });
    expect(created.status).toBe(201);

    const ids = await publishAll(api, [
      { customer: "a", n: 1 },
      { customer: "a", n: 2 },
      { customer: "b", n: 1 },
      { customer: "b", n: 2 },
      { customer: "b", n: 3 },
    ]);
    const got = (customer: string) =>
      receiver.requests
        .map(dataOf)
        .filter((d) => d.customer === customer)
        .map((d) => d.n);
    // b's events all arrive, in order, while a's head is still failing.
    await waitFor(() => got("b").length === 3, { what: "customer b's three events" });
    expect(got("b")).toEqual([1, 2, 3]);
    expect(got("a").every((n) => n === 1)).toBe(true);

    // a's head exhausts its 1 + 2 attempts, is dead-lettered, and a's #2 follows.
    await waitFor(() => got("a").includes(2), {
      what: "customer a's #2 after its head gave up",
      timeoutMs: 30_000,
    });
    expect(got("a")).toEqual([1, 1, 1, 2]);
    const head = (await (await api(`/events/${ids[0]}`)).json()) as {
      deliveries: { status: string; attempts: number; last_error: string | null }[];
    };
    expect(head.deliveries[0]).toMatchObject({ status: "failed", attempts: 3 });
  }, 120_000);
});
