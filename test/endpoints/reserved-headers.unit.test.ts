/**
 * One reserved-header list (core/outbound/headers.ts) for both sides: every reserved name
 * is refused as a custom header, and a stored record that carries one anyway (written
 * before the name was reserved) never sends it, so no header goes out twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestHeaders } from "../../core/delivery/request.js";
import { sendWebhook } from "../../core/delivery/send.js";
import { checkHeaders } from "../../core/endpoints/rules.js";
import { generateSecret } from "../../core/endpoints/secrets.js";
import { isReservedHeader, RESERVED_HEADERS } from "../../core/outbound/headers.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

/** The listed names, in two spellings, and examples of the reserved patterns. */
const reserved = [
  ...[...RESERVED_HEADERS].flatMap((n) => [n, n.toUpperCase()]),
  "Webhook-Anything",
  "svix-id",
  "Svix-Signature",
  "X-Hub-Signature-256",
  "constructor",
];

function headersFor(custom: Record<string, string>) {
  return requestHeaders(
    { secret: generateSecret(), previous_secret: null, previous_secret_expires_at: null, headers: custom },
    { msg_id: "msg_reserved", body: '{"id":"msg_reserved"}' },
    new Date(),
    "hookrelay",
  );
}

describe("reserved headers", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it.each(reserved)("%s is refused as a custom header", (name) => {
    expect(isReservedHeader(name)).toBe(true);
    expect(() => checkHeaders({ [name]: "custom" })).toThrow(/reserved/);
  });

  it("what the service sets is all reserved; an ordinary name is not", () => {
    for (const name of Object.keys(headersFor({}))) expect(isReservedHeader(name), name).toBe(true);
    expect(isReservedHeader("X-Team")).toBe(false);
    expect(checkHeaders({ "X-Team": "blue" })).toEqual({ "X-Team": "blue" });
  });

  it("a stored record carrying every reserved name sends none of them: each header once, the service's value", async () => {
    const custom = Object.fromEntries(reserved.map((n) => [n, "custom"]));
    const headers = headersFor({ ...custom, "X-Team": "blue" });
    const names = Object.keys(headers);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(Object.entries(headers).filter(([, v]) => v === "custom")).toEqual([]);
    expect(headers["x-team"]).toBe("blue");

    // On the wire too: no name repeated, none of the custom values.
    const out = await sendWebhook({
      url: receiver.url,
      body: '{"id":"msg_reserved"}',
      headers,
      timeoutMs: 5000,
      allowPrivateTargets: true,
    });
    expect(out.ok).toBe(true);
    const raw = receiver.requests.at(-1)!.rawHeaders;
    const sent = raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(new Set(sent).size).toBe(sent.length);
    expect(raw.filter((v, i) => i % 2 === 1 && v === "custom")).toEqual([]);
    expect(sent).toEqual(expect.arrayContaining(["webhook-id", "webhook-signature", "x-team"]));
  });
});
