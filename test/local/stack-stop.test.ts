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

it("writes the failure counts it holds when it stops", async () => {
  stack = await startTestLocalStack();
  const { deps } = stack;
  const ep = await putEndpoint(deps);
  // The delivery functions' context: the same per-process memos as the stack's handlers, on a
  // clock that stands still, so the second batch is within the spacing however loaded the
  // machine, and only the stop can write it.
  const at = new Date();
  const delivery = { ...contextFor(DELIVERY_PORTS, deps), now: () => at };
  const fail = (error: string) => [{ ok: false, at, error }];
  await applyHealth(delivery, ep, fail("HTTP 500")); // written at once
  await applyHealth(delivery, ep, [...fail("HTTP 502"), ...fail("HTTP 503")]); // held: within 5 s
  const count = async () => (await deps.endpointStore.get(ep.org_id, ep.id))?.consecutive_failures;
  expect(await count()).toBe(1);

  await stack.stop();
  stack = undefined;
  // The emulators are shared: the table outlives the stack.
  const after = await deps.endpointStore.get(ep.org_id, ep.id);
  expect(after?.consecutive_failures).toBe(3);
  expect(after?.last_error).toBe("HTTP 503");
});

it("writes the filter counts it holds when it stops", async () => {
  stack = await startTestLocalStack();
  const { deps } = stack;
  const ep = await putEndpoint(deps);
  // The ingest function's context: the same per-process counts as the stack's handler, on a
  // clock that stands still (as above).
  const at = new Date();
  const ingest = { ...contextFor(INGEST_PORTS, deps), now: () => at };
  await countFiltered(ingest, ep.org_id, [ep]); // written at once
  await countFiltered(ingest, ep.org_id, [ep, ep]); // held: within 5 s
  const count = async () => (await deps.endpointStore.get(ep.org_id, ep.id))?.filtered_count;
  expect(await count()).toBe(1);

  await stack.stop();
  stack = undefined;
  expect(await count()).toBe(3);
});
