/** v1a keys and signatures: the Standard Webhooks formats, and what a receiver verifies with. */
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jwksOf } from "../../core/endpoints/public-keys.js";
import { webhookHeaders } from "../../core/signing/sign.js";
import {
  generateSigningKey,
  jwkOf,
  publicKeyObject,
  publicKeyOf,
  signEd25519,
} from "../../core/signing/sign-ed25519.js";

const body = '{"id":"msg_1","type":"t","data":{}}';

describe("v1a", () => {
  it("keys are whsk_/whpk_ + base64 of 32 bytes; each key is new", () => {
    const sk = generateSigningKey();
    expect(sk).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOf(sk)).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(generateSigningKey()).not.toBe(sk);
  });

  it("signs id.timestamp.body; the public key, its JWK and nothing else verify it", () => {
    const sk = generateSigningKey();
    const sig = signEd25519(sk, "msg_1", 1700000000, body);
    expect(sig).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const raw = Buffer.from(sig.slice(4), "base64");
    const signed = Buffer.from(`msg_1.1700000000.${body}`);
    expect(verify(null, signed, publicKeyObject(publicKeyOf(sk)), raw)).toBe(true);
    const jwk = jwkOf(publicKeyOf(sk));
    expect(verify(null, signed, createPublicKey({ key: { ...jwk }, format: "jwk" }), raw)).toBe(true);
    expect(verify(null, Buffer.from(`msg_1.1700000001.${body}`), publicKeyObject(publicKeyOf(sk)), raw)).toBe(
      false,
    );
    const other = generateSigningKey();
    expect(verify(null, signed, publicKeyObject(publicKeyOf(other)), raw)).toBe(false);
  });

  it("the kid is the RFC 7638 thumbprint (RFC 8037 appendix A.3 example)", () => {
    const x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const jwk = jwkOf(`whpk_${Buffer.from(x, "base64url").toString("base64")}`);
    expect(jwk).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x,
      kid: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
      use: "sig",
      alg: "EdDSA",
    });
  });

  it("a header mixes v1 and v1a signatures by the secrets' kinds", () => {
    const sk = generateSigningKey();
    const headers = webhookHeaders("msg_1", 1700000000, body, [
      sk,
      `whsec_${Buffer.alloc(32, 1).toString("base64")}`,
    ]);
    expect(headers["webhook-signature"].split(" ").map((s) => s.split(",")[0])).toEqual(["v1a", "v1"]);
  });

  it("the JWKS lists the keys that sign now: the previous one only during its grace period", () => {
    const now = new Date("2026-03-16T10:00:00Z");
    const [a, b] = [generateSigningKey(), generateSigningKey()];
    const kid = (k: string) => jwkOf(publicKeyOf(k)).kid;
    const rec = { secret: a, previous_secret: b, previous_secret_expires_at: "2026-03-16T11:00:00Z" };
    expect(jwksOf(rec, now).keys.map((k) => k.kid)).toEqual([kid(a), kid(b)]);
    expect(jwksOf({ ...rec, previous_secret_expires_at: "2026-03-16T09:00:00Z" }, now).keys).toHaveLength(1);
    // An HMAC secret is never published.
    expect(jwksOf({ ...rec, previous_secret: "whsec_AAAA" }, now).keys.map((k) => k.kid)).toEqual([kid(a)]);
  });
});
