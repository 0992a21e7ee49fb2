/**
 * The endpoint directory (core/endpoints/directory.ts): the endpoint lists and the
 * organization's tombstone are cached apart, so the delivery path (`cached`, `list`) never
 * reads the organization item; only ingest's `deleted` does, once per TTL.
 */
import { describe, expect, it } from "vitest";
import { endpointDirectory } from "../../core/endpoints/directory.js";
import type { EndpointRecord } from "../../core/model/index.js";

function setup() {
  const reads = { lists: 0, orgs: 0 };
  let t = 0;
  let deletedAt: string | undefined;
  const dir = endpointDirectory(
    {
      listAll: async (org) => {
        reads.lists++;
        return [{ org_id: org, id: "ep_1" } as EndpointRecord];
      },
    },
    {
      get: async () => {
        reads.orgs++;
        return { deleted_at: deletedAt };
      },
    },
    { ttlMs: 5000, now: () => new Date(t) },
  );
  return {
    dir,
    reads,
    advance: (ms: number) => (t += ms),
    markDeleted: () => (deletedAt = "2026-01-01T00:00:00.000Z"),
  };
}

describe("endpoint directory", () => {
  it("reads endpoints without reading the organization item", async () => {
    const { dir, reads, advance } = setup();
    for (let i = 0; i < 10; i++) await dir.cached("org_a", "ep_1");
    await dir.list("org_a");
    advance(5000);
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ id: "ep_1" });
    expect(reads).toEqual({ lists: 2, orgs: 0 });
  });

  it("reads the tombstone when asked, once per TTL, and again after invalidate", async () => {
    const { dir, reads, advance, markDeleted } = setup();
    expect(await dir.deleted("org_a")).toBe(false);
    markDeleted();
    expect(await dir.deleted("org_a")).toBe(false); // cached
    expect(reads.orgs).toBe(1);
    advance(5000);
    expect(await dir.deleted("org_a")).toBe(true);
    dir.invalidate("org_a");
    expect(await dir.deleted("org_a")).toBe(true);
    expect(reads).toEqual({ lists: 0, orgs: 3 });
  });
});
