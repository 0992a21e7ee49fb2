/**
 * Pause that buffers (#26 item 3): a paused endpoint gets nothing and counts no failure (it is
 * not failing, its breaker stays closed); what arrives meanwhile is parked in the table (no
 * queue message held in flight), replay and recover refuse it (409 endpoint_paused), and
 * setting it active again delivers every held event once, then new events as usual.
 */
import { describe, expect, it } from "vitest";
import { recoverEndpoint } from "../../core/delivery/recovery.js";
import { updateEndpoint } from "../../core/endpoints/service.js";
import { ingestEvent } from "../../core/events/ingest.js";
import { createTestOrg } from "../support/api.js";
import { deliveryOf, enqueue, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { fireSchedules, useHarness } from "../support/delivery.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();

describe("paused endpoints", () => {
  it("hold what arrives, count no failure, and deliver it all once resumed", async () => {
    const org = await createTestOrg(h.stack);
    const r = await h.receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: r.url });
    const paused = await org.request("PATCH", `/v1/webhook-endpoints/${ep.id}`, { status: "paused" });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe("paused");

    // A task already on the queue, and three events published while paused.
    const queued = taskFor(ep);
    await putMessageOf(h.deps, queued);
    await enqueue(h.deps, queued);
    const published = [];
    for (const n of [1, 2, 3]) {
      published.push(
        await ingestEvent(h.deps, { org_id: ep.org_id, type: "telephony.complete", data: { n } }),
      );
    }
    await waitForDelivery(h.deps, queued, "skipped");
    for (const p of published)
      expect(await deliveryOf(h.deps, { ...queued, msg_id: p.id })).toMatchObject({ status: "skipped" });
    expect(r.requests).toHaveLength(0);
    const held = await endpointNow(h.deps, ep);
    expect(held).toMatchObject({ status: "paused", consecutive_failures: 0, failing_since: null });
    await expect(recoverEndpoint(h.deps, ep.org_id, ep.id, new Date(0).toISOString())).rejects.toMatchObject({
      code: "endpoint_paused",
    });
    const replay = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/replay`, {
      since: "2026-01-01T00:00:00Z",
    });
    expect(replay.status).toBe(409);

    await updateEndpoint(h.deps, ep.org_id, ep.id, { status: "active" });
    expect(await fireSchedules(h.deps, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    const expected = [queued.msg_id, ...published.map((p) => p.id)];
    await waitFor(() => r.requests.length >= 4 || undefined, { what: "the 4 held events" });
    await waitFor(async () => {
      for (const id of expected)
        if ((await deliveryOf(h.deps, { ...queued, msg_id: id }))?.status !== "succeeded") return undefined;
      return true;
    });
    expect(r.requests.map((q) => q.headers["webhook-id"]).sort()).toEqual(expected.sort());
  });
});
