/** Retries longer than a re-send may wait go through the scheduler (own stack: it fires every due entry). */
import { afterAll, beforeAll, expect, it } from "vitest";
import { pointerOf } from "../../core/delivery/pointer.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { attemptsOf, enqueue, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { fireSchedules, type Harness, scheduleEntriesWith, startHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

let h: Harness;
let r: Receiver;

beforeAll(async () => {
  // Re-sends wait at most 2 s here (SQS: 15 min): the 3 s delay after attempt 2 goes through the scheduler.
  h = await startHarness({ RETRY_SCHEDULE: "1,3,1", SHORT_WAIT_SECONDS: "1" }, { maxDelaySeconds: 2 });
  r = await startReceiver({ plan: [{ status: 500 }, { status: 500 }] });
});
afterAll(async () => {
  await h.stop();
  await r.close();
});

it("hands delays longer than a visibility timeout to the scheduler, keeping the attempt count", async () => {
  const ep = await putEndpoint(h.deps, { url: r.url });
  const t = taskFor(ep, { call_id: "c1", caller: "+15550100" });
  await putMessageOf(h.deps, t);
  await enqueue(h.deps, t);
  const [entry] = await waitFor(async () => {
    const found = await scheduleEntriesWith(h.deps, t.msg_id);
    return found.length > 0 && found;
  });
  expect(entry!.target).toBe("delivery");
  // A pointer: ids only, no payload (no personal data) in the schedule.
  expect(JSON.parse(entry!.body)).toEqual({ ...pointerOf(t), attempt_base: 2 });
  expect(entry!.body).not.toContain("+15550100");
  const retrying = await waitForDelivery(h.deps, t, "retrying");
  expect(retrying.attempts).toBe(2);
  // Stored state: the entry is due when the record says, 3 s (±10 %) after attempt 2 started.
  expect(Date.parse(entry!.dueAt)).toBe(Date.parse(retrying.next_attempt_at!));
  const second = (await attemptsOf(h.deps, ep)).find((a) => a.attempt === 2)!;
  expect(Date.parse(retrying.next_attempt_at!) - Date.parse(second.timestamp)).toBeGreaterThanOrEqual(2700);
  // The SQS message was acknowledged and not re-sent: nothing comes back until the entry fires.
  await waitFor(() => h.spy.gone(t.msg_id, h.deps.config.queues.delivery), { what: "the task acknowledged" });
  expect(r.requests).toHaveLength(2);

  expect(await fireSchedules(h.deps, new Date(Date.now() + 10_000))).toBe(1);
  const d = await waitForDelivery(h.deps, t, "succeeded");
  expect(d.attempts).toBe(3);
  expect((await attemptsOf(h.deps, ep)).map((a) => a.attempt)).toEqual([1, 2, 3]);
  // The body was read back from the stored message: the same JSON as the first attempt's
  // (DynamoDB does not keep the order of a map's keys, so the bytes may differ).
  expect(JSON.parse(r.requests[2]!.body)).toEqual(JSON.parse(r.requests[0]!.body));
  expect(r.requests[2]!.headers["webhook-id"]).toBe(t.msg_id);
});

it("a scheduled retry whose event expired meanwhile ends expired without a request", async () => {
  const gone = await startReceiver();
  try {
    const ep = await putEndpoint(h.deps, { url: gone.url });
    const t = taskFor(ep);
    // The pointer as the scheduler puts it back, of an event no longer stored.
    await enqueue(h.deps, { ...pointerOf(t), attempt_base: 2 } as DeliveryTask);
    const d = await waitForDelivery(h.deps, t, "expired");
    expect(d).toMatchObject({
      attempts: 2,
      last_error: "the event's payload passed its retention before it was sent",
    });
    expect(gone.requests).toHaveLength(0);
  } finally {
    await gone.close();
  }
});
