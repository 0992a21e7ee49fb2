/**
 * The endpoint directory (core/endpoints/directory.ts): delivery's `cached` reads its one
 * endpoint by key and never the organization's list or item; ingest's `list` is kept while the
 * organization's `endpoints_version` stays (read with the tombstone, once per TTL), read again
 * when it moves or after LIST_MAX_AGE_MS (core/endpoints/versioned-list.ts); a cold read is
 * trusted for one TTL, then read again strongly consistent and checked; the tombstone is read
 * when asked, once per TTL.
 */
import { describe, expect, it } from "vitest";
import { endpointDirectory } from "../../core/endpoints/directory.js";
import { LIST_MAX_AGE_MS } from "../../core/endpoints/versioned-list.js";
import type { EndpointRecord } from "../../core/model/index.js";

function setup(ttlMs = 5000) {
  const reads = { lists: 0, consistentLists: 0, gets: 0, orgs: 0 };
  let t = 0;
  let deletedAt: string | undefined;
  let url = "https://a.example";
  let version: number | undefined;
  const dir = endpointDirectory(
    {
      listAll: async (org, opts) => {
        reads.lists++;
        if (opts?.consistent) reads.consistentLists++;
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
        return { deleted_at: deletedAt, endpoints_version: version };
      },
    },
    { ttlMs, now: () => new Date(t) },
  );
  return {
    dir,
    reads,
    advance: (ms: number) => (t += ms),
    setUrl: (u: string) => (url = u),
    bump: () => (version = (version ?? 0) + 1),
    markDeleted: () => (deletedAt = "2026-01-01T00:00:00.000Z"),
  };
}

describe("endpoint directory", () => {
  it("delivery's endpoint reads never read the organization's list or item", async () => {
    const { dir, reads, advance } = setup();
    for (let i = 0; i < 10; i++) await dir.cached("org_a", "ep_1");
    advance(5000);
    expect(await dir.cached("org_a", "ep_1")).toMatchObject({ id: "ep_1" });
    expect(reads).toEqual({ lists: 0, consistentLists: 0, gets: 2, orgs: 0 });
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
    expect(reads.gets).toBe(4);
  });

  it("ingest's list is kept while the version stays: after one checked read, one organization-item read per TTL", async () => {
    const { dir, reads, advance, setUrl } = setup();
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://a.example" }]); // cold: trusted one TTL
    advance(5000);
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://a.example" }]); // checked, consistent
    setUrl("https://changed-without-a-bump.example");
    for (let i = 0; i < 4; i++) {
      advance(5000);
      expect(await dir.list("org_a")).toMatchObject([{ url: "https://a.example" }]);
    }
    expect(reads).toEqual({ lists: 2, consistentLists: 1, gets: 0, orgs: 5 });
  });

  it("ingest reads the list again (strongly consistent) once the version moves, within the TTL", async () => {
    const { dir, reads, advance, setUrl, bump } = setup();
    await dir.list("org_a");
    advance(5000);
    await dir.list("org_a");
    setUrl("https://b.example");
    bump();
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://a.example" }]); // within the TTL
    advance(5000);
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://b.example" }]);
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://b.example" }]);
    expect(reads).toEqual({ lists: 3, consistentLists: 2, gets: 0, orgs: 2 });
  });

  it("ingest reads the list again after LIST_MAX_AGE_MS even when the version stays (a lost bump)", async () => {
    const { dir, reads, advance, setUrl } = setup();
    await dir.list("org_a");
    advance(5000);
    await dir.list("org_a");
    setUrl("https://b.example");
    advance(LIST_MAX_AGE_MS);
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://b.example" }]);
    expect(reads.lists).toBe(3);
  });

  it("with a TTL of 0 the list is read every time and the organization item never (as before versions)", async () => {
    const { dir, reads, setUrl } = setup(0);
    await dir.list("org_a");
    setUrl("https://b.example");
    expect(await dir.list("org_a")).toMatchObject([{ url: "https://b.example" }]);
    expect(reads).toEqual({ lists: 2, consistentLists: 0, gets: 0, orgs: 0 });
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
    expect(reads).toEqual({ lists: 0, consistentLists: 0, gets: 0, orgs: 3 });
  });
});
