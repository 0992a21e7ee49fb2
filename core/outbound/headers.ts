/**
 * The one list of headers an endpoint's custom headers may not set (docs/design.md, "Where
 * each policy lives"): refused when an endpoint is created or updated (checkHeaders in
 * core/endpoints/rules.ts) and skipped when a request is built (core/delivery/request.ts), so
 * a record stored before a name was reserved can never send a header twice or replace the
 * signature.
 */

/** The signature contract, what the delivery itself sets, and hop-by-hop framing. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-type",
  "content-encoding",
  "user-agent",
  "expect",
]);

/** Case-insensitive. Also every `webhook-*` and `svix-*` name and any name with "signature". */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    RESERVED_HEADERS.has(lower) ||
    // Not HTTP concerns, but JavaScript ones: as keys of the stored headers object these break
    // DynamoDB marshalling (it reads `value.constructor.name`) or vanish (`__proto__`).
    lower === "constructor" ||
    lower === "__proto__" ||
    lower.startsWith("webhook-") ||
    lower.startsWith("svix-") ||
    lower.includes("signature")
  );
}
