import { randomBytes } from "node:crypto";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { describe, expect, it } from "vitest";
import { requestHeaders } from "../../core/delivery/request.js";
import { sign, signingSecrets, webhookHeaders } from "../../core/signing/sign.js";

const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

function asRecord(h: object): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

describe("sign", () => {
  it("matches the Standard Webhooks reference vector", () => {
    // Test vector from the standard-webhooks specification repository.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(sig).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies with standardwebhooks and svix", () => {
    const secret = newSecret();
    const body = JSON.stringify({ id: "msg_1", type: "call.ended", data: { a: "é ✓" } });
    const now = Math.floor(Date.now() / 1000);
    const headers = asRecord(webhookHeaders("msg_1", now, body, [secret]));
    expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new SvixWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("signs with both secrets during the grace period, then only the current one", () => {
    const current = newSecret();
    const previous = newSecret();
    const now = new Date();
    const inGrace = {
      secret: current,
      previous_secret: previous,
      previous_secret_expires_at: new Date(now.getTime() + 3600_000).toISOString(),
    };
    expect(signingSecrets(inGrace, now)).toEqual([current, previous]);
    const expired = { ...inGrace, previous_secret_expires_at: new Date(now.getTime() - 1).toISOString() };
    expect(signingSecrets(expired, now)).toEqual([current]);

    const body = '{"id":"msg_2"}';
    const headers = asRecord(
      requestHeaders({ ...inGrace, headers: {} }, { msg_id: "msg_2", body }, now, "hookrelay"),
    );
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const s of [current, previous]) {
      expect(new StandardWebhook(s).verify(body, headers)).toEqual({ id: "msg_2" });
      expect(new SvixWebhook(s).verify(body, headers)).toEqual({ id: "msg_2" });
    }
    expect(() => new StandardWebhook(newSecret()).verify(body, headers)).toThrow();
  });

  it("custom headers never override the protocol headers", () => {
    const secret = newSecret();
    const headers = requestHeaders(
      {
        secret,
        previous_secret: null,
        previous_secret_expires_at: null,
        headers: { "Webhook-Id": "evil", "Content-Type": "text/plain", "X-Team": "blue", "User-Agent": "x" },
      },
      { msg_id: "msg_3", body: "{}" },
      new Date(),
      "hookrelay",
    );
    expect(headers["webhook-id"]).toBe("msg_3");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["user-agent"]).toMatch(/^hookrelay\/\d+\.\d+\.\d+$/);
    expect(headers["x-team"]).toBe("blue");
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === "webhook-id")).toHaveLength(1);
  });
});
