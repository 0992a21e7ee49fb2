/**
 * The fair-queue tenant a standard-queue message carries as its `MessageGroupId`
 * (packages/client/src/sqs/batch.ts `groupIdOf`): SQS takes 1-128 ASCII letters, digits and
 * punctuation there, and an organization id is any 1-64 characters, so one SQS would refuse is
 * sent as its SHA-256: still one tenant per organization, never a refused publish. The publish
 * itself on fauxqs: test/ingest/sqs-ingest.test.ts.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { groupIdOf } from "../../packages/client/src/sqs/batch.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("groupIdOf", () => {
  it("keeps an id SQS takes as a MessageGroupId", () => {
    // AWS's list for MessageGroupId: a-z, A-Z, 0-9 and !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ (all 32
    // ASCII punctuation marks), 1-128 of them.
    const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    expect(punctuation).toHaveLength(32);
    for (const id of ["org_123", "ep_01HX", "a", "Org-1.2:3/4@x!~", "x".repeat(128), punctuation, "azAZ09"]) {
      expect(groupIdOf(id)).toBe(id);
    }
  });

  it("sends one SQS would refuse (space, non-ASCII, control, too long) as its SHA-256, the same for the same id", () => {
    for (const id of ["org 1", "orgé", "org\t1", "org\x7f", "x".repeat(129), ""]) {
      expect(groupIdOf(id)).toBe(sha256(id));
      expect(groupIdOf(id)).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(groupIdOf("orgé")).not.toBe(groupIdOf("orge"));
  });
});
