/**
 * The access-denied state write (core/store/endpoint-health.ts enterAccessDenied) on DynamoDB
 * Local, the condition the in-memory table models: true only as the endpoint enters the state
 * (healthy before, or its last failure another kind), so a run of refusals makes one
 * `hookrelay.endpoint.access_denied` (core/delivery/access-denied.ts); false once deleted.
 */
import { describe, expect, it } from "vitest";
import { putEndpoint } from "../support/endpoints.js";
import { createTestStack } from "../support/stack.js";

describe("entering the access-denied state (DynamoDB Local)", () => {
  it("holds once per change of state", async () => {
    const { deps } = await createTestStack();
    const ep = await putEndpoint(deps);
    const denied = {
      lastError: "access denied: hookrelay could not assume the role",
      at: new Date().toISOString(),
    };
    const enter = () => deps.healthStore.enterAccessDenied(ep, denied);
    // Healthy, last_error null: enters.
    expect(await enter()).toBe(true);
    await deps.healthStore.recordFailures(ep, { count: 1, ...denied });
    // Refused again in the same run: already in the state.
    expect(await enter()).toBe(false);
    // Another kind of failure in between: the next refusal is a new change.
    await deps.healthStore.recordFailures(ep, {
      count: 1,
      lastError: "throttled by AWS: slow down",
      at: denied.at,
    });
    expect(await enter()).toBe(true);
    await deps.healthStore.recordFailures(ep, { count: 1, ...denied });
    expect(await enter()).toBe(false);
    // A success resets the run (last_error stays): the next refusal is a new change.
    expect(await deps.healthStore.recordHealthy(ep, denied.at)).toBe(true);
    expect(await enter()).toBe(true);
  }, 60_000);
});
