/**
 * What the portal's message log, attempt detail and health chart ask of the API, against the
 * whole local stack: the event list filtered by delivery status and time on the server, one
 * attempt with the exact request it sent (rebuilt; the signature is not stored), and an
 * endpoint's success rate and latency over 24 h and 7 days.
 */
import "@hono/zod-openapi";
import { randomBytes } from "node:crypto";
import { createClient, type HookrelayClient, unwrap } from "@hookrelay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sharedEmulators } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let ok: Receiver;
let broken: Receiver;
let client: HookrelayClient;
let apiKey: string;
let okEp: { id: string };
let brokenEp: { id: string };
const published: { id: string; to: "ok" | "broken" }[] = [];

async function deliveredStatus(id: string, status: string) {
  await waitFor(async () => {
    const ev = await unwrap(client.GET("/v1/events/{id}", { params: { path: { id } } }));
    return ev.deliveries.length > 0 && ev.deliveries.every((d) => d.status === status);
  });
}

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, emulators: sharedEmulators() });
  ok = await startReceiver({ fallback: { status: 200, body: '{"received":true}' } });
  broken = await startReceiver({ fallback: { status: 500, body: "boom" } });
  apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId: `org_log${randomBytes(4).toString("hex")}`, name: "log", apiKey });
  client = createClient({ url: stack.url, apiKey });
  okEp = await unwrap(
    client.POST("/v1/webhook-endpoints", {
      body: { url: ok.url, event_types: ["web.incoming"], headers: { "X-Tenant": "acme" } },
    }),
  );
  brokenEp = await unwrap(
    client.POST("/v1/webhook-endpoints", {
      body: { url: broken.url, event_types: ["web.complete"], max_retries: 0 },
    }),
  );
  // Keys out of order, nested: the body sent must still be rebuilt byte for byte.
  for (const [type, to] of [
    ["web.incoming", "ok"],
    ["web.complete", "broken"],
    ["web.incoming", "ok"],
  ] as const) {
    const ev = await unwrap(
      client.POST("/v1/events", {
        body: { type, data: { zeta: 1, alpha: { y: [3, { b: 2, a: 1 }], b: "é\u2028" }, mid: null } },
      }),
    );
    published.push({ id: ev.id, to });
  }
  for (const p of published) await deliveredStatus(p.id, p.to === "ok" ? "succeeded" : "failed");
});

afterAll(async () => {
  await stack?.stop();
  await ok?.close();
  await broken?.close();
});

describe("message log filters (served by the API)", () => {
  it("filters by delivery status on the server", async () => {
    const failed = await unwrap(client.GET("/v1/events", { params: { query: { status: "failed" } } }));
    expect(failed.data.map((e) => e.id)).toEqual(published.filter((p) => p.to === "broken").map((p) => p.id));
    const succeeded = await unwrap(client.GET("/v1/events", { params: { query: { status: "succeeded" } } }));
    expect(succeeded.data.map((e) => e.id)).toEqual(
      published
        .filter((p) => p.to === "ok")
        .map((p) => p.id)
        .reverse(),
    );
    // A page of one: the cursor goes on to the next match.
    const first = await unwrap(
      client.GET("/v1/events", { params: { query: { status: "succeeded", limit: 1 } } }),
    );
    const second = await unwrap(
      client.GET("/v1/events", {
        params: { query: { status: "succeeded", limit: 1, cursor: first.next_cursor! } },
      }),
    );
    expect([...first.data, ...second.data].map((e) => e.id)).toEqual(succeeded.data.map((e) => e.id));
  });

  it("filters by time as a key range, and refuses an empty range", async () => {
    const all = await unwrap(client.GET("/v1/events", {}));
    const newest = all.data[0]!;
    const since = await unwrap(client.GET("/v1/events", { params: { query: { since: newest.created_at } } }));
    expect(since.data.map((e) => e.id)).toEqual([newest.id]);
    const until = await unwrap(
      client.GET("/v1/events", { params: { query: { until: newest.created_at, type: "web.incoming" } } }),
    );
    expect(until.data.map((e) => e.id)).toEqual([published[0]!.id]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await unwrap(client.GET("/v1/events", { params: { query: { since: future } } }))).data).toEqual(
      [],
    );
    const bad = await client.GET("/v1/events", {
      params: { query: { since: future, until: newest.created_at } },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ error: { code: "validation_error" } });
  });
});

