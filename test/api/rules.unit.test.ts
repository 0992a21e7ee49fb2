/** Property tests of the endpoint rules and secret helpers (no I/O). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../core/api/pagination.js";
import { checkHeaders, checkUrl } from "../../core/endpoints/rules.js";
import { generateSecret, isValidSecret, secretHint } from "../../core/endpoints/secrets.js";

describe("secrets", () => {
  it("generated secrets are valid, distinct, and hinted by their last 6 characters only", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = generateSecret();
      expect(isValidSecret(s)).toBe(true);
      expect(secretHint(s)).toBe(`whsec_…${s.slice(-6)}`);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });

  it("accepts exactly whsec_ + canonical base64 of 24–64 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (bytes) => {
        const s = `whsec_${Buffer.from(bytes).toString("base64")}`;
        expect(isValidSecret(s)).toBe(bytes.length >= 24 && bytes.length <= 64);
        expect(isValidSecret(s.slice(6))).toBe(false);
      }),
    );
  });
});

describe("checkUrl", () => {
  it("never accepts credentials, whitespace or non-https remote hosts", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const u = new URL(url);
        const accepted = (() => {
          try {
            checkUrl(url, { allowHttpLocalhost: true });
            return true;
          } catch {
            return false;
          }
        })();
        if (u.username || u.password) expect(accepted).toBe(false);
        if (u.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(u.hostname)) {
          expect(accepted).toBe(false);
        }
      }),
    );
    expect(() => checkUrl(" https://example.com", { allowHttpLocalhost: false })).toThrow();
    expect(() => checkUrl("https://exa\tmple.com", { allowHttpLocalhost: false })).toThrow();
  });
});

describe("checkHeaders", () => {
  it("rejects any value with CR or LF", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("\r", "\n"), fc.string(), (a, nl, b) => {
        expect(() => checkHeaders({ "x-a": `${a}${nl}${b}` })).toThrow();
      }),
    );
  });
});

describe("cursors", () => {
  it("round-trip string keys and reject arbitrary strings without throwing anything but 400", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("pk", "sk", "gsi1pk"), fc.string({ maxLength: 50 }), { minKeys: 1 }),
        (key) => {
          expect(decodeCursor(encodeCursor(key) ?? undefined)).toEqual(key);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (s) => {
        try {
          decodeCursor(s);
        } catch (err) {
          expect((err as { status?: number }).status).toBe(400);
        }
      }),
    );
  });
});
