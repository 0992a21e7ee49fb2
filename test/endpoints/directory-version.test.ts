/**
 * Ingest's endpoint list behind the organization's `endpoints_version` (core/endpoints/directory.ts),
 * on DynamoDB Local: another process (its own caches, its own clock) keeps the list while the
 * version stays, and sees an endpoint created, changed, disabled by the service (a 410) or
 * deleted within one TTL, because each of those writes moves the version (core/store/endpoints.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../core/all-deps.js";
import { createDeps } from "../../core/compose.js";
import { createEndpoint, deleteEndpoint, updateEndpoint } from "../../core/endpoints/service.js";
import { putEndpointRecord } from "../support/endpoints.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack({ ENDPOINT_CACHE_SECONDS: "5" });
});

/** An ingest process apart from the writer: its own directory, on a clock the test moves. */
function ingestProcess(): { deps: Deps; advance: () => void } {
  let clock = Date.now();
  const deps = createDeps(stack.config, { now: () => new Date(clock) });
  return { deps, advance: () => (clock += 5_000) };
}

const statuses = async (deps: Deps, org: string) =>
  (await deps.endpoints.list(org)).map((e) => `${e.id}:${e.status}`);

describe("endpoint directory: ingest's list and the endpoints version", () => {
  it("another process sees a create, a change, a 410 disable and a delete within one TTL", async () => {
    const org = uniqueOrg();
    const ingest = ingestProcess();
    expect(await statuses(ingest.deps, org)).toEqual([]);

    const { endpoint: ep } = await createEndpoint(
      stack.deps,
      org,
      { url: "http://127.0.0.1:9/hook" },
      "test",
    );
    ingest.advance();
    expect(await statuses(ingest.deps, org)).toEqual([`${ep.id}:active`]);

    await updateEndpoint(stack.deps, org, ep.id, { filter: { data: { amount: { $gte: 1 } } } }, "test");
    ingest.advance();
    expect((await ingest.deps.endpoints.list(org))[0]?.filter).toContain("amount");

    await stack.deps.healthStore.disableGone(ep, "410 Gone");
    ingest.advance();
    expect(await statuses(ingest.deps, org)).toEqual([`${ep.id}:disabled`]);

    await deleteEndpoint(stack.deps, org, ep.id);
    ingest.advance();
    expect(await statuses(ingest.deps, org)).toEqual([]);
  });

  it("keeps the list while the version stays: a write that does not move it is not read (the saving)", async () => {
    const org = uniqueOrg();
    const ingest = ingestProcess();
    const { endpoint: ep } = await createEndpoint(
      stack.deps,
      org,
      { url: "http://127.0.0.1:9/hook" },
      "test",
    );
    expect(await statuses(ingest.deps, org)).toEqual([`${ep.id}:active`]); // cold: trusted one TTL
    ingest.advance();
    expect(await statuses(ingest.deps, org)).toEqual([`${ep.id}:active`]); // read again, checked
    // A fixture writes the item directly, without the version: the kept list does not show it.
    await putEndpointRecord(stack.deps, { org_id: org, url: "http://127.0.0.1:9/other" });
    ingest.advance();
    ingest.advance();
    expect(await statuses(ingest.deps, org)).toEqual([`${ep.id}:active`]);
  });
});
