/**
 * Erasure by data subject and by event (#28 item 2, docs/data.md) on the whole local stack
 * (API, ingest and delivery pollers, the scheduler running the erasure's task), through the
 * published client and a real receiver on 127.0.0.1. Events of subjects A and B carry marker
 * values (in their payload, and echoed back in the receiver's response body, which the attempt
 * log stores). After erasing A, a scan of the whole DynamoDB Local table finds A's marker
 * nowhere and B's still there; the attempt view, the event and a resend hold nothing of A; a
 * delivery of A that was waiting for its retry ends `erased` and the receiver gets no request.
 */
import { randomBytes } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/index.js";
import type { LocalStack } from "../../local/stack.js";
import { createClient, type HookrelayClient } from "../../packages/client/src/client.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { scanAll } from "../support/table.js";
import { waitFor } from "../support/wait.js";

const MARK_A = `mark-a-${randomBytes(6).toString("hex")}`;
const MARK_B = `mark-b-${randomBytes(6).toString("hex")}`;
const SUBJECT_A = `user-a-${randomBytes(4).toString("hex")}`;
const SUBJECT_B = `user-b-${randomBytes(4).toString("hex")}`;

let stack: LocalStack;
let receiver: Receiver;
let client: HookrelayClient;
let other: HookrelayClient;
let org: string;

async function newOrg(): Promise<{ id: string; client: HookrelayClient }> {
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  const id = `org_era${randomBytes(4).toString("hex")}`;
  await bootstrapOrg(stack.deps, { orgId: id, name: "erasure", apiKey });
  return { id, client: createClient({ url: stack.url, apiKey }) };
}

