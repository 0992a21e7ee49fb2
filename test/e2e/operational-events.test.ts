/**
 * Operational events on the whole local stack: a customer's endpoint fails until it is
 * disabled, and the platform organization's endpoint, registered for the operational types,
 * receives each step as an ordinary signed webhook (verified with the client's verifier), with
 * the organization, endpoint, reason and counts; enabling it again is an event too.
 */
import "@hono/zod-openapi";
import { randomBytes } from "node:crypto";
import { createClient, type HookrelayClient, unwrap } from "@hookrelay/client";
import { verify } from "@hookrelay/client/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationalEventBody } from "../../core/api/schemas/operational.js";
import type { OperationalType } from "../../core/model/index.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import type { LocalStack } from "../../local/stack.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type ReceivedRequest, type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const platformOrg = `org_plat${randomBytes(4).toString("hex")}`;
let stack: LocalStack;
let ops: Receiver;
let broken: Receiver;
let platform: HookrelayClient;
let customer: HookrelayClient;
let customerOrg: string;

async function clientOf(orgId: string): Promise<HookrelayClient> {
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId, name: orgId, apiKey });
  return createClient({ url: stack.url, apiKey });
}

beforeAll(async () => {
  // Failing at once, disabled 0 days later, the breaker at the first failure: the whole
  // health cycle runs in seconds.
  stack = await startTestLocalStack({
    env: {
      PLATFORM_ORG_ID: platformOrg,
      FAILING_AFTER_HOURS: "0",
      DISABLE_AFTER_DAYS: "0",
      BREAKER_FAILURES: "1",
    },
  });
  ops = await startReceiver();
  broken = await startReceiver({ fallback: { status: 503, body: "down" } });
  platform = await clientOf(platformOrg);
  customerOrg = `org_cust${randomBytes(4).toString("hex")}`;
  customer = await clientOf(customerOrg);
});

afterAll(async () => {
  await stack?.stop();
  await ops?.close();
  await broken?.close();
});

/** The operational events the platform's receiver got, verified, by type. */
function received(secret: string): Map<string, { data: Record<string, unknown>; req: ReceivedRequest }> {
  const out = new Map<string, { data: Record<string, unknown>; req: ReceivedRequest }>();
  for (const req of ops.requests) {
    const event = verify(secret, new Headers(req.headers as Record<string, string>), req.body) as {
      type: string;
      data: Record<string, unknown>;
    };
    out.set(event.type, { data: event.data, req });
  }
  return out;
}

describe("operational events", () => {
  it("a customer's endpoint failing until disabled: failing, breaker opened, dead-lettered, disabled, then enabled, each signed", async () => {
    const sub = await unwrap(
      platform.POST("/v1/webhook-endpoints", {
        body: {
          url: ops.url,
          event_types: [
            "hookrelay.endpoint.failing",
            "hookrelay.endpoint.disabled",
            "hookrelay.endpoint.enabled",
            "hookrelay.breaker.opened",
            "hookrelay.message.dead_lettered",
          ],
        },
      }),
    );
    const ep = await unwrap(
      customer.POST("/v1/webhook-endpoints", { body: { url: broken.url, max_retries: 0 } }),
    );
    const published = await unwrap(
      customer.POST("/v1/events", { body: { type: "call.graded", data: { call: 1 } } }),
    );

    const expected = [
      "hookrelay.endpoint.failing",
      "hookrelay.breaker.opened",
      "hookrelay.message.dead_lettered",
      "hookrelay.endpoint.disabled",
    ];
    await waitFor(() => expected.every((t) => received(sub.secret!).has(t)), {
      what: `the operational events ${expected.join(", ")}`,
    });
    const events = received(sub.secret!);
    for (const t of expected) {
      // Exactly what the OpenAPI document's `webhooks` declares for the type.
      const parsed = operationalEventBody(t as OperationalType).safeParse(
        JSON.parse(events.get(t)!.req.body),
      );
      expect(parsed.error, t).toBeUndefined();
      expect(events.get(t)!.data).toMatchObject({ org_id: customerOrg, endpoint_id: ep.id });
      expect(typeof events.get(t)!.data.reason).toBe("string");
      expect(events.get(t)!.data.occurred_at).toEqual(expect.any(String));
    }
    expect(events.get("hookrelay.endpoint.failing")!.data).toMatchObject({
      reason: "HTTP 503",
      consecutive_failures: 1,
    });
    expect(events.get("hookrelay.breaker.opened")!.data).toMatchObject({ consecutive_failures: 1 });
    expect(events.get("hookrelay.message.dead_lettered")!.data).toMatchObject({
      msg_id: published.id,
      event_type: "call.graded",
      attempts: 1,
    });
    expect(events.get("hookrelay.endpoint.disabled")!.data).toMatchObject({ disabled_by: "auto_disable" });
    // Ordinary deliveries of the platform organization: in its message log, with attempts.
    const log = await unwrap(platform.GET("/v1/events", { params: { query: {} } }));
    expect(log.data.map((m: { type: string }) => m.type)).toEqual(expect.arrayContaining(expected));

    await unwrap(
      customer.PATCH("/v1/webhook-endpoints/{id}", {
        params: { path: { id: ep.id } },
        body: { status: "active" },
      }),
    );
    await waitFor(() => received(sub.secret!).has("hookrelay.endpoint.enabled"), {
      what: "the enabled event",
    });
    expect(received(sub.secret!).get("hookrelay.endpoint.enabled")!.data).toMatchObject({
      org_id: customerOrg,
      endpoint_id: ep.id,
      reason: "enabled by hand",
    });
  });

  it("customers cannot define or publish operational types; the platform organization has them in its catalog", async () => {
    const err = await customer
      .POST("/v1/event-types", { body: { name: "hookrelay.endpoint.failing", description: "forged" } })
      .then((r) => r.error as { error?: { code?: string } } | undefined);
    expect(err?.error?.code).toBe("reserved_event_type");
    const forged = await customer.POST("/v1/events", {
      body: { type: "hookrelay.endpoint.disabled", data: {} },
    });
    expect(forged.response.status).toBe(400);
    const types = await unwrap(platform.GET("/v1/event-types"));
    expect(types.data.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(["hookrelay.endpoint.failing", "hookrelay.message.dead_lettered"]),
    );
  });
});
