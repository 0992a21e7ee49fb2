/**
 * The ordered lane in the simulation (issue #29 item 4, docs/scale.md "ordered"): the production
 * ingest and ordered delivery handlers on the FIFO queue model (sim/aws/sqs-fifo.ts). An ordered
 * endpoint (strict, by key) fails one event of key k0 three times: nothing of k0 behind it
 * arrives first, every event arrives once, and the other keys and tenants are not slowed.
 */
import { describe, expect, it } from "vitest";
import { missed, simulate } from "./cli.js";

interface Ordered {
  requests: number;
  delivered: number;
  out_of_order: number;
  keys: number;
  held_key_max_ms: number;
}

describe("npm run simulate -- --scenario ordered", () => {
  it("keeps publish order per key through a failed head, loses nothing, holds only that key", async () => {
    const r = await simulate("--scenario", "ordered", "--span", "0.1");
    const d = r.details as { ordered: Ordered; baseline_ordered: Ordered };
    expect(missed(r)).toEqual([]);
    // 20 events/s for 120 s, at k = 1: each one delivered once, in order per key.
    expect(d.ordered.delivered).toBe(2400);
    expect(d.ordered.delivered).toBe(d.baseline_ordered.delivered);
    expect(d.ordered.out_of_order).toBe(0);
    expect(d.ordered.keys).toBe(10);
    // The head failed three times (three more requests than events), its key waited out the
    // retries' 5 s + 5 min + 30 min on the head's own message.
    expect(d.ordered.requests).toBe(d.ordered.delivered + 3);
    expect(d.baseline_ordered.requests).toBe(d.baseline_ordered.delivered);
    expect(d.ordered.held_key_max_ms).toBeGreaterThan(30 * 60_000);
    expect(r.lost).toBe(0);
    expect(r.duplicates).toBe(0);
  }, 600_000);
});
