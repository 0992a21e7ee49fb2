/**
 * Secret rotation (issue #23 items 7 and 8), through the API against DynamoDB Local:
 * - every key a rotation retired keeps signing until its own grace ends, however many
 *   rotations came since (up to 3 retired keys; one more rotation is a 409, never a dropped key);
 * - an ed25519 private key (v1a) is never returned, not even once a switch to v1 retired it.
 */
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { requestHeaders } from "../../core/delivery/request.js";
import { getEndpoint } from "../../core/store/endpoints.js";
import { createTestOrg, type TestOrg, type TestResponse } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PATH = "/v1/webhook-endpoints";
const url = "https://example.com/hooks";

const rotate = (org: TestOrg, id: string, body?: unknown) =>
  org.request("POST", `${PATH}/${id}/rotate-secret`, body);

/** Whether a delivery signed now (the delivery path's own headers) verifies with `secret`. */
async function verifiesWith(org: TestOrg, id: string, secret: string): Promise<boolean> {
  const rec = await getEndpoint(stack.deps.db, org.orgId, id);
  const body = JSON.stringify({ type: "webhook.test", data: {} });
  const headers = requestHeaders(rec!, { msg_id: "msg_rotation", body }, new Date(), "hookrelay");
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

describe("rotating twice within the grace period", () => {
  it("keeps every retired key signing; a fourth rotation while three still sign is a 409", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url })).body;
    const secrets: string[] = [ep.secret];
    for (let i = 0; i < 3; i++) {
      const res = await rotate(org, ep.id);
      expect(res.status, res.text).toBe(200);
      secrets.push(res.body.secret);
    }
    // The first secret, retired three rotations ago, still verifies: receivers that never switched.
    for (const s of secrets) expect(await verifiesWith(org, ep.id, s)).toBe(true);

    const read = await org.request("GET", `${PATH}/${ep.id}/secret`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBe(secrets[3]);
    expect(read.body.previous_secret).toBe(secrets[2]);

    const refused = await rotate(org, ep.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("too_many_secrets");
    expect(Date.parse(refused.body.error.details.retry_after)).toBeGreaterThan(Date.now());
    // Refused means unchanged: the current secret and every retired one still sign.
    const after = await getEndpoint(stack.deps.db, org.orgId, ep.id);
    expect(after?.secret).toBe(secrets[3]);
    for (const s of secrets) expect(await verifiesWith(org, ep.id, s)).toBe(true);
  });

  it("lists every retired ed25519 key in the JWK Set while it signs", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, signing_version: "v1a" })).body;
    const keys = [ep.public_key];
    for (let i = 0; i < 2; i++) keys.push((await rotate(org, ep.id)).body.public_key);
    const jwks = (await (await org.app.request(`/jwks/${org.orgId}/${ep.id}`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });
});

describe("an ed25519 private key is never returned", () => {
  it("not after a switch from v1a to v1, by any route that shows an endpoint or its secrets", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url })).body;
    const toV1a = await rotate(org, ep.id, { signing_version: "v1a" });
    const back = await rotate(org, ep.id, { signing_version: "v1" });
    expect(back.status).toBe(200);
    const responses: TestResponse[] = [toV1a, back];
    const read = await org.request("GET", `${PATH}/${ep.id}/secret`);
    expect(read.status).toBe(200);
    // Only HMAC secrets: the current one and the first, retired two rotations ago (not the
    // ed25519 key retired since, which is the newest retired key).
    expect(read.body.secret).toBe(back.body.secret);
    expect(read.body.previous_secret).toBe(ep.secret);
    responses.push(
      read,
      await org.request("GET", `${PATH}/${ep.id}`),
      await org.request("GET", PATH),
      await org.request("PATCH", `${PATH}/${ep.id}`, { label: "x" }),
    );
    for (const res of responses) expect(res.text).not.toMatch(/whsk_/);
    // The retired ed25519 key still signs (and is in the JWK Set) for its grace.
    const jwks = (await (await org.app.request(`/jwks/${org.orgId}/${ep.id}`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });

  it("a v1a endpoint's own key is refused (409), as before", async () => {
    const org = await createTestOrg(stack);
    const ep = (await org.request("POST", PATH, { url, signing_version: "v1a" })).body;
    const read = await org.request("GET", `${PATH}/${ep.id}/secret`);
    expect(read.status).toBe(409);
    expect(read.text).not.toMatch(/whsk_/);
  });
});
