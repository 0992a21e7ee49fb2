import { afterEach, describe, expect, it } from "vitest";
import { sendWebhook } from "../../core/delivery/send.js";
import { RESPONSE_BODY_LIMIT } from "../../core/model/limits.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const base = {
  body: '{"id":"msg_1"}',
  headers: { "content-type": "application/json" },
  timeoutMs: 2000,
  allowPrivateTargets: true,
};

describe("sendWebhook", () => {
  it("posts the body and reports a 2xx as success", async () => {
    const r = await receiver({ fallback: { status: 204 } });
    const out = await sendWebhook({ ...base, url: r.url });
    expect(out).toMatchObject({ ok: true, status: 204, error: null, retryAfterSeconds: null });
    expect(r.requests[0]).toMatchObject({ method: "POST", path: "/webhook", body: base.body });
  });

  it("reuses one connection across sequential requests (keep-alive)", async () => {
    const r = await receiver();
    for (let i = 0; i < 10; i++) expect((await sendWebhook({ ...base, url: r.url })).ok).toBe(true);
    // undici may open a second socket while the first is being released; never one per request.
    expect(r.connections()).toBeLessThanOrEqual(2);
  });

  it("keeps at most 4 KiB of the response body", async () => {
    const r = await receiver({ fallback: { status: 500, body: "x".repeat(20_000) } });
    const out = await sendWebhook({ ...base, url: r.url });
    expect(out).toMatchObject({
      ok: false,
      status: 500,
      failure: { kind: "status", status: 500 },
      error: "HTTP 500",
    });
    expect(out.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
  });

  it("does not follow redirects", async () => {
    const target = await receiver();
    const r = await receiver({ fallback: { redirect: target.url, status: 307 } });
    const out = await sendWebhook({ ...base, url: r.url });
    expect(out).toMatchObject({ ok: false, status: 307, error: "HTTP 307 (redirects are not followed)" });
    expect(target.requests).toHaveLength(0);
  });

  it("enforces the total deadline, also while the body is slow", async () => {
    const r = await receiver({ fallback: { hang: true } });
    const out = await sendWebhook({ ...base, url: r.url, timeoutMs: 300 });
    expect(out).toMatchObject({
      ok: false,
      status: null,
      failure: { kind: "timeout", afterMs: 300 },
      error: "timed out after 300 ms",
    });
    // The receiver never answers: only the deadline ends the attempt, and it closes the connection.
    expect(r.requests).toHaveLength(1);
    await waitFor(() => r.requests[0]!.connectionClosed, { what: "the sender to close the connection" });
  });

  it("reports connection refused and reset", async () => {
    const port = 1; // no listener (a freed random port could be reused concurrently)
    const refused = await sendWebhook({ ...base, url: `http://127.0.0.1:${port}/x` });
    expect(refused.error).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(refused.failure).toEqual({ kind: "connection-refused", host: `127.0.0.1:${port}` });

    const r = await receiver({ fallback: { reset: true } });
    const reset = await sendWebhook({ ...base, url: r.url });
    expect(reset).toMatchObject({ ok: false, status: null, error: "connection reset by the endpoint" });
  });

  it("reads Retry-After on 429 and 503 only", async () => {
    const r = await receiver({
      plan: [
        { status: 429, retryAfter: "7" },
        { status: 503, retryAfter: new Date(Date.now() + 60_000).toUTCString() },
        { status: 500, retryAfter: "7" },
      ],
    });
    expect((await sendWebhook({ ...base, url: r.url })).retryAfterSeconds).toBe(7);
    const date = (await sendWebhook({ ...base, url: r.url })).retryAfterSeconds!;
    expect(date).toBeGreaterThan(50);
    expect(date).toBeLessThanOrEqual(60);
    expect((await sendWebhook({ ...base, url: r.url })).retryAfterSeconds).toBeNull();
  });

  it("refuses private targets when not allowed: literal IPs and resolved names", async () => {
    const r = await receiver();
    const literal = await sendWebhook({ ...base, url: r.url, allowPrivateTargets: false });
    expect(literal.error).toBe("target address 127.0.0.1 is loopback (SSRF guard)");
    const decimal = await sendWebhook({
      ...base,
      url: `http://2130706433:${r.port}/`,
      allowPrivateTargets: false,
    });
    expect(decimal.error).toBe("target address 127.0.0.1 is loopback (SSRF guard)");
    const named = await sendWebhook({
      ...base,
      url: `http://localhost:${r.port}/`,
      allowPrivateTargets: false,
    });
    expect(named.error).toMatch(/^target address (127\.0\.0\.1|::1) is loopback \(SSRF guard\)$/);
    const mapped = await sendWebhook({
      ...base,
      url: `http://[::ffff:127.0.0.1]:${r.port}/`,
      allowPrivateTargets: false,
    });
    expect(mapped.error).toBe("target address ::ffff:7f00:1 is loopback (SSRF guard)");
    expect(r.requests).toHaveLength(0);
  });
});
