/**
 * Tracing (#26 item 4) on the local stack: a `traceparent` given at publish (the HTTP header,
 * or the SQS message attribute) is kept with the event and carried to every attempt; an
 * endpoint with `send_traceparent` receives it (same trace id, a new span id per attempt,
 * retries included), one without gets no header; an invalid value is ignored and a new trace
 * started; the ingest and delivery log lines carry the trace id, msg_id, endpoint_id, attempt
 * and the invocation's request id.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeEach, describe, expect, it } from "vitest";
import { parseTraceparent } from "../../core/model/index.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { logLinesOf as linesOf, useLogCapture } from "../support/capture.js";
import { useHarness } from "../support/delivery.js";
import { runBatch } from "../support/ingest.js";
import { receiveIds } from "../support/queues.js";
import type { Receiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const GIVEN = `00-${TRACE}-00f067aa0ba902b7-01`;

let org: TestOrg;
const capture = useLogCapture();

async function endpoint(r: Receiver, sendTraceparent?: boolean): Promise<string> {
  const body = {
    url: r.url,
    ...(sendTraceparent === undefined ? {} : { send_traceparent: sendTraceparent }),
  };
  const res = await org.request("POST", "/v1/webhook-endpoints", body);
  expect(res.status).toBe(201);
  expect(res.body.send_traceparent).toBe(sendTraceparent ?? false);
  return res.body.id as string;
}

async function publish(headers: Record<string, string> = {}): Promise<string> {
  const res = await org.request(
    "POST",
    "/v1/events",
    { type: "telephony.complete", data: { n: 1 } },
    headers,
  );
  expect(res.status).toBe(202);
  return res.body.id as string;
}

/** The JSON log lines captured so far that carry `msg_id`. */
function logLinesOf(msgId: string): Record<string, unknown>[] {
  return linesOf(capture, msgId);
}

describe("tracing", () => {
  // An organization per test: each event goes to that test's endpoints only.
  beforeEach(async () => {
    org = await createTestOrg(h.stack);
  });

  it("carries the publisher's traceparent to an endpoint that asks for it, and none to one that does not", async () => {
    const on = await h.receiver();
    const off = await h.receiver();
    await endpoint(on, true);
    await endpoint(off);
    const id = await publish({ traceparent: GIVEN });
    const [got] = await on.waitForRequests(1, 60_000);
    const [plain] = await off.waitForRequests(1, 60_000);
    expect(got!.headers["webhook-id"]).toBe(id);
    const sent = parseTraceparent(got!.headers.traceparent as string);
    expect(sent).toMatchObject({ traceId: TRACE, flags: "01" });
    // The attempt is a span of its own: not the publisher's.
    expect(sent!.spanId).not.toBe("00f067aa0ba902b7");
    expect(plain!.headers.traceparent).toBeUndefined();
  });

  it("keeps the trace id on a retry, with a new span id per attempt", async () => {
    const r = await h.receiver({ plan: [{ status: 503 }] });
    const ep = await endpoint(r, true);
    const id = await publish({ traceparent: GIVEN });
    const [first, second] = await r.waitForRequests(2, 60_000);
    const spans = [first!, second!].map((q) => parseTraceparent(q.headers.traceparent as string)!);
    expect(spans.map((s) => s.traceId)).toEqual([TRACE, TRACE]);
    expect(spans[0]!.spanId).not.toBe(spans[1]!.spanId);

    // Every delivery line carries the ids; the attempts' lines each their own span and number.
    const lines = await waitFor(() => {
      const d = logLinesOf(id).filter((l) => String(l.message).startsWith("delivery attempt"));
      return d.length >= 2 ? d : undefined;
    });
    for (const l of lines)
      expect(l).toMatchObject({ trace_id: TRACE, msg_id: id, endpoint_id: ep, org_id: org.orgId });
    expect(lines.map((l) => [l.message, l.attempt, l.span_id])).toEqual([
      ["delivery attempt failed", 1, spans[0]!.spanId],
      ["delivery attempt succeeded", 2, spans[1]!.spanId],
    ]);
    for (const l of lines) expect(l.function_request_id).toEqual(expect.any(String));
    const ingest = logLinesOf(id).find((l) => l.message === "event stored");
    expect(ingest).toMatchObject({ trace_id: TRACE, msg_id: id, function_request_id: expect.any(String) });
  });

  it("ignores an invalid traceparent and starts a trace, as the W3C spec says", async () => {
    const r = await h.receiver();
    await endpoint(r, true);
    const id = await publish({ traceparent: `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01` });
    const [got] = await r.waitForRequests(1, 60_000);
    expect(got!.headers["webhook-id"]).toBe(id);
    const sent = parseTraceparent(got!.headers.traceparent as string)!;
    expect(sent.traceId).not.toBe(TRACE);
    expect(sent.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(logLinesOf(id).find((l) => l.message === "event stored")?.trace_id).toBe(sent.traceId);
  });

  it("starts a trace when the publisher gives none", async () => {
    const r = await h.receiver();
    await endpoint(r, true);
    await publish();
    const [got] = await r.waitForRequests(1, 60_000);
    expect(parseTraceparent(got!.headers.traceparent as string)).toMatchObject({ flags: "01" });
  });

  it("takes the traceparent of a message published straight to the ingest queue", async () => {
    const r = await h.receiver();
    await endpoint(r, true);
    const url = h.stack.config.queues.ingest;
    const event = { org_id: org.orgId, type: "telephony.complete", data: { n: 2 } };
    const sent = await h.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(event),
        MessageAttributes: { traceparent: { DataType: "String", StringValue: GIVEN } },
      }),
    );
    const messages = await receiveIds(h.deps.sqs, url, new Set([sent.MessageId!]));
    expect((await runBatch(h.stack, messages)).batchItemFailures).toEqual([]);
    const [got] = await r.waitForRequests(1, 60_000);
    expect(parseTraceparent(got!.headers.traceparent as string)?.traceId).toBe(TRACE);
    const id = String(got!.headers["webhook-id"]);
    expect(logLinesOf(id).find((l) => l.message === "event stored")).toMatchObject({
      trace_id: TRACE,
      sqs_message_id: sent.MessageId,
    });
  });
});
