/**
 * The deferral policy of ingest records refused for throughput (core/events/defer.ts): the
 * delays, the bound, and the copy that keeps the event's identity.
 */
import { describe, expect, it } from "vitest";
import { SQS_MAX_MESSAGE_BYTES } from "../../core/config/index.js";
import {
  deferCopy,
  deferDelaySeconds,
  deferredRecord,
  type IngestRecord,
  MAX_DEFERRALS,
} from "../../core/events/defer.js";

const record = (over: Partial<IngestRecord> = {}): IngestRecord => ({
  messageId: "5f1c0b9e-sqs-id",
  sentAt: new Date(1_765_000_000_123),
  // Spaces, key order and a big number: the body must come back byte for byte.
  body: '{ "org_id":"org_hot", "type":"t.x", "data":{"n":12345678901234567890} }',
  deferrals: 0,
  ...over,
});

describe("deferDelaySeconds", () => {
  it("doubles from 5 s to SQS's 15 min, drawn from the upper half", () => {
    const lowest = Array.from({ length: MAX_DEFERRALS }, (_, i) => deferDelaySeconds(i + 1, () => 0));
    const highest = Array.from({ length: MAX_DEFERRALS }, (_, i) => deferDelaySeconds(i + 1, () => 1));
    expect(highest).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900]);
    expect(lowest).toEqual([3, 5, 10, 20, 40, 80, 160, 320, 450, 450, 450, 450]);
  });

  it("covers well over the minutes a raised shard count takes to start", () => {
    let least = 0;
    for (let n = 1; n <= MAX_DEFERRALS; n++) least += deferDelaySeconds(n, () => 0)!;
    // RAISE_LEAD_MS (5 min) plus a second raise after GROW_SETTLE_MS (10 min): 20 min at most.
    expect(least).toBeGreaterThan(40 * 60);
  });

  it("is undefined past MAX_DEFERRALS and for anything but a deferral's number", () => {
    for (const n of [0, -1, 1.5, Number.NaN, MAX_DEFERRALS + 1]) expect(deferDelaySeconds(n)).toBeUndefined();
  });
});

describe("deferCopy and deferredRecord", () => {
  it("the copy carries the event untouched, its first SQS id and send time, and its tenant", () => {
    const r = record({
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      subject: "u1",
    });
    const copy = deferCopy("7", r, "org_hot", () => 1)!;
    expect(copy).toMatchObject({ id: "7", delaySeconds: 5, tenant: "org_hot" });
    expect(copy.body.startsWith('{"hookrelay":"deferred"')).toBe(true);
    expect(deferredRecord(JSON.parse(copy.body))).toEqual({ ...r, deferrals: 1 });
  });

  it("a copy of a copy counts on, and the last one has no copy", () => {
    const again = deferredRecord(
      JSON.parse(deferCopy("0", record({ deferrals: 4 }), "org_hot", () => 0)!.body),
    )!;
    expect(again.deferrals).toBe(5);
    expect(again.messageId).toBe("5f1c0b9e-sqs-id");
    expect(deferCopy("0", record({ deferrals: MAX_DEFERRALS }), "org_hot")).toBeUndefined();
  });

  it("a body SQS took near its 1 MiB whose escaped copy would not fit is sent compact: the same event", () => {
    // Each `\u002f` (6 bytes) is escaped to 7 in the copy: 1,000,000 bytes became 1,166,000,
    // which SQS refuses (1 MiB), so the record failed to the DLQ instead of being deferred.
    const data = { s: "/".repeat(166_000) };
    const body = `{ "org_id": "org_hot", "type": "t.x", "data": {"s": "${"\\u002f".repeat(166_000)}"} }`;
    expect(JSON.parse(body).data).toEqual(data);
    const copy = deferCopy("0", record({ body }), "org_hot")!;
    expect(Buffer.byteLength(copy.body)).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    const again = deferredRecord(JSON.parse(copy.body))!;
    expect(JSON.parse(again.body)).toEqual({ org_id: "org_hot", type: "t.x", data });
    expect(copy.tenant).toBe("org_hot");
    // A body that fits is kept byte for byte.
    const small = deferCopy("0", record(), "org_hot")!;
    expect(deferredRecord(JSON.parse(small.body))?.body).toBe(record().body);
  });

  it("the tenant is the refused write's organization: the body is not read for it", () => {
    const copy = deferCopy("0", record({ body: "[1,2]" }), "org_hot")!;
    expect(copy.tenant).toBe("org_hot");
    expect(deferredRecord(JSON.parse(copy.body))?.body).toBe("[1,2]");
  });

  it("anything else is not a copy: producers' events, fan-out commands, extra or missing fields", () => {
    const good = JSON.parse(deferCopy("0", record(), "org_hot")!.body);
    for (const body of [
      { org_id: "o", type: "t", data: {} },
      { hookrelay: "fanout", v: 1, org_id: "o", msg_id: "msg_01ARZ3NDEKTSV4RRFFQ69G5FAV" },
      { ...good, extra: 1 },
      { ...good, deferrals: 0 },
      { ...good, deferrals: MAX_DEFERRALS + 1 },
      { ...good, body: undefined },
    ])
      expect(deferredRecord(body)).toBeUndefined();
  });
});
