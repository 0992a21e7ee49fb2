/**
 * Deliveries to a disabled endpoint are parked (a `skipped` record in the endpoint's parked
 * index, no queue message) and resume when the endpoint is re-enabled (issue 11): one task
 * already queued when it was disabled, one event published while it was. Re-enabling
 * through the endpoints service schedules the resume; recover afterwards finds nothing
 * left, so the two paths converge without sending anything twice.
 */
import { describe, expect, it } from "vitest";
import { PARKED } from "../../core/delivery/policy/closed.js";
import { recoverEndpoint } from "../../core/delivery/recovery.js";
import { updateEndpoint } from "../../core/endpoints/service.js";
import { ingestEvent } from "../../core/events/ingest.js";
import {
  deliveryOf,
  enqueue,
  putMessageOf,
  rawItem,
  taskFor,
  waitForDelivery,
} from "../support/deliveries.js";
import { fireSchedules, scheduleEntriesWith, useHarness } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();

describe("disabled endpoints", () => {
  it("park deliveries, which resume once when the endpoint is re-enabled", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url });
    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "disabled" });

    // A task already on the queue, and an event published while disabled.
    const queued = taskFor(ep);
    await putMessageOf(h.deps, queued);
    await enqueue(h.deps, queued);
    const published = await ingestEvent(h.deps, {
      org_id: ep.org_id,
      type: "telephony.complete",
      data: { while: "disabled" },
    });
    const later = { ...queued, msg_id: published.id };
    expect(await waitForDelivery(h.deps, queued, "skipped")).toMatchObject({
      attempts: 0,
      last_error: PARKED,
    });
    expect(await deliveryOf(h.deps, later)).toMatchObject({ status: "skipped" });
    for (const t of [queued, later]) {
      const ref = await h.deps.deliveryStore.recoverableRef(t.org_id, t.msg_id, t.endpoint_id);
      const item = await rawItem(h.deps, ref!.key);
      expect(item?.gsi2pk).toMatch(/^PARK#/);
    }
    expect(r.requests).toHaveLength(0);

    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "active" });
    const [entry] = await scheduleEntriesWith(h.deps, ep.id);
    expect(JSON.parse(entry!.body)).toEqual({
      kind: "endpoint.resume",
      org_id: ep.org_id,
      endpoint_id: ep.id,
    });
    expect(await fireSchedules(h.deps, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    for (const t of [queued, later]) await waitForDelivery(h.deps, t, "succeeded");
    await waitFor(() => r.requests.length === 2);
    expect(new Set(r.requests.map((q) => q.headers["webhook-id"]))).toEqual(
      new Set([queued.msg_id, published.id]),
    );

    // Nothing is left parked or recoverable: a recover now, or a second resume, sends nothing.
    expect((await recoverEndpoint(h.deps, ep.org_id, ep.id, new Date(0).toISOString())).count).toBe(0);
    expect((await scheduleEntriesWith(h.deps, ep.id)).length).toBe(0);
    expect(r.requests).toHaveLength(2);
  });

  it("a resume after the endpoint was disabled again does nothing", async () => {
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { url: r.url, status: "disabled" });
    const t = taskFor(ep);
    await putMessageOf(h.deps, t);
    await enqueue(h.deps, t);
    await waitForDelivery(h.deps, t, "skipped");
    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "active" });
    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "disabled" });
    expect(await fireSchedules(h.deps, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await deliveryOf(h.deps, t)).toMatchObject({ status: "skipped" });
    expect(r.requests).toHaveLength(0);
  });
});
