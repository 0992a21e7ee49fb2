/**
 * The whole service as `npm start` runs it: API on a real port, ingest and delivery behind
 * the event-source emulation, a real receiver on 127.0.0.1 verifying signatures with the
 * Standard Webhooks reference library.
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DATA_BYTES } from "../../core/model/limits.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { type ReceivedRequest, type Receiver, startReceiver } from "../support/receiver.js";
import { sharedEmulators } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let receiver: Receiver;
let receiverUrl: string;
let received: ReceivedRequest[];

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, emulators: sharedEmulators() });
  receiver = await startReceiver({ path: "/hook", fallback: { status: 204 } });
  receiverUrl = receiver.url;
  received = receiver.requests;
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe("end to end", () => {
  it("reports every part healthy", async () => {
    const res = await fetch(`${stack.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toMatch(/error/);
  });

  it("delivers a published event, signed, to a matching endpoint only", async () => {
    const org = `org_e2e${randomBytes(4).toString("hex")}`;
    const key = `sk_test_${randomBytes(24).toString("base64url")}`;
    await bootstrapOrg(stack.deps, { orgId: org, name: "e2e", apiKey: key });
    const api = (path: string, body?: unknown) =>
      fetch(`${stack.url}/v1${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const created = await api("/webhook-endpoints", {
      url: receiverUrl,
      event_types: ["voice.call.ended"],
      description: "e2e",
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    // Subscribed elsewhere: must not receive the event.
    expect(
      (await api("/webhook-endpoints", { url: `${receiverUrl}?other`, event_types: ["chat.*"] })).status,
    ).toBe(201);

    const published = await api("/events", {
      type: "voice.call.ended",
      data: { call_id: "c_1", seconds: 42 },
    });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };

    const got = await waitFor(() => received.find((r) => r.headers["webhook-id"] === id), {
      what: "the webhook",
    });
    const payload = new Webhook(secret.slice("whsec_".length)).verify(got.body, {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    }) as Record<string, unknown>;
    expect(payload).toMatchObject({ id, type: "voice.call.ended", data: { call_id: "c_1", seconds: 42 } });
    expect(received.filter((r) => r.headers["webhook-id"] === id)).toHaveLength(1);
  });

  it("delivers the largest event the API accepts, escaped at its worst, end to end", async () => {
    const org = `org_e2e${randomBytes(4).toString("hex")}`;
    const key = `sk_test_${randomBytes(24).toString("base64url")}`;
    await bootstrapOrg(stack.deps, { orgId: org, name: "e2e big", apiKey: key });
    const api = (path: string, body: unknown) =>
      fetch(`${stack.url}/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await api("/webhook-endpoints", { url: `${receiverUrl}?big` })).status).toBe(201);
    // Quotes double as JSON in `data` and double again inside the task's body string: the
    // task is ~2x MAX_DATA_BYTES, which only a 1 MiB queue (as deployed) can carry.
    const data = { q: '"'.repeat(Math.floor((MAX_DATA_BYTES - 8) / 2)) };
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThanOrEqual(MAX_DATA_BYTES);
    const published = await api("/events", { type: "voice.call.ended", data });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };
    const got = await waitFor(() => received.find((r) => r.headers["webhook-id"] === id), {
      what: "the largest webhook",
    });
    expect((JSON.parse(got.body) as { data: unknown }).data).toEqual(data);
  });
});
