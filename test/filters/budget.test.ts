/**
 * The filter budget (issue #23, items 13 and 14): a small filter the API accepts cannot make
 * one event cost more than FILTER_STEPS of evaluation, at fan-out or in a filter test; an
 * endpoint over budget is skipped with a recorded reason; the compiled-filter cache is bounded.
 * Asserts step counts and outcomes, never durations.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileFilter } from "../../core/filters/compile.js";
import { evaluate } from "../../core/filters/evaluate.js";
import { FILTER_CACHE, filterBudget, filterCacheUsage, judgeFilter } from "../../core/filters/filter.js";
import { matchEndpoints } from "../../core/filters/match.js";
import { type EndpointRecord, FILTER_STEPS, MAX_DATA_BYTES } from "../../core/model/index.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

/** The filter: 500 values, ~1 KB, each zero scanning the event's array to its end. */
const BAD = { data: { a: [...Array(499).fill(0), 2] } };
/** A 256 KiB event whose array holds the zero and the two only at its end. */
const ones = Math.floor((MAX_DATA_BYTES - 16) / 2) - 2;
const BIG = { a: [...Array(ones).fill(1), 0, 2] };

const endpoint = (id: string, filter: unknown): EndpointRecord =>
  ({
    org_id: "org_budget",
    id,
    event_types: [],
    agent_id: null,
    status: "active",
    filter: filter === null ? null : JSON.stringify(filter),
  }) as unknown as EndpointRecord;

describe("the filter budget at fan-out", () => {
  it("the issue's filter would take ~65 M steps on a 256 KiB event; evaluation stops at the budget", () => {
    expect(JSON.stringify(BAD).length).toBeLessThan(1100);
    expect(JSON.stringify(BIG).length).toBeLessThanOrEqual(MAX_DATA_BYTES);
    const budget = { steps: 0, limit: FILTER_STEPS.perEvaluation };
    expect(() => evaluate(compileFilter(BAD), { data: BIG }, budget)).toThrow(/budget/);
    expect(budget.steps).toBe(FILTER_STEPS.perEvaluation + 1);
    // What it would have cost: the 499 zeros each walk the whole array.
    expect(499 * ones).toBeGreaterThan(60_000_000);
  });

  it("one event's filters share one budget: the expensive ones are skipped with a reason, the rest delivered", () => {
    const eps = [
      endpoint("ep_cheap", { data: { a: 2 } }),
      endpoint("ep_plain", null),
      ...[1, 2, 3, 4, 5].map((i) => endpoint(`ep_bad${i}`, BAD)),
      endpoint("ep_late", { data: { a: 2 } }),
    ];
    const res = matchEndpoints(eps, { type: "x", agent_id: null, id: "msg_1", created_at: "", data: BIG });
    expect(res.targets.map((e) => e.id)).toEqual(["ep_cheap", "ep_plain"]);
    // Four evaluations spend the event's budget; the fifth and anything filtered after get none.
    expect(res.skipped.map((e) => e.id)).toEqual([
      "ep_bad1",
      "ep_bad2",
      "ep_bad3",
      "ep_bad4",
      "ep_bad5",
      "ep_late",
    ]);
    for (const e of res.skipped) expect(res.skipReasons?.[e.id]).toMatch(/^filter_budget_exceeded/);
    expect(res.filterSteps).toBeGreaterThan(FILTER_STEPS.perEvent * 0.9);
    expect(res.filterSteps).toBeLessThanOrEqual(FILTER_STEPS.perEvent + 10);
  });
});

describe("the compiled-filter cache", () => {
  it("stays within its entry and byte bounds however many distinct filters pass through", () => {
    const big = (i: number) => ({ data: { [`k${i}`]: Array.from({ length: 500 }, (_, j) => `v${j}-${i}`) } });
    for (let i = 0; i < 1500; i++) {
      judgeFilter(
        JSON.stringify(i % 3 === 0 ? big(i) : { data: { n: i } }),
        { data: { n: i } },
        filterBudget(),
      );
      const usage = filterCacheUsage();
      expect(usage.entries).toBeLessThanOrEqual(FILTER_CACHE.maxEntries);
      expect(usage.bytes).toBeLessThanOrEqual(FILTER_CACHE.maxBytes);
    }
    expect(filterCacheUsage().entries).toBeGreaterThan(100);
  });
});

describe("through the API", () => {
  let stack: TestStack;
  let org: TestOrg;
  beforeAll(async () => {
    stack = await createTestStack();
    org = await createTestOrg(stack);
  });

  it("POST …/filter/test: the event size limit, the budget, and candidate filters stay out of the cache", async () => {
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/h" });
    const path = `/v1/webhook-endpoints/${ep.body.id}/filter/test`;
    const huge = await org.request("POST", path, {
      filter: BAD,
      event: { type: "x", data: { a: Array(300_000).fill(1) } },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");

    const over = await org.request("POST", path, { filter: BAD, event: { type: "x", data: BIG } });
    expect(over.status, over.text).toBe(200);
    expect(over.body.results).toEqual([
      { event_id: null, type: "x", subscribed: true, matches: false, budget_exceeded: true },
    ]);

    const before = filterCacheUsage().entries;
    for (let i = 0; i < 20; i++) {
      const res = await org.request("POST", path, {
        filter: { data: { i } },
        event: { type: "x", data: { i } },
      });
      expect(res.body.results[0].matches).toBe(true);
    }
    expect(filterCacheUsage().entries).toBe(before);
  });

  it("at fan-out, an endpoint over budget gets a skipped delivery with the reason, never silence", async () => {
    const bad = await org.request("POST", "/v1/webhook-endpoints", {
      url: "https://example.com/b",
      filter: BAD,
    });
    expect(bad.status, bad.text).toBe(201);
    const published = await org.request("POST", "/v1/events", { type: "webhook.test", data: BIG });
    expect(published.status, published.text).toBe(202);
    const delivery = await waitFor(async () => {
      const ev = await org.request("GET", `/v1/events/${published.body.id}`);
      return ev.body.deliveries?.find((d: { endpoint_id: string }) => d.endpoint_id === bad.body.id);
    });
    expect(delivery).toMatchObject({
      status: "skipped",
      last_error: expect.stringMatching(/^filter_budget_exceeded/),
    });
  });
});
