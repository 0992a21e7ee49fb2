/**
 * The endpoint directory (core/endpoints/directory.ts): the endpoint lists and the
 * organization's tombstone are cached apart, so the delivery path (`cached`, `list`) never
 * reads the organization item; only ingest's `deleted` does, once per TTL. Delivery's `cached`
 * reads its one endpoint by key, never the organization's list.
 */
import { describe, expect, it } from "vitest";
import { endpointDirectory } from "../../core/endpoints/directory.js";
import type { EndpointRecord } from "../../core/model/index.js";

function setup() {
  const reads = { lists: 0, gets: 0, orgs: 0 };
  let t = 0;
  let deletedAt: string | undefined;
  let url = "https://a.example";
  const dir = endpointDirectory(
    {
      listAll: async (org) => {
        reads.lists++;
        return [{ org_id: org, id: "ep_1", url } as EndpointRecord];
      },
      get: async (org, id) => {
        reads.gets++;
        return id === "ep_1" ? ({ org_id: org, id, url } as EndpointRecord) : undefined;
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
    setUrl: (u: string) => (url = u),
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
    expect(reads).toEqual({ lists: 1, gets: 2, orgs: 0 });
  });

  it("delivery's endpoint is read by key, once per TTL and again after invalidate; an absent one is undefined", async () => {
    const { dir, reads, advance, setUrl } = setup();
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ url: "https://a.example" });
    setUrl("https://b.example");
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ url: "https://a.example" }); // cached
    advance(5000);
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ url: "https://b.example" });
    setUrl("https://c.example");
    dir.invalidate("org_a");
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ url: "https://c.example" });
    expect(await dir.cached("org_a", "ep_2")).toBeUndefined();
    expect(reads).toEqual({ lists: 0, gets: 4, orgs: 0 });
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
    expect(reads).toEqual({ lists: 0, gets: 0, orgs: 3 });
  });
});