describe("an attempt's detail", () => {
  it("shows the request sent: the same body bytes and headers, all but the signature's value", async () => {
    const received = ok.requests[0]!;
    const msgId = String(received.headers["webhook-id"]);
    const [attempt] = (
      await unwrap(client.GET("/v1/events/{id}/attempts", { params: { path: { id: msgId } } }))
    ).data;
    const detail = await unwrap(
      client.GET("/v1/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}", {
        params: { path: { id: msgId, endpoint_id: okEp.id, attempt_id: attempt!.id } },
      }),
    );
    expect(detail).toMatchObject({ id: attempt!.id, status: "succeeded", status_code: 200 });
    expect(detail.response_body).toBe('{"received":true}');
    expect(detail.request.url).toBe(ok.url);
    expect(detail.request.body).toBe(received.body);
    expect(detail.request.settings_changed_since).toBe(false);
    const { "webhook-signature": signature, ...sent } = detail.request.headers;
    expect(signature).toBe("v1,<not stored>");
    expect(String(received.headers["webhook-signature"])).toMatch(/^v1,/);
    for (const [name, value] of Object.entries(sent))
      expect([name, received.headers[name]]).toEqual([name, value]);
    const transport = new Set(["host", "content-length", "connection", "webhook-signature"]);
    expect(
      Object.keys(received.headers)
        .filter((h) => !transport.has(h))
        .sort(),
    ).toEqual(Object.keys(sent).sort());
  });

  it("is a 404 for an attempt of another endpoint or an unknown id", async () => {
    const msgId = published[0]!.id;
    const [attempt] = (
      await unwrap(client.GET("/v1/events/{id}/attempts", { params: { path: { id: msgId } } }))
    ).data;
    const other = await client.GET("/v1/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}", {
      params: { path: { id: msgId, endpoint_id: brokenEp.id, attempt_id: attempt!.id } },
    });
    expect(other.response.status).toBe(404);
    const unknown = await client.GET("/v1/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}", {
      params: { path: { id: msgId, endpoint_id: okEp.id, attempt_id: "att_nope" } },
    });
    expect(unknown.response.status).toBe(404);
  });
});

describe("endpoint health over 24 h and 7 days", () => {
  const stats = (id: string, window: "24h" | "7d") =>
    unwrap(client.GET("/v1/webhook-endpoints/{id}/stats", { params: { path: { id }, query: { window } } }));

  it("aggregates attempts per bucket on the server", async () => {
    const day = await stats(okEp.id, "24h");
    expect(day).toMatchObject({
      window: "24h",
      bucket_seconds: 3600,
      attempts: 2,
      succeeded: 2,
      failed: 0,
      success_rate: 1,
      truncated: false,
    });
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets.at(-1)!.attempts + day.buckets.at(-2)!.attempts).toBe(2);
    expect(day.mean_latency_ms).toBeGreaterThanOrEqual(0);

    const week = await stats(brokenEp.id, "7d");
    expect(week).toMatchObject({
      window: "7d",
      bucket_seconds: 86400,
      attempts: 1,
      failed: 1,
      success_rate: 0,
    });
    expect(week.buckets).toHaveLength(7);
    const bad = await client.GET("/v1/webhook-endpoints/{id}/stats", {
      params: { path: { id: okEp.id }, query: { window: "1y" as "24h" } },
    });
    expect(bad.response.status).toBe(400);
  });

  it("is open to a view-only portal session, within its agent scope", async () => {
    const session = await unwrap(
      client.POST("/v1/portal-sessions", { body: { capabilities: ["view"], agent_id: "agent_x" } }),
    );
    const asSession = createClient({ url: stack.url, apiKey: session.token });
    const write = await asSession.POST("/v1/webhook-endpoints", { body: { url: ok.url } });
    expect(write.response.status).toBe(403); // view only: no writes
    // Another agent's (here: the org-wide) endpoint is not visible to an agent-scoped session.
    const hidden = await asSession.GET("/v1/webhook-endpoints/{id}/stats", {
      params: { path: { id: okEp.id }, query: { window: "24h" } },
    });
    expect(hidden.response.status).toBe(404);
    const all = createClient({
      url: stack.url,
      apiKey: (await unwrap(client.POST("/v1/portal-sessions", { body: { capabilities: ["view"] } }))).token,
    });
    const seen = await all.GET("/v1/webhook-endpoints/{id}/stats", {
      params: { path: { id: okEp.id }, query: { window: "24h" } },
    });
    expect(seen.response.status).toBe(200);
  });
});
