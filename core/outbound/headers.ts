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

/**
 * Custom headers whose value is a credential (an `authorization` token, an API key, a cookie):
 * stored sealed like signing secrets (core/store/endpoints.ts seals every custom header value)
 * and shown as REDACTED to callers that may not read secrets (`mayReadSecrets`), in the
 * endpoint's view and in every attempt's rebuilt request. Svix hides such headers the same way.
 */
const CREDENTIAL =
  /authori[sz]ation|cookie|api[-_]?key|token|secret|passw|credential|session|auth|signature/i;

export function isCredentialHeader(name: string): boolean {
  // The protocol's own headers (webhook-signature, …) are never a custom header's credential.
  return CREDENTIAL.test(name) && !isReservedHeader(name);
}

/** What a caller that may not read secrets sees instead of a credential header's value. */
export const REDACTED = "[redacted]";

/** `headers` with every credential header's value replaced by REDACTED. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) ? REDACTED : value]),
  );
}

/**
 * An update's headers as they are to be stored: a credential header sent back as REDACTED
 * (a form that showed the redacted view) keeps its stored value.
 */
export function keepRedacted(
  next: Record<string, string>,
  current: Record<string, string>,
): Record<string, string> {
  const lower = new Map(Object.entries(current).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(
    Object.entries(next).map(([name, value]) => [
      name,
      value === REDACTED && isCredentialHeader(name) ? (lower.get(name.toLowerCase()) ?? value) : value,
    ]),
  );
}
