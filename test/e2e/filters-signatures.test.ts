/**
 * Payload filters and `v1a` signatures end to end, as `npm start` runs the service: events
 * published over the API, delivered to real receivers on 127.0.0.1.
 */
import { createPublicKey, randomBytes, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { callHttp } from "../support/api.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { sharedEmulators } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: LocalStack;
let key: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, emulators: sharedEmulators() });
  const org = `org_fs${randomBytes(4).toString("hex")}`;
  key = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, { orgId: org, name: "filters e2e", apiKey: key });
});

afterAll(async () => {
  await stack?.stop();
});

const api = (method: string, path: string, body?: unknown) =>
  callHttp(stack.url, key, method, `/v1${path}`, body);

async function publish(data: Record<string, unknown>, type = "chat.message.completed") {
  const res = await api("POST", "/events", { type, data });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe("payload filters", () => {
  let paid: Receiver;
  let big: Receiver;
  afterAll(async () => {
    await paid?.close();
    await big?.close();
  });

  it("two endpoints with different filters each receive exactly their events", async () => {
    paid = await startReceiver();
    big = await startReceiver();
    const a = await api("POST", "/webhook-endpoints", {
      url: paid.url,
      filter: { data: { status: "paid" } },
    });
    const b = await api("POST", "/webhook-endpoints", {
      url: big.url,
      filter: { $or: [{ data: { amount: { $gte: 100 } } }, { data: { tags: "vip" } }] },
    });
    expect([a.status, b.status]).toEqual([201, 201]);

    const events: { data: Record<string, unknown>; to: string[] }[] = [
      { data: { status: "paid", amount: 5 }, to: ["paid"] },
      { data: { status: "paid", amount: 500 }, to: ["paid", "big"] },
      { data: { status: "open", amount: 100 }, to: ["big"] },
      { data: { status: "open", amount: 1, tags: ["eu", "vip"] }, to: ["big"] },
      { data: { status: "open", amount: "1000" }, to: [] },
      { data: { amount: 99 }, to: [] },
    ];
    const ids: string[] = [];
    for (const e of events) ids.push(await publish(e.data));
    const expected = (name: string) => ids.filter((_, i) => events[i]?.to.includes(name)).sort();
    const got = (r: Receiver) => r.requests.map((q) => String(q.headers["webhook-id"])).sort();

    await waitFor(() => paid.requests.length >= 2 && big.requests.length >= 3, { what: "deliveries" });
    // A final event both receive marks the end: anything filtered out would have arrived before it.
    const last = await publish({ status: "paid", amount: 1000 });
    await waitFor(() => got(paid).includes(last) && got(big).includes(last), { what: "the last event" });
    expect(got(paid)).toEqual([...expected("paid"), last].sort());
    expect(got(big)).toEqual([...expected("big"), last].sort());

    // Filtered-out events are counted on the endpoint (written behind: within ~5 s, core/filters/counts.ts)
    // and never stored as deliveries.
    const counts = async () =>
      (await Promise.all([a, b].map((e) => api("GET", `/webhook-endpoints/${e.body.id}`)))).map(
        (r) => r.body.filtered_count,
      );
    await waitFor(async () => (await counts()).join() === "4,3", { what: "the filtered counts" });
    expect(await counts()).toEqual([4, 3]);
    const unmatched = await api("GET", `/events/${ids[5]}`);
    expect(unmatched.body.deliveries ?? []).toEqual([]);

    // The test route agrees with what was delivered, on the recent events.
    const tried = await api("POST", `/webhook-endpoints/${b.body.id}/filter/test`, { recent: 7 });
    expect(tried.status).toBe(200);
    const matching = tried.body.results
      .filter((r: { matches: boolean }) => r.matches)
      .map((r: { event_id: string }) => r.event_id);
    expect(matching.sort()).toEqual([...expected("big"), last].sort());
  });
});

/** Verifies every `v1a` signature of a request with the keys of a JWK Set; returns the kids that verify. */
function verifyingKids(
  req: { headers: Record<string, string | string[] | undefined>; body: string },
  jwks: { keys: { kid: string; kty: string; crv: string; x: string }[] },
): string[] {
  const signed = Buffer.from(`${req.headers["webhook-id"]}.${req.headers["webhook-timestamp"]}.${req.body}`);
  const signatures = String(req.headers["webhook-signature"])
    .split(" ")
    .filter((s) => s.startsWith("v1a,"))
    .map((s) => Buffer.from(s.slice(4), "base64"));
  return jwks.keys
    .filter((jwk) =>
      signatures.some((sig) => verify(null, signed, createPublicKey({ key: jwk, format: "jwk" }), sig)),
    )
    .map((jwk) => jwk.kid);
}

describe("v1a signatures", () => {
  let receiver: Receiver;
  afterAll(async () => {
    await receiver?.close();
  });

  it("verifies with node:crypto and the JWKS key, also across a rotation", async () => {
    receiver = await startReceiver();
    const created = await api("POST", "/webhook-endpoints", {
      url: receiver.url,
      signing_version: "v1a",
      event_types: ["voice.call.ended"],
    });
    expect(created.status).toBe(201);
    const ep = created.body;
    expect(ep.secret).toBeUndefined();
    expect(ep.public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(ep.jwks_url).toBe(`${stack.url}/jwks/${encodeURIComponent(ep.jwks_url.split("/")[4])}/${ep.id}`);

    // The JWKS is public: no API key.
    const jwksRes = await fetch(ep.jwks_url);
    expect(jwksRes.status).toBe(200);
    const jwks = (await jwksRes.json()) as Parameters<typeof verifyingKids>[1];
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", use: "sig", alg: "EdDSA" });
    expect(
      Buffer.from(jwks.keys[0]?.x ?? "", "base64url").equals(Buffer.from(ep.public_key.slice(5), "base64")),
    ).toBe(true);

    const first = await publish({ call_id: "c1" }, "voice.call.ended");
    const r1 = await waitFor(() => receiver.requests.find((r) => r.headers["webhook-id"] === first), {
      what: "v1a delivery",
    });
    expect(String(r1.headers["webhook-signature"])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifyingKids(r1, jwks)).toEqual([jwks.keys[0]?.kid]);

    // Rotation: a new key; during the grace period both sign and the JWKS lists both.
    const rotated = await api("POST", `/webhook-endpoints/${ep.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toBeUndefined();
    expect(rotated.body.public_key).not.toBe(ep.public_key);
    const jwks2 = (await (await fetch(ep.jwks_url)).json()) as typeof jwks;
    expect(jwks2.keys.map((k) => k.kid)).toHaveLength(2);
    expect(jwks2.keys[1]?.kid).toBe(jwks.keys[0]?.kid);

    const second = await publish({ call_id: "c2" }, "voice.call.ended");
    const r2 = await waitFor(() => receiver.requests.find((r) => r.headers["webhook-id"] === second), {
      what: "delivery after rotation",
    });
    expect(String(r2.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifyingKids(r2, jwks2).sort()).toEqual(jwks2.keys.map((k) => k.kid).sort());
    // A receiver that only trusts the new key verifies too; a tampered body verifies with none.
    expect(verifyingKids(r2, { keys: [jwks2.keys[0]!] })).toHaveLength(1);
    expect(verifyingKids({ ...r2, body: r2.body.replace("c2", "c3") }, jwks2)).toEqual([]);
  });

  it("switching v1 -> v1a by rotation sends both a v1 and a v1a signature during the grace period", async () => {
    const r = await startReceiver();
    try {
      const created = await api("POST", "/webhook-endpoints", {
        url: r.url,
        event_types: ["voice.call.ended"],
      });
      expect(created.body.public_key).toBeNull();
      expect(created.body.jwks_url).toBeNull();
      const switched = await api("POST", `/webhook-endpoints/${created.body.id}/rotate-secret`, {
        signing_version: "v1a",
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({
        signing_version: "v1a",
        public_key: expect.stringMatching(/^whpk_/),
      });
      expect(switched.body.secret).toBeUndefined();
      const jwks = (await (await fetch(switched.body.jwks_url)).json()) as Parameters<
        typeof verifyingKids
      >[1];
      expect(jwks.keys).toHaveLength(1);
      const id = await publish({ call_id: "c4" }, "voice.call.ended");
      const got = await waitFor(() => r.requests.find((q) => q.headers["webhook-id"] === id), {
        what: "delivery",
      });
      const kinds = String(got.headers["webhook-signature"])
        .split(" ")
        .map((s) => s.split(",")[0]);
      expect(kinds.sort()).toEqual(["v1", "v1a"]);
      expect(verifyingKids(got, jwks)).toHaveLength(1);
    } finally {
      await r.close();
    }
  });
});
