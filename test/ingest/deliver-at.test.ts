/**
 * `deliver_at`: the message is stored now and fanned out when the scheduler fires (here the
 * local scheduler: an entry in the table, fired with fireDueSchedules and a moved clock).
 */
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { fanoutCommandBody } from "../../core/events/fanout-command.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { createIngestHandler } from "../../core/events/ingest-handler.js";
import { STUCK_GRACE_MS } from "../../core/model/limits.js";
import { scheduleName } from "../../core/model/schedule.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { fireDueSchedules } from "../../core/scheduler/local.js";
import { putAll } from "../../core/store/batch-write.js";
import { deliveriesOfMessage, deliveryItem } from "../../core/store/deliveries.js";
import { keys } from "../../core/store/keys.js";
import { getMessage } from "../../core/store/messages.js";
import { openFanoutsBefore } from "../../core/store/open-fanouts.js";
import { BASE_PLAN } from "../../core/store/shard-plan.js";
import { putEndpoint } from "../support/endpoints.js";
import { answerLost } from "../support/faults.js";
import { runBatch } from "../support/ingest.js";
import { type QueueCollector, receiveIds, taskCollector } from "../support/queues.js";
import { sqsEvent } from "../support/sqs-event.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
let tasks: QueueCollector<DeliveryTask>;
let clock: Date;
let deps: Deps;

beforeAll(async () => {
  stack = await createTestStack();
  tasks = taskCollector(stack);
  clock = new Date();
  deps = createDeps(stack.config, { now: () => clock });
});

const HOUR = 3_600_000;

async function scheduleEntry(msgId: string) {
  const res = await deps.db.doc.send(
    new GetCommand({ TableName: deps.db.table, Key: keys.schedule(scheduleName("fanout", msgId)) }),
  );
  return res.Item as { target: string; body: string; due_at: string } | undefined;
}

/** Fires what is due at the clock and runs the ingest handler on the resulting queue messages. */
async function fireAndProcess(expected: number) {
  const fired = await fireDueSchedules(deps, clock, async () => {});
  expect(fired).toBe(expected);
  if (fired === 0) return;
  const res = await deps.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: deps.config.queues.ingest,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  const ids = new Set((res.Messages ?? []).map((m) => m.MessageId!));
  const messages = [...(res.Messages ?? [])];
  if (messages.length < expected) {
    messages.push(...(await receiveIds(deps.sqs, deps.config.queues.ingest, ids)));
  }
  const response = await runBatch(stack, messages, deps);
  expect(response.batchItemFailures).toEqual([]);
}

/** The delivery record the engine writes after a successful first attempt of `t`. */
function deliveredRecord(t: DeliveryTask) {
  const now = new Date().toISOString();
  return {
    org_id: t.org_id,
    msg_id: t.msg_id,
    endpoint_id: t.endpoint_id,
    event_type: t.event_type,
    status: "succeeded" as const,
    attempts: 1,
    last_status_code: 200,
    last_error: null,
    next_attempt_at: null,
    created_at: t.created_at,
    updated_at: now,
  };
}

/** A new organization with one endpoint, and an event of `type` for `ahead` ms from the clock. */
async function scheduledEvent(ahead: number, type: string) {
  const org = uniqueOrg();
  await putEndpoint(deps, { org_id: org });
  const at = new Date(clock.getTime() + ahead);
  const res = await ingestEvent(deps, { org_id: org, type, data: {}, deliver_at: at.toISOString() });
  return { org, at, res };
}

