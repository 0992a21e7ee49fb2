/** The attempt log and recovery routes, through the real app, with deliveries made by the real engine. */
import { describe, expect, it } from "vitest";
import { createApiKey } from "../../core/auth/api-keys.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { enqueue, putMessageOf, taskFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { putEndpoint, updateEndpointFields } from "../support/endpoints.js";
import type { Receiver } from "../support/receiver.js";
import { runTaskToEnd } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();
const receiver = h.receiver;

/** Starts a recover (202 {task_id}) and runs its task to the end. */
async function recover(org: TestOrg, endpointId: string, since: string) {
  const res = await org.request("POST", `/v1/webhook-endpoints/${endpointId}/recover`, { since });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ task_id: expect.stringMatching(/^task_/), status: "queued" });
  return runTaskToEnd(h.deps, org, res.body.task_id);
}

/** An org with an endpoint (max_retries 0 unless given) and a stored event delivered to it. */
async function deliveredEvent(org: TestOrg, r: Receiver, maxRetries = 0) {
  const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: r.url, max_retries: maxRetries });
  const t = taskFor(ep);
  await putMessageOf(h.deps, t);
  await enqueue(h.deps, t);
  return { ep, t };
}

describe.concurrent("attempt log and recovery API", () => {
  it("lists attempts per endpoint and per event, newest first, filtered and paginated", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver({ plan: [{ status: 500, body: "nope" }, { status: 502 }] });
    const { ep, t } = await deliveredEvent(org, r, 5);
    await waitForDelivery(h.deps, t, "succeeded");

    const all = await org.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([3, 2, 1]);
    expect(all.body.data[2]).toMatchObject({
      msg_id: t.msg_id,
      endpoint_id: ep.id,
      status: "failed",
      status_code: 500,
      response_body: "nope",
      error: "HTTP 500",
      trigger: "event",
    });
    expect(all.body.data[0].org_id).toBeUndefined();
    expect(all.body.next_cursor).toBeNull();

    const failed = await org.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts?status=failed`);
    expect(failed.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([2, 1]);
    const ok = await org.request("GET", `/v1/events/${t.msg_id}/attempts?status=succeeded`);
    expect(ok.body.data).toHaveLength(1);
    expect(ok.body.data[0]).toMatchObject({ attempt: 3, status: "succeeded", status_code: 200 });

    const page1 = await org.request("GET", `/v1/events/${t.msg_id}/attempts?limit=2`);
    expect(page1.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([3, 2]);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await org.request(
      "GET",
      `/v1/events/${t.msg_id}/attempts?limit=2&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([1]);
    expect(page2.body.next_cursor).toBeNull();

    const filteredPage = await org.request(
      "GET",
      `/v1/webhook-endpoints/${ep.id}/attempts?status=failed&limit=1`,
    );
    expect(filteredPage.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([2]);
    const filteredNext = await org.request(
      "GET",
      `/v1/webhook-endpoints/${ep.id}/attempts?status=failed&limit=1&cursor=${filteredPage.body.next_cursor}`,
    );
    expect(filteredNext.body.data.map((a: { attempt: number }) => a.attempt)).toEqual([1]);
  });

  it("answers 404 for another tenant's endpoint and event, 400 for a bad filter or cursor", async () => {
    const owner = await createTestOrg(h.stack);
    const other = await createTestOrg(h.stack, "viewer");
    const r = await receiver();
    const { ep, t } = await deliveredEvent(owner, r);
    await waitForDelivery(h.deps, t, "succeeded");
    expect((await other.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts`)).status).toBe(404);
    expect((await other.request("GET", `/v1/events/${t.msg_id}/attempts`)).status).toBe(404);
    expect((await owner.request("GET", `/v1/events/${t.msg_id}/attempts?status=maybe`)).status).toBe(400);
    // A cursor pointing into another partition is refused.
    const forged = Buffer.from(JSON.stringify({ pk: "ATT#org_x#ep_y", sk: "att_z" })).toString("base64url");
    const res = await owner.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_cursor");
  });

  it("resends one delivery with trigger resend", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver({ plan: [{ status: 500 }] });
    const { ep, t } = await deliveredEvent(org, r);
    await waitForDelivery(h.deps, t, "failed");

    const res = await org.request("POST", `/v1/events/${t.msg_id}/endpoints/${ep.id}/resend`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message_id: t.msg_id, endpoint_id: ep.id, status: "pending" });
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(1);
    const reqs = await r.waitForRequests(2);
    expect(reqs[1]!.body).toBe(t.body);
    expect(reqs[1]!.headers["webhook-id"]).toBe(t.msg_id);
    const attempts = await org.request("GET", `/v1/events/${t.msg_id}/attempts`);
    expect(attempts.body.data[0]).toMatchObject({ trigger: "resend", status: "succeeded", attempt: 1 });

    expect((await org.request("POST", `/v1/events/msg_unknown/endpoints/${ep.id}/resend`)).status).toBe(404);
    // Resend is a write: admin only.
    const { raw } = await createApiKey(h.deps, org.orgId, { name: "member", role: "member", mode: "test" });
    const asMember = await org.request(
      "POST",
      `/v1/events/${t.msg_id}/endpoints/${ep.id}/resend`,
      undefined,
      {
        authorization: `Bearer ${raw}`,
      },
    );
    expect(asMember.status).toBe(403);
  });

  it("recovers every failed delivery of an endpoint since a time", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver({ plan: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: r.url, max_retries: 0 });
    const tasks = [taskFor(ep), taskFor(ep), taskFor(ep)];
    for (const t of tasks) await putMessageOf(h.deps, t);
    await enqueue(h.deps, ...tasks);
    for (const t of tasks) await waitForDelivery(h.deps, t, "failed");

    const future = await recover(org, ep.id, new Date(Date.now() + 60_000).toISOString());
    expect(future).toMatchObject({ kind: "recover", status: "succeeded", total: 0, done: 0, failed: 0 });

    const since = new Date(Date.now() - 60_000).toISOString();
    const task = await recover(org, ep.id, since);
    expect(task).toMatchObject({ kind: "recover", status: "succeeded", total: 3, done: 3, failed: 0 });
    expect(task.params).toMatchObject({ endpoint_id: ep.id, since });
    for (const t of tasks) await waitForDelivery(h.deps, t, "succeeded");
    await r.waitForRequests(6);

    // Recovered deliveries left the recovery index: a second recover finds nothing.
    expect((await recover(org, ep.id, since)).done).toBe(0);
    const recovered = await org.request("GET", `/v1/webhook-endpoints/${ep.id}/attempts?status=succeeded`);
    expect(recovered.body.data.map((a: { trigger: string }) => a.trigger)).toEqual([
      "recover",
      "recover",
      "recover",
    ]);

    expect(
      (await org.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, { since: "yesterday" })).status,
    ).toBe(400);
    expect((await org.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, {})).status).toBe(400);
  });

  it("since = the endpoint's first_failure_at recovers every failed delivery, also of events created before it", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver({ plan: [{ status: 500 }, { status: 500 }] });
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: r.url, max_retries: 0 });
    // Both events exist before the endpoint's first failure (the documented `since`).
    const tasks = [taskFor(ep), taskFor(ep)];
    for (const t of tasks) await putMessageOf(h.deps, t);
    await enqueue(h.deps, ...tasks);
    for (const t of tasks) await waitForDelivery(h.deps, t, "failed");
    const view = await waitFor(async () => {
      const v = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
      return v.first_failure_at ? v : undefined;
    });
    for (const t of tasks) expect(Date.parse(t.created_at)).toBeLessThan(Date.parse(view.first_failure_at));

    const task = await recover(org, ep.id, view.first_failure_at);
    expect(task).toMatchObject({ status: "succeeded", total: 2, done: 2, failed: 0 });
    for (const t of tasks) await waitForDelivery(h.deps, t, "succeeded");
  });

  it("refuses to recover a disabled endpoint (409) and someone else's (404)", async () => {
    const org = await createTestOrg(h.stack);
    const other = await createTestOrg(h.stack);
    const ep = await putEndpoint(h.deps, {
      org_id: org.orgId,
      url: "http://127.0.0.1:1/",
      status: "disabled",
    });
    const since = new Date(0).toISOString();
    const res = await org.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, { since });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("endpoint_disabled");
    expect((await other.request("POST", `/v1/webhook-endpoints/${ep.id}/recover`, { since })).status).toBe(
      404,
    );
  });

  it("shows first_failure_at and dates last_error, which stays as history after a recovery", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver({ plan: [{ status: 500 }] });
    const { ep, t } = await deliveredEvent(org, r);
    await waitForDelivery(h.deps, t, "failed");
    const failing = await waitFor(async () => {
      const view = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
      // first_failure_at is written after last_error (a second update): wait for both.
      return view.last_error_at && view.first_failure_at ? view : undefined;
    });
    expect(failing).toMatchObject({ consecutive_failures: 1, last_error: "HTTP 500" });
    expect(new Date(failing.last_error_at).toISOString()).toBe(failing.last_error_at);
    expect(failing.first_failure_at).toBe(failing.last_error_at);

    const next = taskFor(ep);
    await putMessageOf(h.deps, next);
    await enqueue(h.deps, next);
    await waitForDelivery(h.deps, next, "succeeded");
    const healed = await waitFor(async () => {
      const view = (await org.request("GET", `/v1/webhook-endpoints/${ep.id}`)).body;
      return view.first_failure_at === null ? view : undefined;
    });
    expect(healed).toMatchObject({
      consecutive_failures: 0,
      last_error: "HTTP 500",
      last_error_at: failing.last_error_at,
      last_delivery_at: expect.any(String),
    });
  });

  it("recovers skipped (parked) deliveries too", async () => {
    const org = await createTestOrg(h.stack);
    const r = await receiver();
    const ep = await putEndpoint(h.deps, { org_id: org.orgId, url: r.url, status: "disabled" });
    const t = taskFor(ep);
    await putMessageOf(h.deps, t);
    await enqueue(h.deps, t);
    await waitForDelivery(h.deps, t, "skipped");
    expect(r.requests).toHaveLength(0);

    // Re-enabled (behind the service's back: no resume is scheduled), then recovered.
    await updateEndpointFields(h.deps, ep, { status: "active" });
    const task = await recover(org, ep.id, new Date(Date.now() - 60_000).toISOString());
    expect(task).toMatchObject({ status: "succeeded", done: 1 });
    await waitFor(() => r.requests.length === 1);
    await waitForDelivery(h.deps, t, "succeeded");
  });
});
