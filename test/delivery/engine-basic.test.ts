/**
 * The delivery engine end to end on the emulators: real HTTP receivers on 127.0.0.1, the
 * handler driven by the Lambda SQS event-source emulation, a 1 s retry schedule.
 */
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { describe, expect, it } from "vitest";
import { attemptsOf, enqueueFor, waitForDelivery } from "../support/deliveries.js";
import { useHarness } from "../support/delivery.js";
import { endpointNow, newSecret, putEndpoint } from "../support/endpoints.js";
import { waitFor } from "../support/wait.js";

// Retry-After test: schedule 1 s, 1 s, then 4 s (the longest delay bounds a Retry-After).
const h = useHarness({ RETRY_SCHEDULE: "1,1,1,4" });
const receiver = h.receiver;

function headersOf(req: { headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
}

/** An endpoint mid-rotation: its previous secret signs until `graceMs` from now (negative: over). */
async function rotated(url: string, graceMs: number) {
  const previous = newSecret();
  const ep = await putEndpoint(h.deps, {
    url,
    previous_secret: previous,
    previous_secret_expires_at: new Date(Date.now() + graceMs).toISOString(),
  });
  return { ep, previous };
}

describe.concurrent("delivery engine", () => {
  it("delivers a signed webhook that verifies with standardwebhooks and svix", async () => {
    const r = await receiver();
    const ep = await putEndpoint(h.deps, {
      url: r.url,
      headers: { "X-Team": "blue", "Webhook-Id": "spoofed" },
    });
    const t = await enqueueFor(h.deps, ep, { call_id: "c-1", text: "héllo ✓" });

    const [req] = await r.waitForRequests(1);
    expect(req!.body).toBe(t.body);
    const headers = headersOf(req!);
    expect(headers["webhook-id"]).toBe(t.msg_id);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["user-agent"]).toMatch(/^hookrelay\/\d+\.\d+\.\d+$/);
    expect(headers["x-team"]).toBe("blue");
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    expect(new StandardWebhook(ep.secret).verify(req!.body, headers)).toEqual(JSON.parse(t.body));
    expect(new SvixWebhook(ep.secret).verify(req!.body, headers)).toEqual(JSON.parse(t.body));

    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d).toMatchObject({ attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    const attempts = await attemptsOf(h.deps, ep);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      attempt: 1,
      success: true,
      status_code: 200,
      response_body: '{"ok":true}',
      error: null,
      msg_id: t.msg_id,
      trigger: "event",
    });
    const after = await waitFor(async () => {
      const e = await endpointNow(h.deps, ep);
      return e?.last_delivery_at ? e : undefined;
    });
    expect(after?.consecutive_failures).toBe(0);
  });

  it("retries a 5xx with the same webhook-id until it succeeds", async () => {
    const r = await receiver({ plan: [{ status: 500, body: "boom" }, { status: 503 }] });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);

    const reqs = await r.waitForRequests(3);
    expect(new Set(reqs.map((q) => q.headers["webhook-id"]))).toEqual(new Set([t.msg_id]));
    // Every attempt is signed for its own timestamp and verifies.
    for (const q of reqs) expect(new StandardWebhook(ep.secret).verify(q.body, headersOf(q))).toBeTruthy();
    // The engine held each retry for the schedule's 1 s (±10 %, whole seconds): what SQS was told.
    // Recorded when SQS answers the change, which a loaded machine may deliver after the retry: wait.
    const waits = await waitFor(() => h.spy.waits(t.msg_id).length >= 2 && h.spy.waits(t.msg_id), {
      what: "both visibility changes",
    });
    expect(waits).toHaveLength(2);
    for (const w of waits) expect([1, 2]).toContain(w);

    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(3);
    const attempts = await attemptsOf(h.deps, ep);
    expect(attempts.map((a) => [a.attempt, a.success, a.status_code, a.error])).toEqual([
      [1, false, 500, "HTTP 500"],
      [2, false, 503, "HTTP 503"],
      [3, true, 200, null],
    ]);
    expect(attempts[0]!.response_body).toBe("boom");
    // Health is written alongside the log, not before it: wait for it.
    const after = await waitFor(async () => {
      const e = await endpointNow(h.deps, ep);
      return e?.consecutive_failures === 0 && e;
    });
    expect(after).toMatchObject({ consecutive_failures: 0, first_failure_at: null, status: "active" });
  });

  it("fails an attempt that exceeds the endpoint's timeout, then retries", async () => {
    const r = await receiver({ plan: [{ hang: true }] });
    const ep = await putEndpoint(h.deps, { url: r.url, timeout_ms: 1000 }); // the retry answers at once; 1 s leaves a loaded machine room
    const t = await enqueueFor(h.deps, ep);
    await waitForDelivery(h.deps, t, "succeeded");
    const attempts = await attemptsOf(h.deps, ep);
    expect(attempts[0]).toMatchObject({
      success: false,
      status_code: null,
      error: "timed out after 1000 ms",
    });
    // Only the deadline can end an attempt on a receiver that never answers; it closes the connection.
    await waitFor(() => r.requests[0]!.connectionClosed, { what: "the hung connection closed" });
    expect(attempts[1]).toMatchObject({ success: true, attempt: 2 });
  });

  it("records connection refused", async () => {
    // Port 1 (tcpmux) has no listener here; a freed random port could be reused by a
    // receiver of a concurrent test.
    const port = 1;
    const ep = await putEndpoint(h.deps, { url: `http://127.0.0.1:${port}/hook`, max_retries: 1 });
    const t = await enqueueFor(h.deps, ep);
    const d = await waitForDelivery(h.deps, t, "failed");
    expect(d).toMatchObject({ attempts: 2, last_status_code: null });
    expect(d.last_error).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    const after = await waitFor(async () => {
      const e = await endpointNow(h.deps, ep);
      return e?.consecutive_failures === 2 && e;
    });
    expect(after?.last_error).toContain("ECONNREFUSED");
    expect(after?.first_failure_at).not.toBeNull();
  });

  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const target = await receiver();
    const r = await receiver({ plan: [{ redirect: target.url, status: 302 }] });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    await waitForDelivery(h.deps, t, "succeeded");
    const attempts = await attemptsOf(h.deps, ep);
    expect(attempts[0]).toMatchObject({
      success: false,
      status_code: 302,
      error: "HTTP 302 (redirects are not followed)",
    });
    expect(target.requests).toHaveLength(0);
  });

  it("honours Retry-After on 429 within the schedule's bounds", async () => {
    // 3 s asked (scheduled 1 s): honoured. 600 s asked: capped at the longest delay, 4 s.
    const r = await receiver({
      plan: [
        { status: 429, retryAfter: "3" },
        { status: 503, retryAfter: "600" },
      ],
    });
    const ep = await putEndpoint(h.deps, { url: r.url });
    const t = await enqueueFor(h.deps, ep);
    const d = await waitForDelivery(h.deps, t, "succeeded");
    expect(d.attempts).toBe(3);
    expect(r.requests).toHaveLength(3);
    // What SQS was told to wait: 3 s as asked (over the 1 s scheduled), then 600 s capped at 4 s.
    expect(h.spy.waits(t.msg_id)).toEqual([3, 4]);
  });

  it("signs with both secrets during a rotation's grace period", async () => {
    const r = await receiver();
    const { ep, previous } = await rotated(r.url, 3_600_000);
    const t = await enqueueFor(h.deps, ep);
    const [req] = await r.waitForRequests(1);
    const headers = headersOf(req!);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [ep.secret, previous]) {
      expect(new StandardWebhook(secret).verify(req!.body, headers)).toEqual(JSON.parse(t.body));
      expect(new SvixWebhook(secret).verify(req!.body, headers)).toEqual(JSON.parse(t.body));
    }
  });

  it("signs with the current secret only once the grace period is over", async () => {
    const r = await receiver();
    const { ep, previous } = await rotated(r.url, -1000);
    await enqueueFor(h.deps, ep);
    const [req] = await r.waitForRequests(1);
    const headers = headersOf(req!);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new SvixWebhook(ep.secret).verify(req!.body, headers)).toBeTruthy();
    expect(() => new SvixWebhook(previous).verify(req!.body, headers)).toThrow();
  });
});