describe("deliver_at", () => {
  it("stores the message now and fans out when the schedule fires", async () => {
    const org = uniqueOrg();
    const early = await putEndpoint(deps, { org_id: org });
    const at = new Date(clock.getTime() + 2 * HOUR);
    const res = await ingestEvent(deps, {
      org_id: org,
      type: "telephony.complete",
      data: { later: true },
      deliver_at: at.toISOString(),
    });
    expect(res).toMatchObject({ duplicate: false, scheduled: true });

    const stored = await getMessage(deps.db, org, res.id);
    expect(stored).toMatchObject({ deliver_at: at.toISOString(), fanout_at: null, targets: [], sent: [] });
    const entry = await scheduleEntry(res.id);
    expect(entry).toMatchObject({ target: "ingest", due_at: at.toISOString() });
    expect(JSON.parse(entry!.body)).toEqual({ hookrelay: "fanout", v: 1, org_id: org, msg_id: res.id });
    expect(await tasks.settled(org)).toEqual([]);

    // Endpoints are matched at delivery time: one created meanwhile gets it, one disabled is skipped.
    const late = await putEndpoint(deps, { org_id: org });
    const off = await putEndpoint(deps, { org_id: org, status: "disabled" });
    await fireAndProcess(0);
    clock = new Date(at.getTime() + 1000);
    await fireAndProcess(1);

    const got = await tasks.expect(org, 2);
    expect(got.map((t) => t.endpoint_id).sort()).toEqual([early.id, late.id].sort());
    const after = await getMessage(deps.db, org, res.id);
    expect(after!.fanout_at).not.toBeNull();
    expect(after!.sent.sort()).toEqual([early.id, late.id].sort());
    const dl = await deliveriesOfMessage(deps.db, org, res.id);
    expect(dl.map((d) => [d.endpoint_id, d.status])).toEqual([[off.id, "skipped"]]);
    expect(await scheduleEntry(res.id)).toBeUndefined();

    // The command delivered twice (at-least-once) sends nothing more.
    const handler = createIngestHandler(deps);
    expect(await handler(sqsEvent([{ id: "again", body: fanoutCommandBody(org, res.id) }]))).toEqual({
      batchItemFailures: [],
    });
    expect(await tasks.settled(org)).toHaveLength(2);
  });

  it("re-schedules a fan-out command that arrives early instead of obeying it", async () => {
    const { org, at, res } = await scheduledEvent(5 * HOUR, "web.tool");
    // As if the schedule had fired (entries are deleted after firing).
    await deps.scheduler.cancel(scheduleName("fanout", res.id));
    // Forged (or clock-skewed) command before the time: no tasks; the schedule is there again.
    clock = new Date(at.getTime() - HOUR);
    const handler = createIngestHandler(deps);
    await handler(sqsEvent([{ id: "early", body: fanoutCommandBody(org, res.id) }]));
    expect(await tasks.settled(org)).toEqual([]);
    expect(await scheduleEntry(res.id)).toMatchObject({ due_at: at.toISOString() });
    // A command for a message that does not exist is acknowledged and ignored.
    const unknown = fanoutCommandBody(org, "msg_01J00000000000000000000000");
    expect(await handler(sqsEvent([{ id: "unknown", body: unknown }]))).toEqual({ batchItemFailures: [] });
  });

  it("a deliver_at in the past fans out at once; a duplicate of a scheduled event keeps one schedule", async () => {
    const org = uniqueOrg();
    await putEndpoint(deps, { org_id: org });
    const past = await ingestEvent(deps, {
      org_id: org,
      type: "web.tool",
      data: {},
      deliver_at: new Date(clock.getTime() - 1000).toISOString(),
    });
    expect(past.scheduled).toBe(false);
    await tasks.expect(org, 1);

    const body = {
      org_id: org,
      id: "sched-1",
      type: "web.tool",
      data: {},
      deliver_at: new Date(clock.getTime() + HOUR).toISOString(),
    };
    const first = await ingestEvent(deps, body);
    const second = await ingestEvent(deps, body);
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    expect(await scheduleEntry(first.id)).toBeDefined();
    expect(await tasks.settled(org)).toHaveLength(1);
  });

  it("accepts a producer id again once the 24 h window has passed", async () => {
    const org = uniqueOrg();
    await putEndpoint(deps, { org_id: org });
    const event = { org_id: org, id: "daily-report", type: "web.complete", data: {} };
    const first = await ingestEvent(deps, event);
    // The delivery engine has long recorded its attempt by then.
    const [task] = await tasks.expect(org, 1);
    await putAll(deps.db, [
      deliveryItem(deliveredRecord(task!), BASE_PLAN, Math.floor(Date.now() / 1000) + 3600),
    ]);
    clock = new Date(clock.getTime() + 23 * HOUR);
    expect(await ingestEvent(deps, event)).toMatchObject({ id: first.id, duplicate: true });
    clock = new Date(clock.getTime() + 2 * HOUR);
    const later = await ingestEvent(deps, event);
    expect(later.duplicate).toBe(false);
    expect(later.id).not.toBe(first.id);
    expect(await tasks.expect(org, 2)).toHaveLength(2);
  });

  it("a deliver_at publish that died before its schedule: the sweep schedules it, nothing goes out early, one fan-out when due", async () => {
    const org = uniqueOrg();
    await putEndpoint(deps, { org_id: org });
    const t0 = clock.getTime();
    const publish = (n: number, at: number) =>
      ingestEvent(dying, {
        org_id: org,
        type: "web.tool",
        data: { n },
        deliver_at: new Date(at).toISOString(),
      });
    // The request's process dies after storing the event, before the schedule is made.
    const dying = createDeps(stack.config, {
      now: () => new Date(t0),
      scheduler: { schedule: () => Promise.reject(new Error("process killed")), cancel: async () => {} },
    });
    await expect(publish(1, t0 + 2 * HOUR)).rejects.toThrow("process killed");
    // One due before the sweep runs: delivered by it, late rather than lost.
    await expect(publish(2, t0 + 5 * 60_000)).rejects.toThrow("process killed");
    const later = await idOf(org, 1);
    const soon = await idOf(org, 2);
    expect(await scheduleEntry(later)).toBeUndefined();

    const sweep = createMaintenanceHandler(
      createDeps(stack.config, { now: () => new Date(t0 + STUCK_GRACE_MS + 60_000) }),
    );
    expect(await sweep({ kind: "fanout.sweep" })).toEqual({ done: "swept" });
    const sent = await tasks.expect(org, 1);
    expect(sent.map((t) => t.msg_id)).toEqual([soon]);
    expect(await scheduleEntry(later)).toMatchObject({
      target: "ingest",
      due_at: new Date(t0 + 2 * HOUR).toISOString(),
    });
    expect((await openFanoutsBefore(deps.db, "9999", 1000)).filter((o) => o.org_id === org)).toEqual([]);
    // A second sweep finds nothing to do.
    expect(await sweep({ kind: "fanout.sweep" })).toEqual({ done: "swept" });
    expect(await tasks.settled(org)).toHaveLength(1);

    // The schedule fires when due: one fan-out.
    const entry = await scheduleEntry(later);
    clock = new Date(t0 + 2 * HOUR + 1000);
    const fired = await createIngestHandler(deps)(sqsEvent([{ id: "fired", body: entry!.body }]));
    expect(fired.batchItemFailures).toEqual([]);
    const all = await tasks.expect(org, 2);
    expect(all.map((t) => t.msg_id).sort()).toEqual([later, soon].sort());
  });

  it("a fan-out claim applied whose answer was lost (the SDK's retry refused on it) is the command's own: it sends the tasks at once", async () => {
    const { org, at, res } = await scheduledEvent(2 * HOUR, "telephony.complete");
    clock = new Date(at.getTime() + 1000);
    const lost = answerLost(
      deps.db.doc,
      ({ command, input }) =>
        command === "UpdateItemCommand" && String(input.UpdateExpression).startsWith("SET targets = :t"),
    );
    const handled = await createIngestHandler(deps)(
      sqsEvent([{ id: `due-${res.id}`, body: fanoutCommandBody(org, res.id) }]),
    );
    lost.restore();
    expect(lost.count()).toBe(1);
    expect(handled.batchItemFailures).toEqual([]);
    // Before: refused on its own claim, then on the lease the claim set: a lease check 35 s on, nothing sent.
    const [task] = await tasks.expect(org, 1);
    expect(task).toMatchObject({ msg_id: res.id });
  });
});

/** The id of the organization's event whose data has this `n`. */
async function idOf(org: string, n: number): Promise<string> {
  const page = await deps.messageStore.list(org, { limit: 10 });
  return page.items.find((m) => m.data.n === n)!.id;
}
