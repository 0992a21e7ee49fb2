/**
 * The delivery queue as an SQS fair queue (docs/delivery.md, "Isolation"), on the local stack
 * (fauxqs, DynamoDB Local, real receivers): every task message the service sends to a lane,
 * its first send and each retry re-sent with a delay, names its endpoint as `MessageGroupId`,
 * the tenant by which SQS serves quiet endpoints first when one holds a disproportionate share
 * of the messages in flight; the emulator takes the group on a standard queue and the flapping
 * endpoint (every other request a 500) is delivered, never cut off. How SQS orders such a
 * queue is the simulation's (sim/aws/sqs-fair.ts; test/sim/sqs-fair.unit.test.ts) and its
 * effect on the other tenants the `flapping` scenario's (test/sim/isolation.test.ts).
 */
import { describe, expect, it } from "vitest";
import { enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";

// Waits up to a minute are held on the message (visibility) by default; at 0 each retry is
// re-sent with its delay, the path a longer wait takes.
const h = useHarness({ SHORT_WAIT_SECONDS: "0", RETRY_SCHEDULE: "1,1,1" });

describe("the delivery queue's fair-queue tenants", () => {
  it("first sends and re-sent retries carry their endpoint as MessageGroupId; a 50 % endpoint is delivered", async () => {
    const flapping = await h.receiver({ plan: (_req, i) => ({ status: i % 2 === 0 ? 500 : 200 }) });
    const healthy = await h.receiver();
    const flap = await putEndpoint(h.deps, { url: flapping.url });
    const other = await putEndpoint(h.deps, { url: healthy.url });
    const flapTasks = [taskFor(flap), taskFor(flap), taskFor(flap), taskFor(flap)];
    const otherTasks = [taskFor(other), taskFor(other)];
    await enqueue(h.deps, ...flapTasks, ...otherTasks);

    for (const t of [...flapTasks, ...otherTasks]) await waitForDelivery(h.deps, t, "succeeded");
    const queue = h.stack.config.queues.delivery;
    // Each flapping task was sent, then re-sent at least once per failure (and when its trial
    // turned it away, policy/trial.ts), always as its endpoint's.
    const flapGroups = flapTasks.map((t) => h.spy.groups(t.msg_id, queue));
    for (const groups of flapGroups) expect(new Set(groups)).toEqual(new Set([flap.id]));
    const sends = flapGroups.reduce((n, g) => n + g.length, 0);
    const failures = flapping.requests.length - flapTasks.length;
    expect(sends).toBeGreaterThanOrEqual(flapTasks.length + failures);
    expect(failures).toBeGreaterThan(0);
    for (const t of otherTasks) expect(h.spy.groups(t.msg_id, queue)).toEqual([other.id]);
    expect(healthy.requests).toHaveLength(otherTasks.length);
  });
});
