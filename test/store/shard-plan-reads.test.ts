/**
 * On DynamoDB Local: the writes of a cold batch that miss one organization's shard plan
 * together read it once (core/lib/loads.ts), not once each before the first read answers; a
 * read that fails is not kept, and the next miss reads again.
 */
import { beforeAll, expect, it } from "vitest";
import { plansOf, shardPlanOf } from "../../core/store/shard-plans.js";
import { interpose } from "../support/faults.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
});

it("ten concurrent misses of one plan make one GetItem", { timeout: 60_000 }, async () => {
  const org = uniqueOrg();
  const reads: string[] = [];
  const spy = interpose(stack.deps.db.doc, ({ command, input }) => {
    if (command === "GetItemCommand" && JSON.stringify(input.Key).includes(org)) reads.push(command);
    return undefined;
  });
  try {
    const plans = await Promise.all(Array.from({ length: 10 }, () => shardPlanOf(stack.deps.db, org)));
    expect(new Set(plans.map((p) => JSON.stringify(p))).size).toBe(1);
    await plansOf(stack.deps.db, [org, org]);
  } finally {
    spy.restore();
  }
  expect(reads).toHaveLength(1);
});

it("a failed read is not kept: its waiters get the error, the next miss reads again", {
  timeout: 60_000,
}, async () => {
  const org = uniqueOrg();
  let reads = 0;
  let fail = true;
  const spy = interpose(stack.deps.db.doc, ({ command, input }) => {
    if (command !== "GetItemCommand" || !JSON.stringify(input.Key).includes(org)) return undefined;
    reads++;
    if (fail) throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
    return undefined;
  });
  try {
    const first = await Promise.allSettled([
      shardPlanOf(stack.deps.db, org),
      shardPlanOf(stack.deps.db, org),
    ]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await Promise.all([shardPlanOf(stack.deps.db, org), shardPlanOf(stack.deps.db, org)]);
  } finally {
    spy.restore();
  }
  expect(reads).toBe(2);
});
