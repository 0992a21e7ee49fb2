/**
 * The fan-out sweep (issue #23 item 6), on the whole local stack: an HTTP publish that died
 * after storing its event and before enqueuing its tasks, with a producer that never retries,
 * is delivered by the scheduled function's sweep once its grace (STUCK_GRACE_MS) has passed,
 * exactly once, and its status becomes complete; a fan-out still within the grace is left
 * alone. The crash is the one of crashed-publish.test.ts: every SendMessageBatch and
 * UpdateItem of the dying process fails, so no task goes out and nothing is recorded.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { STUCK_GRACE_MS } from "../../core/model/limits.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import type { LocalStack } from "../../local/stack.js";
import { failCalls } from "../support/faults.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let receiver: Receiver;
const org = `org_sweep${randomBytes(4).toString("hex")}`;
const key = `sk_test_${randomBytes(24).toString("base64url")}`;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startTestLocalStack({ env: { ENDPOINT_CACHE_SECONDS: "0" } });
  await bootstrapOrg(stack.deps, { orgId: org, name: "sweep", apiKey: key });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test reads of API bodies
  return { status: res.status, body: (await res.json()) as any };
}

/** An HTTP publish whose process dies between the store and the enqueue, at `at`. */
async function crashedPublish(at: Date, n: number): Promise<string> {
  const dying = createDeps(stack.config, { now: () => at });
  failCalls(dying.sqs, "SendMessageBatchCommand", () => true);
  failCalls(dying.db.doc, "UpdateItemCommand", () => true);
  await expect(ingestEvent(dying, { org_id: org, type: "web.complete", data: { n } })).rejects.toThrow();
  const listed = await api("GET", "/v1/events");
  const event = (listed.body.data as { id: string; data: { n: number } }[]).find((e) => e.data.n === n);
  return event!.id;
}

const received = (msgId: string) => receiver.requests.filter((r) => r.headers["webhook-id"] === msgId);
const fanoutOf = async (msgId: string) => (await api("GET", `/v1/events/${msgId}`)).body.fanout;
const listedFanout = async (msgId: string) =>
  ((await api("GET", "/v1/events")).body.data as { id: string; fanout: string }[]).find((e) => e.id === msgId)
    ?.fanout;

describe("the fan-out sweep", () => {
  it("delivers a crashed publish once past the grace, exactly once, and leaves one within the grace alone", async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: `${receiver.url}/hook` });
    expect(ep.status).toBe(201);
    const t0 = Date.now();
    const old = await crashedPublish(new Date(t0), 1);
    // A fan-out 10 minutes younger: at the sweep it is still within the grace (in progress).
    const young = await crashedPublish(new Date(t0 + 10 * 60_000), 2);
    // The plain listing (no delivery log read) never calls them complete: their markers are open.
    expect(await listedFanout(old)).toBe("in_progress");
    expect(await listedFanout(young)).toBe("in_progress");

    // The scheduled function's sweep, its clock moved past the old one's grace.
    const later = new Date(t0 + STUCK_GRACE_MS + 60_000);
    const maintenance = createMaintenanceHandler(createDeps(stack.config, { now: () => later }));
    expect(await maintenance({ kind: "fanout.sweep" })).toEqual({ done: "swept" });

    await waitFor(() => received(old).length >= 1, { what: "the swept event at the receiver" });
    const one = await waitFor(
      async () => {
        const res = await api("GET", `/v1/events/${old}`);
        return res.body.deliveries[0]?.status === "succeeded" && res.body;
      },
      { what: "the swept delivery succeeded" },
    );
    expect(one).toMatchObject({ fanout: "complete", deliveries: [{ endpoint_id: ep.body.id }] });
    expect(await listedFanout(old)).toBe("complete");

    // A second run finds nothing left to do: no second request.
    expect(await maintenance({ kind: "fanout.sweep" })).toEqual({ done: "swept" });
    expect(received(old)).toHaveLength(1);
    // The young one was not touched: nothing sent, still in progress.
    expect(received(young)).toHaveLength(0);
    expect(await fanoutOf(young)).toBe("in_progress");
    expect(await listedFanout(young)).toBe("in_progress");
  });
});
