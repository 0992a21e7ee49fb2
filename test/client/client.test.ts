/**
 * The @hookrelay/client package as a user's code uses it, against the whole local stack:
 * the typed client manages endpoints (minimal create body, one-field PATCH), the producer
 * helper publishes through the ingest queue, and the receiver verifies what arrives.
 */
// First: core/model's zod schemas, which core/api extends with `.openapi()`, only have that
// method when @hono/zod-openapi is loaded before they are built (zod 4 attaches methods per
// instance), and the publish helper loads core/model before anything here imports the API.
import "@hono/zod-openapi";
import { randomBytes } from "node:crypto";
import { ApiError, createClient, type HookrelayClient, unwrap } from "@hookrelay/client";
import { publishEvent } from "@hookrelay/client/publish";
import { jwksVerifier, verify, WebhookVerificationError } from "@hookrelay/client/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import type { LocalStack } from "../../local/stack.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

let stack: LocalStack;
let receiver: Receiver;
let client: HookrelayClient;
let orgId: string;

beforeAll(async () => {
  stack = await startTestLocalStack({});
  receiver = await startReceiver();
  orgId = `org_client${randomBytes(4).toString("hex")}`;
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId, name: "client", apiKey });
  client = createClient({ url: stack.url, apiKey });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe("@hookrelay/client", () => {
  it("creates with only a URL (documented defaults) and keeps omitted fields on a one-field PATCH", async () => {
    const created = await unwrap(client.POST("/v1/webhook-endpoints", { body: { url: receiver.url } }));
    expect(created).toMatchObject({ max_retries: 5, timeout_ms: 10000, status: "active" });
    expect(created.secret).toMatch(/^whsec_/);
    await unwrap(
      client.PATCH("/v1/webhook-endpoints/{id}", {
        params: { path: { id: created.id } },
        body: { max_retries: 2 },
      }),
    );
    const patched = await unwrap(
      client.PATCH("/v1/webhook-endpoints/{id}", {
        params: { path: { id: created.id } },
        body: { status: "disabled" },
      }),
    );
    expect(patched).toMatchObject({
      status: "disabled",
      max_retries: 2,
      timeout_ms: 10000,
      url: receiver.url,
    });
    await unwrap(client.DELETE("/v1/webhook-endpoints/{id}", { params: { path: { id: created.id } } }));
  });

  it("turns an error answer into an ApiError with the service's code", async () => {
    const err = await unwrap(
      client.GET("/v1/webhook-endpoints/{id}", { params: { path: { id: "ep_missing" } } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: "not_found" });
  });

  it("publishes through the ingest queue, and the receiver verifies the delivery", async () => {
    const ep = await unwrap(
      client.POST("/v1/webhook-endpoints", {
        body: { url: receiver.url, event_types: ["voice.call.ended"] },
      }),
    );
    const before = receiver.requests.length;
    await publishEvent(stack.deps.sqs, stack.config.queues.ingest, {
      org_id: orgId,
      type: "voice.call.ended",
      id: "call_1.ended",
      data: { call_id: "call_1" },
    });
    const [req] = (await receiver.waitForRequests(before + 1)).slice(before);
    const event = verify(ep.secret!, req!.headers, req!.body);
    expect(event).toMatchObject({ type: "voice.call.ended", data: { call_id: "call_1" } });
    // A body changed in transit, or another secret, is refused.
    expect(() => verify(ep.secret!, req!.headers, req!.body.replace("call_1", "call_2"))).toThrow(
      WebhookVerificationError,
    );
    const other = `whsec_${randomBytes(32).toString("base64")}`;
    expect(() => verify(other, req!.headers, req!.body)).toThrow(WebhookVerificationError);
  });

  it("verifies a delivered v1a (ed25519) webhook with the public key and with the JWKS", async () => {
    const ep = await unwrap(
      client.POST("/v1/webhook-endpoints", {
        body: { url: receiver.url, event_types: ["web.incoming"], signing_version: "v1a" },
      }),
    );
    expect(ep.public_key).toMatch(/^whpk_/);
    const before = receiver.requests.length;
    await unwrap(client.POST("/v1/events", { body: { type: "web.incoming", data: { call_id: "c_v1a" } } }));
    const [req] = (await receiver.waitForRequests(before + 1)).slice(before);
    expect(req!.headers["webhook-signature"]).toMatch(/^v1a,/);

    expect(verify(ep.public_key!, req!.headers, req!.body)).toMatchObject({ data: { call_id: "c_v1a" } });
    const fetched: string[] = [];
    const jwks = jwksVerifier(ep.jwks_url!, {
      fetch: (url, init) => {
        fetched.push(String(url));
        return fetch(url, init);
      },
    });
    expect(await jwks.verify(req!.headers, req!.body)).toMatchObject({ type: "web.incoming" });
    expect(await jwks.verify(new Headers(req!.headers as Record<string, string>), req!.body)).toMatchObject({
      data: { call_id: "c_v1a" },
    });
    expect(fetched).toEqual([ep.jwks_url]); // fetched once, then cached

    // Forged body, another key, the HMAC verifier on an ed25519 signature, a stale timestamp.
    await expect(jwks.verify(req!.headers, req!.body.replace("c_v1a", "c_v1b"))).rejects.toThrow(
      WebhookVerificationError,
    );
    const other = await unwrap(
      client.POST("/v1/webhook-endpoints", { body: { url: receiver.url, signing_version: "v1a" } }),
    );
    expect(() => verify(other.public_key!, req!.headers, req!.body)).toThrow(WebhookVerificationError);
    expect(() => verify(`whsec_${randomBytes(32).toString("base64")}`, req!.headers, req!.body)).toThrow(
      WebhookVerificationError,
    );
    const stale = { ...req!.headers, "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600) };
    expect(() => verify(ep.public_key!, stale, req!.body)).toThrow(/too old/);
  });

  it("refuses an invalid event in the producer, before it reaches the queue", async () => {
    await expect(
      publishEvent(stack.deps.sqs, stack.config.queues.ingest, { org_id: orgId, type: "", data: {} }),
    ).rejects.toThrow();
  });
});
