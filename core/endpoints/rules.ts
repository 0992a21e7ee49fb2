/**
 * The rules an endpoint's settings must satisfy beyond their types: where it may point,
 * which headers it may add, which event types it may subscribe to. Each failure is a 400.
 */
import ipaddr from "ipaddr.js";
import type { Uses } from "../deps.js";
import { typeMatches } from "../filters/index.js";
import {
  type KeyMode,
  MAX_HEADER_VALUE,
  MAX_HEADERS,
  MAX_URL_LENGTH,
  ServiceError,
  statusOf,
  validationError,
} from "../model/index.js";
import { classifyAddress, isReservedHeader } from "../outbound/index.js";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hasControlOrSpace(s: string): boolean {
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f || /\s/u.test(ch)) return true;
  }
  return false;
}

const invalidUrl = (message: string) => new ServiceError(400, "invalid_url", message);

/**
 * Why a URL's host is off limits when private targets are not allowed: a literal private or
 * special address (any notation: the URL parser has normalised it) or a name RFC 6761
 * reserves for loopback. Other names are checked on the resolved address at delivery time.
 */
function privateTarget(url: URL): string | undefined {
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is a loopback name`;
  if (!ipaddr.isValid(host)) return undefined;
  const verdict = classifyAddress(host);
  return verdict.allowed ? undefined : `${verdict.address} is ${verdict.reason}`;
}

/**
 * HTTPS only (plain http to localhost when the deployment allows it, and to any host for a
 * test-mode key, as Stripe allows); no credentials; ≤ 2048 chars; no private or special
 * target unless `allowPrivateTargets` is true. Plain http never widens where a request may
 * go: the SSRF guard still checks the resolved address at send time.
 */
export function checkUrl(
  raw: string,
  opts: { allowHttpLocalhost: boolean; allowPrivateTargets?: boolean; mode?: KeyMode },
): string {
  if (raw.length > MAX_URL_LENGTH) throw invalidUrl(`url must be at most ${MAX_URL_LENGTH} characters`);
  // The URL parser would quietly trim or encode these; stored URLs must be exactly what is called.
  if (hasControlOrSpace(raw)) throw invalidUrl("url must not contain whitespace or control characters");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl("url is not a valid absolute URL");
  }
  if (url.username || url.password) throw invalidUrl("url must not contain credentials");
  if (!url.hostname) throw invalidUrl("url must have a host");
  if (opts.allowPrivateTargets === false) {
    const why = privateTarget(url);
    if (why) throw invalidUrl(`url must not point at a private or special address (${why})`);
  }
  if (url.protocol === "https:") return raw;
  if (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)) {
    if (opts.allowHttpLocalhost) return raw;
    throw invalidUrl("url must use https (plain http to localhost is disabled on this deployment)");
  }
  if (url.protocol === "http:" && opts.mode === "test") return raw;
  throw invalidUrl("url must use https");
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const names = Object.keys(headers);
  if (names.length > MAX_HEADERS) throw validationError(`at most ${MAX_HEADERS} custom headers`);
  const seen = new Set<string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw validationError(`header name "${name.slice(0, 100)}" is not a valid token`);
    if (isReservedHeader(lower)) {
      throw validationError(`header "${name}" is reserved (hop-by-hop, signature or set by the service)`);
    }
    if (seen.has(lower)) throw validationError(`header "${name}" is given twice`);
    seen.add(lower);
    const value = headers[name] ?? "";
    // Visible ASCII, space and tab only: control characters would let a value split into extra
    // headers, and an HTTP client sends no character above U+00FF (every attempt would fail),
    // while U+0080-U+00FF would reach the receiver as Latin-1 bytes it reads as mojibake.
    if (value.length > MAX_HEADER_VALUE || /[^\t\u0020-\u007e]/.test(value)) {
      throw validationError(
        `header "${name}" has an invalid value: only visible ASCII, space and tab, at most ${MAX_HEADER_VALUE} chars (percent-encode anything else)`,
      );
    }
  }
  return headers;
}

const PATTERN = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;

/**
 * Exact names must be in the organization's catalog and not archived (an archived type takes
 * no new subscriptions; one in `kept`, the endpoint's list before this change, may stay);
 * patterns (`telephony.*`, `*`) must match at least one type in it that is not archived.
 * Returns the list without duplicates, in the given order.
 */
export async function checkEventTypes(
  deps: Uses<"eventTypes">,
  org: string,
  list: readonly string[],
  kept: readonly string[] = [],
): Promise<string[]> {
  const unique = [...new Set(list)];
  const malformed = unique.filter((p) => !PATTERN.test(p));
  if (malformed.length > 0) {
    throw new ServiceError(400, "invalid_event_types", `malformed event types: ${malformed.join(", ")}`, {
      invalid: malformed,
    });
  }
  if (unique.length === 0) return unique;
  const catalog = await deps.eventTypes.list(org);
  const names = catalog.map((t) => t.name);
  const unknown = unique.filter((p) => !names.some((n) => typeMatches(p, n)));
  if (unknown.length > 0) {
    throw new ServiceError(400, "invalid_event_types", `unknown event types: ${unknown.join(", ")}`, {
      unknown,
    });
  }
  const open = catalog.filter((t) => statusOf(t) !== "archived").map((t) => t.name);
  const archived = unique.filter((p) => !kept.includes(p) && !open.some((n) => typeMatches(p, n)));
  if (archived.length > 0) {
    throw new ServiceError(
      400,
      "archived_event_types",
      `archived event types take no new subscriptions: ${archived.join(", ")}`,
      { archived },
    );
  }
  return unique;
}
