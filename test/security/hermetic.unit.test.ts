/** The test suite's resolver (test/support/hermetic.ts): loopback names only, no system resolver. */
import dns from "node:dns";
import { describe, expect, it } from "vitest";
import { sendWebhook } from "../../core/delivery/send.js";

const lookup = (host: string) =>
  new Promise<{ err: NodeJS.ErrnoException | null; address?: string }>((resolve) =>
    dns.lookup(host, (err, address) => resolve({ err, address })),
  );

describe("hermetic tests", () => {
  it("resolve localhost names to 127.0.0.1 and nothing else at all", async () => {
    expect((await lookup("localhost")).address).toBe("127.0.0.1");
    expect((await lookup("a.b.localhost.")).address).toBe("127.0.0.1");
    for (const host of ["example.com", "hooks.test", "localhost.example.com"]) {
      expect((await lookup(host)).err?.code, host).toBe("ENOTFOUND");
    }
    expect(await dns.promises.lookup("api.localhost", { all: true })).toEqual([
      { address: "127.0.0.1", family: 4 },
    ]);
  });

  it("a webhook to example.com fails at once with a DNS error, without leaving the machine", async () => {
    const outcome = await sendWebhook({
      url: "https://example.com/hook",
      headers: {},
      body: "{}",
      timeoutMs: 5000,
      allowPrivateTargets: false,
    });
    expect(outcome.error).toBe("DNS lookup failed for example.com");
  });
});
