/**
 * Retention (#28 item 1, docs/data.md) on the production handlers with in-memory adapters and
 * a clock the test moves: each event's `expires_at` comes from its type's retention, else its
 * organization's, else the default; once it has passed, a retry, a scheduled retry (a pointer
 * read back from the table), a resend and a recovery all end `expired` without a request, and
 * the event reads with no payload. The in-memory table's TTL sweep (`memory.expire`) removes
 * the item as DynamoDB TTL would, and nothing answers 500 afterwards.
 */
import { describe, expect, it } from "vitest";
import { recoverEndpoint, resendDelivery } from "../../core/delivery/index.js";
import { pointerOf } from "../../core/delivery/pointer.js";
import { createEventType, getEventWithDeliveries } from "../../core/events/index.js";
import type { DeliveryTask } from "../../core/model/index.js";
import { bootstrapOrg, getRetention, setRetention } from "../../core/orgs/index.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { type MemoryStack, memoryStack, MEMORY_START as START } from "../support/memory-stack.js";

const DAY_MS = 86_400_000;

async function orgWithEndpoint(s: MemoryStack, org: string, maxRetries = 10) {
  await bootstrapOrg(s.deps, { orgId: org, name: org });
  return putEndpointRecord(s.deps, {
    org_id: org,
    url: "https://receiver.test/hook",
    max_retries: maxRetries,
  });
}

const idOf = (s: MemoryStack, i = 0) => s.destination.requests[i]!.headers["webhook-id"]!;

describe("retention", () => {
  it("expires_at: the type's retention, else the organization's, else the 30-day default", async () => {
    const s = memoryStack();
    const org = "org_ret1";
    await orgWithEndpoint(s, org);
    await createEventType(s.deps, org, { name: "short.lived", description: "x", retention_days: 2 });
    await s.publish({ org_id: org, type: "telephony.complete", data: { n: 1 } });
    await s.drain();
    await setRetention(s.deps, org, 7);
    await s.publish({ org_id: org, type: "telephony.complete", data: { n: 2 } });
    await s.publish({ org_id: org, type: "short.lived", data: { n: 3 } });
    await s.drain();

    const expiry = async (i: number) =>
      Date.parse((await getEventWithDeliveries(s.deps, org, idOf(s, i))).expires_at!) - START;
    const byN = new Map(s.destination.requests.map((r, i) => [JSON.parse(r.body).data.n, i]));
    expect(await expiry(byN.get(1)!)).toBe(30 * DAY_MS);
    expect(await expiry(byN.get(2)!)).toBe(7 * DAY_MS);
    expect(await expiry(byN.get(3)!)).toBe(2 * DAY_MS);
    // The stored item carries the TTL attribute DynamoDB deletes it by (epoch seconds).
    const item = [...s.db.memory.all()].find((i) => i.sk === idOf(s, byN.get(3)!));
    expect(item?.expires_at).toBe((START + 2 * DAY_MS) / 1000);
    expect(await getRetention(s.deps, org)).toMatchObject({
      days: 7,
      source: "organization",
      default_days: 30,
      event_types: [{ name: "short.lived", retention_days: 2 }],
    });
  });

  it("a retry due after the payload expired ends expired, without a request; the event shows no payload", async () => {
    const s = memoryStack(() => ({ status: 503 }));
    const org = "org_ret2";
    const ep = await orgWithEndpoint(s, org);
    await setRetention(s.deps, org, 1);
    await s.publish({ org_id: org, type: "telephony.complete", data: { secret: "kept-1-day" } });
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);

    s.advance(DAY_MS + 60_000);
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);
    const ev = await getEventWithDeliveries(s.deps, org, idOf(s));
    expect(ev).toMatchObject({ payload: "expired", data: null });
    expect(ev.deliveries).toEqual([expect.objectContaining({ endpoint_id: ep.id, status: "expired" })]);
    await expect(resendDelivery(s.deps, org, idOf(s), ep.id)).rejects.toMatchObject({
      status: 409,
      code: "event_expired",
    });
  });

  it("a scheduled retry (a pointer without body) of an expired event ends expired; after the TTL sweep too", async () => {
    const s = memoryStack(() => ({ status: 500 }));
    const org = "org_ret3";
    const ep = await orgWithEndpoint(s, org);
    await setRetention(s.deps, org, 1);
    await s.publish({ org_id: org, type: "telephony.complete", data: {} });
    await s.drain();
    const msgId = idOf(s);
    const pointer = (base: number) =>
      JSON.stringify({
        ...pointerOf({
          v: 1,
          org_id: org,
          msg_id: msgId,
          endpoint_id: ep.id,
          event_type: "telephony.complete",
          created_at: new Date(START).toISOString(),
          attempt_base: base,
          trigger: "event",
        } satisfies Omit<DeliveryTask, "body">),
      });
    s.advance(DAY_MS + 1000);
    await s.queue.send("delivery", [{ id: "p1", body: pointer(3) }]);
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);
    expect((await getEventWithDeliveries(s.deps, org, msgId)).deliveries[0]!.status).toBe("expired");

    // DynamoDB TTL deletes the item: the pointer finds nothing and still ends without a request.
    expect(s.db.memory.expire(Math.floor(s.deps.now().getTime() / 1000))).toBeGreaterThan(0);
    await s.queue.send("delivery", [{ id: "p2", body: pointer(4) }]);
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);
    await expect(getEventWithDeliveries(s.deps, org, msgId)).rejects.toMatchObject({ status: 404 });
    await expect(resendDelivery(s.deps, org, msgId, ep.id)).rejects.toMatchObject({ status: 404 });
  });

  it("recovery counts a failed delivery whose payload expired, ends it expired and leaves it out of the index", async () => {
    const s = memoryStack(() => ({ status: 500 }));
    const org = "org_ret4";
    const ep = await orgWithEndpoint(s, org, 0);
    await setRetention(s.deps, org, 1);
    await s.publish({ org_id: org, type: "telephony.complete", data: {} });
    await s.drain();
    const msgId = idOf(s);
    expect((await getEventWithDeliveries(s.deps, org, msgId)).deliveries[0]!.status).toBe("failed");

    s.advance(DAY_MS + 1000);
    const since = new Date(START).toISOString();
    expect(await recoverEndpoint(s.deps, org, ep.id, since)).toMatchObject({ count: 0, expired: 1 });
    expect((await getEventWithDeliveries(s.deps, org, msgId)).deliveries[0]!.status).toBe("expired");
    expect(await recoverEndpoint(s.deps, org, ep.id, since)).toMatchObject({ count: 0, expired: 0 });
    await s.drain();
    expect(s.destination.requests).toHaveLength(1);
  });
});
