/**
 * Delivery lifecycles beyond one attempt: exhaustion into the DLQ, endpoints deleted or
 * disabled while retrying, failing → active, auto-disable by the maintenance timer, invalid tasks.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { keys } from "../../core/store/keys.js";
import { BASE_PLAN } from "../../core/store/shard-plan.js";
import { enqueueFor, rawItem, waitForDelivery } from "../support/deliveries.js";
import { scheduleEntriesWith, useHarness } from "../support/delivery.js";
import { deleteEndpointItem, endpointNow, putEndpoint, updateEndpointFields } from "../support/endpoints.js";
import { dlqMessageFor, receiveWhere } from "../support/queues.js";
import { waitFor } from "../support/wait.js";

// failing after 0 h, disabled 0 days later: the whole health cycle runs in seconds.
const h = useHarness({ RETRY_SCHEDULE: "1", FAILING_AFTER_HOURS: "0", DISABLE_AFTER_DAYS: "0" });
const receiver = h.receiver;

describe.concurrent("delivery lifecycle", () => {
  it("dead-letters the task with the reason when retries are exhausted", async () => {
    const r = await receiver({ fallback: { status: 500, body: "down" } });
    const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 1 });
    const t = await enqueueFor(h.deps, ep);

    const d = await waitForDelivery(h.deps, t, "failed");
    expect(d).toMatchObject({
      attempts: 2,
      last_status_code: 500,
      last_error: "HTTP 500",
      next_attempt_at: null,
    });
    expect(r.requests).toHaveLength(2);
    const dead = await dlqMessageFor(h.deps, t);
    expect(JSON.parse(dead.Body!)).toEqual(t);
    expect(dead!.MessageAttributes?.failure_reason?.StringValue).toBe(
      "retries exhausted after 2 attempt(s): HTTP 500",
    );
    expect(dead!.MessageAttributes?.attempts?.StringValue).toBe("2");
    expect(dead!.MessageAttributes?.endpoint_id?.StringValue).toBe(ep.id);
    // A failed delivery is in the sparse recovery index.
    const ref = await h.deps.deliveryStore.recoverableRef(t.org_id, t.msg_id, t.endpoint_id);
    const item = ref && (await rawItem(h.deps, ref.key));
    expect(item?.gsi2pk).toBe(keys.recoverable(t.org_id, ep.id, t.created_at, t.msg_id, BASE_PLAN).gsi2pk);
    // No further attempt can be made: the task's message is deleted from the delivery queue.
    await waitFor(() => h.spy.gone(t.msg_id, h.deps.config.queues.delivery), {
      what: "the task acknowledged",
    });
    expect(r.requests).toHaveLength(2);
  });

  it("max_retries 0 means one attempt", async () => {
    const r = await receiver({ fallback: { status: 400 } });
    const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 0 });
    const t = await enqueueFor(h.deps, ep);
    await waitForDelivery(h.deps, t, "failed");
    expect(r.requests).toHaveLength(1);
    await dlqMessageFor(h.deps, t);
  });

  it("abandons pending retries of a deleted endpoint", async () => {
    const r = await receiver({ fallback: { status: 500 } });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    await r.waitForRequests(1);
    await deleteEndpointItem(h.deps, ep);
    const d = await waitForDelivery(h.deps, t, "abandoned");
    expect(d).toMatchObject({ last_error: "endpoint deleted", attempts: 1 });
    expect(r.requests).toHaveLength(1);
    // The health write must not resurrect the deleted endpoint.
    expect(await endpointNow(h.deps, ep)).toBeUndefined();
  });

  it("parks pending retries of a disabled endpoint (skipped, in its parked index)", async () => {
    const r = await receiver({ fallback: { status: 500 } });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    await r.waitForRequests(1);
    await updateEndpointFields(h.deps, ep, { status: "disabled" });
    const d = await waitForDelivery(h.deps, t, "skipped");
    expect(d).toMatchObject({
      last_error: "endpoint disabled; delivered when it is re-enabled",
      attempts: 1,
    });
    const ref = await h.deps.deliveryStore.recoverableRef(t.org_id, t.msg_id, t.endpoint_id);
    const item = ref && (await rawItem(h.deps, ref.key));
    expect(item?.gsi2pk).toBe(keys.parked(t.org_id, ep.id, t.created_at, t.msg_id, BASE_PLAN).gsi2pk);
    expect((await endpointNow(h.deps, ep))?.status).toBe("disabled");
  });

  it("marks a failing endpoint, and one success returns it to active", async () => {
    const r = await receiver({ plan: [{ status: 502 }] });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    const failing = await waitFor(async () => {
      const e = await endpointNow(h.deps, ep);
      return e?.status === "failing" ? e : undefined;
    });
    expect(failing.failing_since).not.toBeNull();
    expect(failing.first_failure_at).not.toBeNull();
    expect(failing.consecutive_failures).toBeGreaterThanOrEqual(1);
    // The auto-disable timer is scheduled for failing_since + 0 days. It is written just after
    // the status flips to failing, so wait for it rather than read it once.
    const [timer] = await waitFor(async () => {
      const found = await scheduleEntriesWith(h.deps, ep.id);
      return found.length > 0 && found;
    });
    expect(timer).toMatchObject({ target: "maintenance", dueAt: failing.failing_since });

    await waitForDelivery(h.deps, t, "succeeded");
    const healed = await waitFor(async () => {
      const e = await endpointNow(h.deps, ep);
      return e?.status === "active" ? e : undefined;
    });
    expect(healed).toMatchObject({ consecutive_failures: 0, first_failure_at: null, failing_since: null });
    expect(healed.last_delivery_at).not.toBeNull();
  });

  it("auto-disables an endpoint still failing when the maintenance timer fires", async () => {
    const r = await receiver({ fallback: { status: 500 } });
    const ep = await putEndpoint(h.deps, { url: r.url, max_retries: 10 });
    const t = await enqueueFor(h.deps, ep);
    await waitFor(async () => (await endpointNow(h.deps, ep))?.status === "failing");
    // Run this endpoint's timer exactly as the scheduler would (other tests' timers stay).
    const [timer] = await waitFor(async () => {
      const found = await scheduleEntriesWith(h.deps, ep.id);
      return found.length > 0 && found;
    });
    expect(await createMaintenanceHandler(h.deps)(JSON.parse(timer!.body))).toEqual({ done: "disabled" });
    const disabled = await endpointNow(h.deps, ep);
    expect(disabled?.status).toBe("disabled");
    expect(disabled?.last_error).toBe("HTTP 500");
    // The pending retry is parked on its next attempt (resumed if the endpoint is re-enabled).
    const d = await waitForDelivery(h.deps, t, "skipped");
    expect(d.last_error).toBe("endpoint disabled; delivered when it is re-enabled");
  });

  it("leaves a recovered endpoint alone when a stale timer fires", async () => {
    const r = await receiver({ plan: [{ status: 500 }] });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    await waitForDelivery(h.deps, t, "succeeded");
    const [timer] = await waitFor(async () => {
      const found = await scheduleEntriesWith(h.deps, ep.id);
      return found.length > 0 && found;
    });
    await waitFor(async () => (await endpointNow(h.deps, ep))?.status === "active");
    expect(await createMaintenanceHandler(h.deps)(JSON.parse(timer!.body))).toEqual({ done: "unchanged" });
    expect((await endpointNow(h.deps, ep))?.status).toBe("active");
  });

  it("dead-letters an invalid task with the reason", async () => {
    const body = JSON.stringify({ v: 1, org_id: "org_x", note: "missing fields" });
    await h.deps.sqs.send(
      new SendMessageCommand({ QueueUrl: h.deps.config.queues.delivery, MessageBody: body }),
    );
    const [dead] = await receiveWhere(h.deps.sqs, h.deps.config.queues.deliveryDlq, (m) => m.Body === body, {
      visibilitySeconds: 1,
    });
    expect(dead!.MessageAttributes?.failure_reason?.StringValue).toMatch(/^invalid task: .*msg_id/);
  });
});