beforeAll(async () => {
  // The first retry waits 20 s: long enough for the erasure to run while it is pending.
  stack = await startTestLocalStack({ env: { RETRY_SCHEDULE: "20" } });
  // Answers with the body it got (so the attempt log stores the marker), 503 for "pending" events.
  receiver = await startReceiver({
    plan: (req) => ({
      status: req.body.includes('"pending":true') ? 503 : 200,
      body: req.body.slice(0, 2000),
    }),
  });
  ({ id: org, client } = await newOrg());
  ({ client: other } = await newOrg());
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const tableText = async () => JSON.stringify(await scanAll(stack.deps));
const requestsWith = (text: string) => receiver.requests.filter((r) => r.body.includes(text));

async function publish(subject: string, data: Record<string, unknown>): Promise<string> {
  const res = await client.POST("/v1/events", { body: { type: "telephony.complete", subject, data } });
  expect(res.response.status).toBe(202);
  return res.data!.id;
}

async function deliveryStatus(id: string): Promise<string | undefined> {
  const ev = await client.GET("/v1/events/{id}", { params: { path: { id } } });
  return ev.data?.deliveries[0]?.status;
}

describe("erasure", { timeout: 180_000 }, () => {
  it("erases a subject everywhere, leaves the other untouched, stops its pending delivery", async () => {
    const ep = await client.POST("/v1/webhook-endpoints", { body: { url: receiver.url } });
    expect(ep.response.status).toBe(201);
    const a1 = await publish(SUBJECT_A, { marker: MARK_A });
    const b1 = await publish(SUBJECT_B, { marker: MARK_B });
    // A second event of A arrives on the ingest queue, its subject as a message attribute.
    await stack.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.config.queues.ingest,
        MessageBody: JSON.stringify({
          org_id: org,
          type: "telephony.complete",
          data: { marker: MARK_A, pending: true },
        }),
        MessageAttributes: { subject: { DataType: "String", StringValue: SUBJECT_A } },
      }),
    );
    await waitFor(
      async () => (await deliveryStatus(a1)) === "succeeded" && (await deliveryStatus(b1)) === "succeeded",
      { timeoutMs: 60_000 },
    );
    await waitFor(() => requestsWith('"pending":true').length === 1, { timeoutMs: 60_000 });
    const a2 = JSON.parse(requestsWith('"pending":true')[0]!.body).id as string;
    await waitFor(async () => (await deliveryStatus(a2)) === "retrying");
    const before = await tableText();
    expect(before).toContain(MARK_A);
    expect(before).toContain(SUBJECT_A);
    const att = await client.GET("/v1/events/{id}/attempts", { params: { path: { id: a1 }, query: {} } });
    const attemptId = att.data!.data[0]!.id;

    const started = await client.POST("/v1/erasures", { body: { subject: SUBJECT_A } });
    expect(started.response.status).toBe(202);
    const erasureId = started.data!.id;
    expect(started.data).toMatchObject({ kind: "subject", status: "running", task_id: expect.any(String) });
    await waitFor(
      async () => {
        const r = await client.GET("/v1/erasures/{id}", { params: { path: { id: erasureId } } });
        return r.data?.status === "succeeded";
      },
      { timeoutMs: 60_000 },
    );
    const done = await client.GET("/v1/erasures/{id}", { params: { path: { id: erasureId } } });
    expect(done.data).toMatchObject({ erased: 2, responses_erased: 2, finished_at: expect.any(String) });

    // Nowhere in the table: not the payload, not the response body, not the subject itself.
    const after = await tableText();
    expect(after).not.toContain(MARK_A);
    expect(after).not.toContain(SUBJECT_A);
    expect(after).toContain(MARK_B);
    expect(after).toContain(SUBJECT_B);

    // Nothing rebuilt from it: the event, the attempt view, a resend.
    const ev = await client.GET("/v1/events/{id}", { params: { path: { id: a1 } } });
    expect(ev.data).toMatchObject({ payload: "erased", data: null, subject: null });
    const view = await client.GET("/v1/events/{id}/endpoints/{endpoint_id}/attempts/{attempt_id}", {
      params: { path: { id: a1, endpoint_id: ep.data!.id, attempt_id: attemptId } },
    });
    expect(view.data).toMatchObject({ response_body: null, request: { body: null, payload: "erased" } });
    expect(JSON.stringify(view.data)).not.toContain(MARK_A);
    const resend = await client.POST("/v1/events/{id}/endpoints/{endpoint_id}/resend", {
      params: { path: { id: a1, endpoint_id: ep.data!.id } },
    });
    expect(resend.response.status).toBe(409);
    expect((resend.error as { error: { code: string } }).error.code).toBe("event_erased");
    const list = await client.GET("/v1/events", { params: { query: {} } });
    expect(JSON.stringify(list.data)).not.toContain(MARK_A);

    // The pending retry of A ends erased, without a request; B's event is as it was.
    await waitFor(async () => (await deliveryStatus(a2)) === "erased", { timeoutMs: 90_000 });
    expect(requestsWith(a2)).toHaveLength(1);
    const b = await client.GET("/v1/events/{id}", { params: { path: { id: b1 } } });
    expect(b.data).toMatchObject({ payload: "available", data: { marker: MARK_B }, subject: SUBJECT_B });
  });

  it("DELETE /v1/events/{id}/payload erases one event; both erasures are recorded without the data", async () => {
    const b2 = await publish(SUBJECT_B, { marker: `${MARK_B}-2` });
    await waitFor(async () => (await deliveryStatus(b2)) === "succeeded", { timeoutMs: 60_000 });
    // Another organization can neither erase it nor read the records.
    const foreign = await other.DELETE("/v1/events/{id}/payload", { params: { path: { id: b2 } } });
    expect(foreign.response.status).toBe(404);
    const res = await client.DELETE("/v1/events/{id}/payload", { params: { path: { id: b2 } } });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ kind: "event", event_id: b2, erased: 1, status: "succeeded" });
    const again = await client.DELETE("/v1/events/{id}/payload", { params: { path: { id: b2 } } });
    expect(again.data).toMatchObject({ erased: 0 });
    expect(await tableText()).not.toContain(`${MARK_B}-2`);

    const records = await client.GET("/v1/erasures", { params: { query: {} } });
    expect(records.data!.data.map((r) => r.kind)).toEqual(["subject", "event", "event"]);
    for (const r of records.data!.data) expect(r.requested_by).toMatch(/^key_/);
    const text = JSON.stringify(records.data);
    for (const secret of [MARK_A, MARK_B, SUBJECT_A, SUBJECT_B]) expect(text).not.toContain(secret);
    const theirs = await other.GET("/v1/erasures", { params: { query: {} } });
    expect(theirs.data!.data).toEqual([]);
    const peek = await other.GET("/v1/erasures/{id}", {
      params: { path: { id: records.data!.data[0]!.id } },
    });
    expect(peek.response.status).toBe(404);
  });

  it("bad input is a 400 and changes nothing", async () => {
    // The organization's events and erasure records (the scheduler's own items come and go).
    const mine = async () =>
      JSON.stringify(
        (await scanAll(stack.deps)).filter(
          (i) => String(i.pk).startsWith(`MSG#${org}#`) || String(i.sk).startsWith("ERASURE#"),
        ),
      );
    const before = await mine();
    for (const body of [
      {},
      { subject: "" },
      { subject: "a b" },
      { subject: "x".repeat(257) },
      { subject: 1 },
    ]) {
      const res = await client.POST("/v1/erasures", { body: body as { subject: string } });
      expect(res.response.status, JSON.stringify(body)).toBe(400);
    }
    const bad = await client.POST("/v1/events", {
      body: { type: "telephony.complete", subject: "x".repeat(257), data: {} },
    });
    expect(bad.response.status).toBe(400);
    expect(await mine()).toBe(before);
  });
});
