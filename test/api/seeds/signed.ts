/**
 * What the seed tests share (test/api/seeds.test.ts and the profiles' tests in this folder):
 * checking a delivery's Standard Webhooks signature.
 */
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import type { ReceivedRequest } from "../../support/receiver.js";

/** The request carries a `v1,` signature keyed by `key` (HMAC-SHA256 of `{id}.{timestamp}.{body}`). */
export function expectSignedWith(req: ReceivedRequest, key: Buffer) {
  const id = String(req.headers["webhook-id"]);
  const ts = String(req.headers["webhook-timestamp"]);
  const mac = createHmac("sha256", key).update(`${id}.${ts}.${req.body}`).digest("base64");
  expect(String(req.headers["webhook-signature"]).split(" ")).toContain(`v1,${mac}`);
}
