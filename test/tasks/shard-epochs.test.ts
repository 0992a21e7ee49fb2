/**
 * Raising an organization's shard count (core/store/shard-plan.ts) on the local stack: events
 * created before the raise stay in their 16 shards, later ones spread over 64, and every
 * reader finds both, in order: the event listing page by page across the boundary, lookups by
 * id, the attempt log, the recovery window, a replay task and an erasure.
 */
import { describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { mapLimit } from "../../core/lib/index.js";
import { newId } from "../../core/model/ids.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { keys } from "../../core/store/keys.js";
import { BASE_PLAN, shardOf } from "../../core/store/shard-plan.js";
import { RAISE_LEAD_MS, raiseShards, shardPlanOf } from "../../core/store/shard-plans.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { putMessageOf, rawItem, taskFor } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { awsError, interpose } from "../support/faults.js";
import { publishAndProcess, runBatch } from "../support/ingest.js";
import { receiveWhere } from "../support/queues.js";
import { runTaskToEnd } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();

/** `n` events created from `from` on, 100 ms apart, each with one failed attempt at the endpoint. */
async function failedEvents(deps: Deps, ep: { org_id: string; id: string }, n: number, from: number) {
  const tasks = Array.from({ length: n }, (_, i) =>
    taskFor(ep, { i }, "call.ended", new Date(from + i * 100)),
  );
  await mapLimit(tasks, 8, (t) => putMessageOf(deps, t));
  const at = new Date().toISOString();
  await deps.deliveryStore.write(
    tasks.map((t) => {
      const id = newId("att");
      return {
        id,
        delivery: {
          org_id: t.org_id,
          msg_id: t.msg_id,
          endpoint_id: t.endpoint_id,
          event_type: t.event_type,
          status: "failed" as const,
          attempts: 1,
          last_status_code: 503,
          last_error: "HTTP 503",
          next_attempt_at: null,
          created_at: t.created_at,
          updated_at: at,
        },
        attempt: {
          id,
          org_id: t.org_id,
          msg_id: t.msg_id,
          endpoint_id: t.endpoint_id,
          event_type: t.event_type,
          attempt: 1,
          timestamp: at,
          success: false,
          status_code: 503,
          latency_ms: 5,
          response_body: "down",
          error: "HTTP 503",
          trigger: "event",
        },
      };
    }),
  );
  return tasks;
}

/** Every page of a listing of `limit` items, following next_cursor. */
async function allPages(
  org: TestOrg,
  path: string,
  limit: number,
): Promise<{ id: string; msg_id?: string }[]> {
  const out: { id: string; msg_id?: string }[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await org.request("GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

const shardOfKey = (pk: string) => Number(pk.slice(pk.lastIndexOf("#") + 1));

describe("raising an organization's shard count", { timeout: 240_000 }, () => {
  it("keeps old events where readers look and spreads new ones: listed in order, found by id, replayed, erased", async () => {
    const org = await createTestOrg(h.stack);
    const receiver = await h.receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: receiver.url });
    const raiseAt = Date.now() - 60_000;
    const before = await failedEvents(h.deps, ep, 30, raiseAt - 30_000);

    const plan = await raiseShards(h.deps.db, org.orgId, 64, raiseAt);
    expect(plan).toEqual([...BASE_PLAN, { since: raiseAt, shards: 64 }]);
    // Append-only: the same count, or a time not after the last epoch's, is refused.
    await expect(raiseShards(h.deps.db, org.orgId, 64, raiseAt + 1)).rejects.toThrow(RangeError);
    await expect(raiseShards(h.deps.db, org.orgId, 128, raiseAt)).rejects.toThrow(RangeError);
    const after = await failedEvents(h.deps, ep, 30, raiseAt + 1_000);

    // Stored where the plan says: the events before in their shard of 16, the later ones over 64.
    const stored = await shardPlanOf(h.deps.db, org.orgId);
    const shardsOf = (ts: DeliveryTask[]) =>
      Promise.all(
        ts.map(async (t) => {
          const key = keys.message(org.orgId, t.msg_id, stored);
          expect(await rawItem(h.deps, key)).toBeDefined();
          return shardOfKey(key.pk);
        }),
      );
    expect(await shardsOf(before)).toEqual(before.map((t) => shardOf(BASE_PLAN, t.msg_id)));
    expect(Math.max(...(await shardsOf(after)))).toBeGreaterThanOrEqual(16);

    // The listing, 7 a page: one page straddles the boundary; newest first, none missing or twice.
    const newestFirst = [...before, ...after].map((t) => t.msg_id).reverse();
    expect((await allPages(org, "/v1/events", 7)).map((e) => e.id)).toEqual(newestFirst);
    // By id: the event, its attempts (per event and per endpoint), one attempt.
    for (const t of [before[0]!, before.at(-1)!, after[0]!, after.at(-1)!]) {
      expect((await org.request("GET", `/v1/events/${t.msg_id}`)).status).toBe(200);
      const attempts = await org.request("GET", `/v1/events/${t.msg_id}/attempts`);
      expect(attempts.body.data).toHaveLength(1);
    }
    const byEndpoint = await allPages(org, `/v1/webhook-endpoints/${ep.id}/attempts`, 7);
    expect(byEndpoint.map((a) => a.msg_id)).toEqual(newestFirst);
    // The recovery window (messages targeting the endpoint) and the recovery index.
    const window = { from: new Date(raiseAt - 60_000), to: new Date(), limit: 100 };
    const targeting = await h.deps.messageStore.targeting(org.orgId, ep.id, window);
    expect(targeting.items.map((m) => m.id)).toEqual(newestFirst);
    const index = await h.deps.deliveryStore.recoverable(org.orgId, ep.id, {
      since: new Date(raiseAt - 120_000).toISOString(),
      max: 100,
    });
    expect(index.deliveries.map((d) => d.msg_id).sort()).toEqual([...newestFirst].sort());

    // A replay of the failed deliveries sends every one of them, from both epochs.
    const started = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since: new Date(raiseAt - 120_000).toISOString(),
    });
    expect(started.status).toBe(202);
    const done = await runTaskToEnd(h.deps, org, started.body.task_id);
    expect(done).toMatchObject({ status: "succeeded", total: 60, done: 60 });
    await waitFor(
      () => new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size === 60 || undefined,
      {
        what: "60 replayed events at the receiver",
        timeoutMs: 120_000,
      },
    );

    // Erasing one event of each epoch strips its payload and its stored responses.
    for (const t of [before[3]!, after[3]!]) {
      const erased = await org.request("DELETE", `/v1/events/${t.msg_id}/payload`);
      // Two stored responses: the failed attempt's and the replay's.
      expect(erased.body).toMatchObject({ erased: 1, responses_erased: 2 });
      expect((await org.request("GET", `/v1/events/${t.msg_id}`)).body).toMatchObject({
        data: null,
        payload: "erased",
      });
    }
  });

  it("raises the count by itself after a throttled message write: twice the shards, after the lead, once", async () => {
    const org = await createTestOrg(h.stack);
    await putEndpoint(h.deps, { org_id: org.orgId });
    // A process whose message writes DynamoDB refuses for throughput (after the SDK's retries).
    const throttled = () => {
      const deps = createDeps(h.stack.config);
      interpose(deps.db.doc, (call) =>
        call.command === "PutItemCommand" &&
        String((call.input.Item as { pk?: string })?.pk).startsWith("MSG#")
          ? Promise.reject(awsError("ProvisionedThroughputExceededException"))
          : undefined,
      );
      return deps;
    };
    const body = { org_id: org.orgId, type: "telephony.complete", data: { call_id: "c1" } };
    const startedAt = Date.now();
    const first = await publishAndProcess(h.stack, [body], throttled());
    // The record is deferred (core/events/defer.ts): acknowledged, a delayed copy on the queue.
    expect(first.response.batchItemFailures).toEqual([]);
    const plan = await rawItem(h.deps, keys.shardPlan(org.orgId));
    expect(plan?.epochs).toHaveLength(2);
    const [, epoch] = plan!.epochs as { since: number; shards: number }[];
    expect(epoch!.shards).toBe(32);
    expect(epoch!.since).toBeGreaterThanOrEqual(startedAt + RAISE_LEAD_MS);
    // Another process refused too: the epoch is pending, so no second raise.
    const second = await publishAndProcess(h.stack, [body], throttled());
    expect(second.response.batchItemFailures).toEqual([]);
    expect((await rawItem(h.deps, keys.shardPlan(org.orgId)))?.epochs).toEqual(plan!.epochs);
    // The deferred events are stored when their copies come back, under the count of their
    // ids' time (before the epoch).
    const copies = await receiveWhere(
      h.deps.sqs,
      h.stack.config.queues.ingest,
      (m) => m.Body!.startsWith('{"hookrelay":"deferred"') && m.Body!.includes(org.orgId),
      { count: 2 },
    );
    const retried = await runBatch(h.stack, copies);
    expect(retried.batchItemFailures).toEqual([]);
    const listed = await org.request("GET", "/v1/events");
    expect(listed.body.data).toHaveLength(2);
  });
});
