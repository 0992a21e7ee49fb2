/**
 * `npm start`'s stop (local/stack.ts): what a process holds behind a 5 s spacing, the endpoint
 * health (core/delivery/health-held.ts) and the filter counts (core/filters/counts.ts), is
 * written before DynamoDB stops, not lost with the process. The whole local stack on the
 * shared emulators, its writes on DynamoDB Local.
 */
import { afterEach, expect, it } from "vitest";
import { contextFor } from "../../core/compose.js";
import { applyHealth } from "../../core/delivery/health.js";
import { DELIVERY_PORTS } from "../../core/delivery/index.js";
import type { Part } from "../../core/deps.js";
import { INGEST_PORTS } from "../../core/events/index.js";
import { countFiltered } from "../../core/filters/index.js";
import type { LocalStack } from "../../local/stack.js";
import { putEndpoint } from "../support/endpoints.js";
import { startTestLocalStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/**
 * A stack, an endpoint, and a function's context on the stack's per-process memos (as its
 * handlers have) on a clock that stands still: a second write is within the 5 s spacing
 * however loaded the machine, and only the stop can make it.
 */
async function started<K extends Part>(ports: readonly K[]) {
  stack = await startTestLocalStack();
  const { deps } = stack;
  const at = new Date();
  return { deps, ep: await putEndpoint(deps), at, ctx: { ...contextFor(ports, deps), now: () => at } };
}

async function stop(): Promise<void> {
  await stack?.stop();
  stack = undefined;
}

it("writes the failure counts it holds when it stops", async () => {
  const { deps, ep, at, ctx } = await started(DELIVERY_PORTS);
  const fail = (error: string) => [{ ok: false, at, error }];
  await applyHealth(ctx, ep, fail("HTTP 500")); // written at once
  await applyHealth(ctx, ep, [...fail("HTTP 502"), ...fail("HTTP 503")]); // held: within 5 s
  const count = async () => (await deps.endpointStore.get(ep.org_id, ep.id))?.consecutive_failures;
  expect(await count()).toBe(1);

  await stop();
  // The emulators are shared: the table outlives the stack.
  const after = await deps.endpointStore.get(ep.org_id, ep.id);
  expect(after?.consecutive_failures).toBe(3);
  expect(after?.last_error).toBe("HTTP 503");
});

it("writes the filter counts it holds when it stops", async () => {
  const { deps, ep, ctx } = await started(INGEST_PORTS);
  await countFiltered(ctx, ep.org_id, [ep]); // written at once
  await countFiltered(ctx, ep.org_id, [ep, ep]); // held: within 5 s
  const count = async () => (await deps.endpointStore.get(ep.org_id, ep.id))?.filtered_count;
  expect(await count()).toBe(1);

  await stop();
  expect(await count()).toBe(3);
});
