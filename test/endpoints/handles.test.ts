/**
 * Endpoint handles (core/endpoints/handles.ts, docs/seeds.md) against DynamoDB Local: the
 * integer `number`, `uuid` and `org_number` the API profiles answer with are given once, in
 * creation order, and reading them again allocates nothing (no counter work on read paths).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { listWithHandles, requireByHandle } from "../../core/endpoints/index.js";
import type { EndpointHandleStore } from "../../core/store/endpoint-handles.js";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

/** The stack's deps with the handle store's calls counted. */
function counted() {
  const calls = { nextNumber: 0, orgNumber: 0, assign: 0 };
  const store = stack.deps.endpointHandleStore;
  const endpointHandleStore: EndpointHandleStore = {
    nextNumber: (org) => {
      calls.nextNumber++;
      return store.nextNumber(org);
    },
    orgNumber: (org) => {
      calls.orgNumber++;
      return store.orgNumber(org);
    },
    assign: (org, id, handles) => {
      calls.assign++;
      return store.assign(org, id, handles);
    },
  };
  return { calls, deps: { ...stack.deps, endpointHandleStore } };
}

describe("endpoint handles", () => {
  it("are given once, in creation order, with the organization's number read once per list", async () => {
    const org = await createTestOrg(stack);
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      const res = await org.request("POST", "/v1/webhook-endpoints", { url: `https://example.com/${i}` });
      ids.push(res.body.id);
    }
    const first = counted();
    const listed = await listWithHandles(first.deps, org.orgId);
    expect(listed.map((e) => [e.id, e.number])).toEqual(ids.map((id, i) => [id, i + 1]));
    expect(new Set(listed.map((e) => e.org_number)).size).toBe(1);
    expect(first.calls).toEqual({ nextNumber: 3, orgNumber: 1, assign: 3 });

    // Reading them again, by list or by handle, allocates nothing.
    const again = counted();
    expect(await listWithHandles(again.deps, org.orgId)).toEqual(listed);
    const second = listed[1]!;
    expect((await requireByHandle(again.deps, org.orgId, { number: 2 })).id).toBe(second.id);
    expect((await requireByHandle(again.deps, org.orgId, { uuid: second.uuid.toUpperCase() })).id).toBe(
      second.id,
    );
    expect(again.calls).toEqual({ nextNumber: 0, orgNumber: 0, assign: 0 });
  });
});
