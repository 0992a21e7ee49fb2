/** Retries longer than a re-send may wait go through the scheduler (own stack: it fires every due entry). */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";
import {
  attemptsOf,
  enqueue,
  fireSchedules,
  type Harness,
  putEndpoint,
  scheduleEntriesWith,
  startHarness,
  taskFor,
  waitForDelivery,
} from "./harness.js";

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
  const t = taskFor(ep);
  await enqueue(h.deps, t);
  const [entry] = await waitFor(async () => {
    const found = await scheduleEntriesWith(h.deps, t.msg_id);
    return found.length > 0 && found;
  });
  expect(entry!.target).toBe("delivery");
  expect(JSON.parse(entry!.body)).toEqual({ ...t, attempt_base: 2 });
  const retrying = await waitForDelivery(h.deps, t, "retrying");
  expect(retrying.attempts).toBe(2);
  expect(Date.parse(retrying.next_attempt_at!) - Date.now()).toBeGreaterThan(1000);
  // The SQS message was acknowledged: nothing comes back until the entry fires.
  await new Promise((res) => setTimeout(res, 2500));
  expect(r.requests).toHaveLength(2);

  expect(await fireSchedules(h.deps, new Date(Date.now() + 10_000))).toBe(1);
  const d = await waitForDelivery(h.deps, t, "succeeded");
  expect(d.attempts).toBe(3);
  expect((await attemptsOf(h.deps, ep)).map((a) => a.attempt)).toEqual([1, 2, 3]);
});
