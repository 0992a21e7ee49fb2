import { beforeAll, expect, it } from "vitest";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import { endpointNow, putEndpoint } from "../support/endpoints.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

it("disables only an endpoint failing since the timer's time", async () => {
  const since = "2025-01-01T00:00:00.000Z";
  const run = createMaintenanceHandler(stack.deps);
  const failing = await putEndpoint(stack.deps, {
    url: "https://example.com",
    status: "failing",
    failing_since: since,
  });
  const newerRun = await putEndpoint(stack.deps, {
    url: "https://example.com",
    status: "failing",
    failing_since: "2025-02-01T00:00:00.000Z",
  });
  const event = (ep: { org_id: string; id: string }) => ({
    kind: "endpoint.auto_disable",
    org_id: ep.org_id,
    endpoint_id: ep.id,
    failing_since: since,
  });
  expect(await run(event(failing))).toEqual({ done: "disabled" });
  expect((await endpointNow(stack.deps, failing))?.status).toBe("disabled");
  expect(await run(event(newerRun))).toEqual({ done: "unchanged" });
  expect((await endpointNow(stack.deps, newerRun))?.status).toBe("failing");
  // A JSON string event (as some invokers pass it) works; a deleted endpoint is not recreated.
  expect(await run(JSON.stringify(event({ org_id: "org_gone", id: "ep_gone" })))).toEqual({
    done: "unchanged",
  });
  expect(await endpointNow(stack.deps, { ...failing, org_id: "org_gone", id: "ep_gone" })).toBeUndefined();
  expect(await run({ kind: "something.else" })).toEqual({ done: "ignored" });
});
