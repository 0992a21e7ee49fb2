import { describe, expect, it } from "vitest";
import { classifyAddress, guardedLookup, SsrfError, urlTargetVerdict } from "../../core/outbound/ssrf.js";

const refused: Array<[string, string]> = [
  ["10.0.0.1", "private"],
  ["172.16.5.4", "private"],
  ["192.168.1.1", "private"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["169.254.1.1", "link-local"],
  ["169.254.169.254", "a cloud metadata address"],
  ["100.64.0.1", "carrier-grade NAT (100.64.0.0/10)"],
  ["100.100.100.200", "carrier-grade NAT (100.64.0.0/10)"],
  ["224.0.0.1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.10", "reserved"],
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["fe80::1", "link-local"],
  ["fc00::1", "unique local (IPv6 ULA)"],
  ["fd12:3456::1", "unique local (IPv6 ULA)"],
  ["fd00:ec2::254", "a cloud metadata address"],
  ["ff02::1", "multicast"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:169.254.169.254", "a cloud metadata address"],
  ["::ffff:0:10.0.0.1", "private"],
  ["::10.0.0.1", "an IPv4-compatible IPv6 address"],
  ["::8.8.8.8", "an IPv4-compatible IPv6 address"],
  ["64:ff9b::10.0.0.1", "private"],
  ["64:ff9b::7f00:1", "loopback"],
  ["64:ff9b:1::1", "a local-use NAT64 address"],
  ["2002:a00:1::1", "private"],
  ["2002:7f00:1::", "loopback"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo tunnel address"],
  ["2001:db8::1", "reserved"],
  ["fec0::1", "site-local"],
];

const allowed = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.216.34",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
];

describe("SSRF classifier", () => {
  it.each(refused)("refuses %s as %s", (address, reason) => {
    const v = classifyAddress(address);
    expect(v.allowed).toBe(false);
    if (!v.allowed) expect(v.reason).toBe(reason);
  });

  it.each(allowed)("allows public %s", (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true });
  });

  it("gives the error message the attempt log shows", () => {
    expect(new SsrfError("10.0.0.1", "private").message).toBe(
      "target address 10.0.0.1 is private (SSRF guard)",
    );
  });

  it("sees literal IPs in every notation WHATWG URL normalises", () => {
    const cases: Array<[string, string]> = [
      ["http://2130706433/", "127.0.0.1"], // decimal
      ["http://0177.0.0.1/", "127.0.0.1"], // octal
      ["http://0x7f.0x0.0x0.0x1/", "127.0.0.1"], // hex
      ["http://0x7f000001/", "127.0.0.1"],
      ["http://127.1/", "127.0.0.1"], // short form
      ["http://10.1/", "10.0.0.1"],
      ["http://0/", "0.0.0.0"],
      ["http://[::ffff:10.0.0.1]/", "::ffff:a00:1"],
      ["http://[0:0:0:0:0:0:0:1]/", "::1"],
      ["http://169.254.169.254./latest/meta-data", "169.254.169.254"],
    ];
    for (const [url, host] of cases) {
      const parsed = new URL(url);
      expect(parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "")).toBe(host);
      const v = urlTargetVerdict(parsed);
      expect(v?.allowed, url).toBe(false);
    }
    expect(urlTargetVerdict(new URL("https://example.com/hook"))).toBeUndefined();
    expect(urlTargetVerdict(new URL("https://8.8.8.8/hook"))).toEqual({ allowed: true });
  });

  it("refuses at lookup time when a name resolves to a private address", async () => {
    const lookup = guardedLookup();
    const err = await new Promise<Error | null>((resolve) =>
      lookup("localhost", { all: true }, (e) => resolve(e)),
    );
    expect(err).toBeInstanceOf(SsrfError);
    expect(err?.message).toMatch(/target address (127\.0\.0\.1|::1) is loopback \(SSRF guard\)/);
  });

  it("refuses a name with one private record among public ones (rebinding-style)", async () => {
    const lookup = guardedLookup((_h, _o, cb) =>
      cb(null, [
        { address: "93.184.216.34", family: 4 },
        { address: "10.1.2.3", family: 4 },
      ]),
    );
    const err = await new Promise<Error | null>((resolve) => lookup("evil.test", {}, (e) => resolve(e)));
    expect(err?.message).toBe("target address 10.1.2.3 is private (SSRF guard)");
  });

  it("passes public resolutions through in both callback forms", async () => {
    const lookup = guardedLookup((_h, _o, cb) => cb(null, [{ address: "93.184.216.34", family: 4 }]));
    const single = await new Promise<[string, number | undefined]>((resolve) =>
      lookup("ok.test", {}, (_e, a, f) => resolve([a as string, f])),
    );
    expect(single).toEqual(["93.184.216.34", 4]);
    const all = await new Promise<unknown>((resolve) =>
      lookup("ok.test", { all: true }, (_e, a) => resolve(a)),
    );
    expect(all).toEqual([{ address: "93.184.216.34", family: 4 }]);
  });
});
