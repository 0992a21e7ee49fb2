/**
 * The fan-out sweep (issue #23 item 6), on the whole local stack: an HTTP publish that died
 * after storing its event and before enqueuing its tasks, with a producer that never retries,
 * is delivered by the scheduled function's sweep once its grace (STUCK_GRACE_MS) has passed,
 * exactly once, and its status becomes complete; a fan-out still within the grace is left
 * alone. The crash is the one of crashed-publish.test.ts: every SendMessageBatch and
 * UpdateItem of the dying process fails, so no task goes out and nothing is recorded.
 *
 * What changed between the crash and the sweep is obeyed: an organization deleted meanwhile
 * gets nothing sent; an endpoint disabled meanwhile gets no request, its delivery is parked and
 * sent once it is enabled again. (A `deliver_at` publish that died before its schedule:
 * test/ingest/deliver-at.test.ts.)
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../../core/compose.js";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { STUCK_GRACE_MS } from "../../core/model/limits.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { deleteOrganization } from "../../core/orgs/delete.js";
import { getMessage } from "../../core/store/messages.js";
import { openFanoutsBefore } from "../../core/store/open-fanouts.js";
import type { LocalStack } from "../../local/stack.js";
import { callHttp } from "../support/api.js";
import { failCalls } from "../support/faults.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startTestLocalStack({ env: { ENDPOINT_CACHE_SECONDS: "0" } });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** A fresh organization with an admin key, and its API calls. */
async function tenant() {
  const org = `org_sweep${randomBytes(4).toString("hex")}`;
  const key = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId: org, name: "sweep", apiKey: key });
  const api = (method: string, path: string, body?: unknown) => callHttp(stack.url, key, method, path, body);
  const listedFanout = async (msgId: string) =>
    ((await api("GET", "/v1/events")).body.data as { id: string; fanout: string }[]).find(
      (e) => e.id === msgId,
    )?.fanout;
  /** An HTTP publish whose process dies between the store and the enqueue, at `at`. */
  const crashedPublish = async (at: Date, n: number): Promise<string> => {
    const dying = createDeps(stack.config, { now: () => at });
    failCalls(dying.sqs, "SendMessageBatchCommand", () => true);
    failCalls(dying.db.doc, "UpdateItemCommand", () => true);
    await expect(ingestEvent(dying, { org_id: org, type: "web.complete", data: { n } })).rejects.toThrow();
    const listed = await api("GET", "/v1/events");
    const event = (listed.body.data as { id: string; data: { n: number } }[]).find((e) => e.data.n === n);
    return event!.id;
  };
  return { org, api, listedFanout, crashedPublish };
}

/** The scheduled function's sweep, its clock `ms` after `t0`. */
const sweepAt = (t0: number, ms: number) =>
  createMaintenanceHandler(createDeps(stack.config, { now: () => new Date(t0 + ms) }))({
    kind: "fanout.sweep",
  });
const PAST_GRACE = STUCK_GRACE_MS + 60_000;
const received = (msgId: string) => receiver.requests.filter((r) => r.headers["webhook-id"] === msgId);
const openMarkers = async (msgId: string) =>
  (await openFanoutsBefore(stack.deps.db, "9999", 1000)).filter((o) => o.msg_id === msgId);

describe("the fan-out sweep", () => {
  it("delivers a crashed publish once past the grace, exactly once, and leaves one within the grace alone", async () => {
    const { api, listedFanout, crashedPublish } = await tenant();
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
    expect(await sweepAt(t0, PAST_GRACE)).toEqual({ done: "swept" });

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
    expect(await sweepAt(t0, PAST_GRACE)).toEqual({ done: "swept" });
    expect(received(old)).toHaveLength(1);
    // The young one was not touched: nothing sent, still in progress.
    expect(received(young)).toHaveLength(0);
    expect((await api("GET", `/v1/events/${young}`)).body.fanout).toBe("in_progress");
    expect(await listedFanout(young)).toBe("in_progress");
  });

  it("sends nothing for an organization deleted after the crash, and closes its marker", async () => {
    const { org, api, crashedPublish } = await tenant();
    expect((await api("POST", "/v1/webhook-endpoints", { url: `${receiver.url}/deleted-org` })).status).toBe(
      201,
    );
    const t0 = Date.now();
    const id = await crashedPublish(new Date(t0), 1);
    await deleteOrganization(stack.deps, org);

    expect(await sweepAt(t0, PAST_GRACE)).toEqual({ done: "swept" });
    // Nothing went to the delivery queue: the message records nothing sent, and its marker is gone.
    expect((await getMessage(stack.deps.db, org, id))?.sent).toEqual([]);
    expect(await openMarkers(id)).toEqual([]);
    expect(received(id)).toHaveLength(0);
  });

  it("parks the delivery of an endpoint disabled after the crash, and sends it once it is enabled again", async () => {
    const { api, crashedPublish } = await tenant();
    const ep = await api("POST", "/v1/webhook-endpoints", { url: `${receiver.url}/disabled` });
    const t0 = Date.now();
    const id = await crashedPublish(new Date(t0), 1);
    expect((await api("PATCH", `/v1/webhook-endpoints/${ep.body.id}`, { status: "disabled" })).status).toBe(
      200,
    );

    expect(await sweepAt(t0, PAST_GRACE)).toEqual({ done: "swept" });
    const status = async () => (await api("GET", `/v1/events/${id}`)).body.deliveries[0]?.status;
    await waitFor(async () => (await status()) === "skipped", { what: "the swept delivery parked" });
    expect(received(id)).toHaveLength(0);

    expect((await api("PATCH", `/v1/webhook-endpoints/${ep.body.id}`, { status: "active" })).status).toBe(
      200,
    );
    await waitFor(async () => (await status()) === "succeeded", {
      what: "the parked delivery sent after the endpoint was enabled",
      timeoutMs: 60_000,
    });
    expect(received(id)).toHaveLength(1);
    expect(await openMarkers(id)).toEqual([]);
  });
});
