/**
 * SSRF guard: webhook URLs are customer input, so the service must never be tricked into
 * calling its own network (VPC peers, the metadata service, localhost admin ports).
 *
 * The check runs on the RESOLVED address at connect time (`guardedLookup`, plugged into
 * the undici Agent), so DNS names pointing at private space, and DNS rebinding between a
 * validation and the request, are caught. Literal IPs never reach a lookup (net.connect
 * skips DNS for them), so `urlTargetVerdict` checks those before the request. WHATWG URL
 * parsing has already normalised decimal/octal/hex IPv4 hosts (`http://2130706433/` →
 * `127.0.0.1`), so one classifier covers every notation.
 */

import type { LookupAddress, LookupOptions } from "node:dns";
import dns from "node:dns";
import ipaddr from "ipaddr.js";

export type AddressVerdict = { allowed: true } | { allowed: false; address: string; reason: string };

/** Human words for ipaddr.js range names (and our own additions). */
const LABELS: Record<string, string> = {
  private: "private",
  loopback: "loopback",
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT (100.64.0.0/10)",
  multicast: "multicast",
  unspecified: "unspecified",
  broadcast: "broadcast",
  reserved: "reserved",
  uniqueLocal: "unique local (IPv6 ULA)",
  deprecatedSiteLocal: "site-local",
  metadata: "a cloud metadata address",
  ipv4Compatible: "an IPv4-compatible IPv6 address",
  teredo: "a Teredo tunnel address",
  localNat64: "a local-use NAT64 address",
};

/** Instance metadata services (AWS IMDS v4/v6, also GCP/Azure/OCI's 169.254.169.254). */
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254", "169.254.170.2", "192.0.0.192"]);

export class SsrfError extends Error {
  readonly code = "ERR_SSRF_BLOCKED";
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`target address ${address} is ${reason} (SSRF guard)`);
    this.name = "SsrfError";
  }
}

function refuse(address: string, range: string): AddressVerdict {
  return { allowed: false, address, reason: LABELS[range] ?? range };
}

/** IPv4 from the low 32 bits of an IPv6 address (mapped, NAT64 and 6to4 forms embed one). */
function embeddedV4(v6: ipaddr.IPv6, offsetBytes: number): ipaddr.IPv4 {
  const b = v6.toByteArray();
  return new ipaddr.IPv4([b[offsetBytes]!, b[offsetBytes + 1]!, b[offsetBytes + 2]!, b[offsetBytes + 3]!]);
}

function classifyV4(v4: ipaddr.IPv4, shown: string): AddressVerdict {
  if (METADATA.has(v4.toString())) return refuse(shown, "metadata");
  const range = v4.range();
  return range === "unicast" ? { allowed: true } : refuse(shown, range);
}

/** Whether a connection to this IP address (v4 or v6, any textual form) is allowed. */
export function classifyAddress(address: string): AddressVerdict {
  const text = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(text)) return { allowed: false, address, reason: "not an IP address" };
  const ip = ipaddr.parse(text);
  if (ip.kind() === "ipv4") return classifyV4(ip as ipaddr.IPv4, text);

  const v6 = ip as ipaddr.IPv6;
  const shown = v6.toString();
  // ipaddr.js reads the deprecated IPv4-compatible form `::a.b.c.d` as IPv4-mapped; the
  // kernel would not, and nothing legitimate uses it: refuse it outright.
  if (v6.range() === "ipv4Mapped" && !/ffff/i.test(text)) return refuse(shown, "ipv4Compatible");
  if (METADATA.has(shown)) return refuse(shown, "metadata");
  const range = v6.range();
  switch (range) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
      return classifyV4(embeddedV4(v6, 12), shown);
    case "rfc6052": {
      // 64:ff9b::/96 translates to the embedded IPv4; 64:ff9b:1::/48 is local-use NAT64.
      const parts = v6.parts;
      if (parts[0] === 0x64 && parts[1] === 0xff9b && parts[2] === 0)
        return classifyV4(embeddedV4(v6, 12), shown);
      return refuse(shown, "localNat64");
    }
    case "6to4": // 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD
      return classifyV4(embeddedV4(v6, 2), shown);
    case "teredo":
      return refuse(shown, "teredo");
    case "unicast": {
      // ::a.b.c.d (deprecated IPv4-compatible form, ::/96) is not a range of ipaddr.js.
      const p = v6.parts;
      if (p.slice(0, 6).every((x) => x === 0)) return refuse(shown, "ipv4Compatible");
      return { allowed: true };
    }
    default:
      return refuse(shown, range);
  }
}

/** The verdict for a URL whose host is a literal IP; undefined for DNS names (checked at connect). */
export function urlTargetVerdict(url: URL): AddressVerdict | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return ipaddr.isValid(host) ? classifyAddress(host) : undefined;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for net/tls.connect that resolves every address of the name and refuses the
 * connection if any of them is not public: a name with one private record is hostile.
 */
export function guardedLookup(resolve: Resolver = dns.lookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const verdict = classifyAddress(a.address);
        if (!verdict.allowed) return callback(new SsrfError(verdict.address, verdict.reason), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}
