/**
 * Every test file runs with this resolver in place of the system's: tests talk to 127.0.0.1
 * only. `localhost` and names under `.localhost` answer 127.0.0.1 (RFC 6761), any other name
 * fails at once with ENOTFOUND. So an endpoint on `https://example.com/…` created while a
 * delivery poller runs never sends a webhook to the internet, and a resolver that hangs or
 * answers differently on another machine cannot change a test's outcome.
 */
import dns, { type LookupAddress } from "node:dns";
import { isIP } from "node:net";

type Callback = (
  err: NodeJS.ErrnoException | null,
  address?: string | LookupAddress[],
  family?: number,
) => void;

export function hermeticAddress(hostname: string): { address: string; family: number } | undefined {
  // A literal address needs no resolver (some clients look them up anyway).
  const family = isIP(hostname);
  if (family) return { address: hostname, family };
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost")
    ? { address: "127.0.0.1", family: 4 }
    : undefined;
}

function lookup(hostname: string, options: unknown, callback?: Callback): void {
  const cb = (typeof options === "function" ? options : callback) as Callback;
  const opts = (typeof options === "object" && options !== null ? options : {}) as { all?: boolean };
  const found = hermeticAddress(hostname);
  process.nextTick(() => {
    if (!found) {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: "ENOTFOUND",
        hostname,
      });
      return cb(err, opts.all ? [] : undefined);
    }
    if (opts.all) cb(null, [found]);
    else cb(null, found.address, found.family);
  });
}

dns.lookup = lookup as typeof dns.lookup;
dns.promises.lookup = ((hostname: string, options?: { all?: boolean }) =>
  new Promise((resolve, reject) =>
    lookup(hostname, options ?? {}, (err, address, family) =>
      err ? reject(err) : resolve((options?.all ? address : { address, family }) as LookupAddress),
    ),
  )) as typeof dns.promises.lookup;
