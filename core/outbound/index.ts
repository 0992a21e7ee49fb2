/**
 * Contract of core/outbound, what a request to an endpoint may do: the SSRF guard (which addresses
 * a URL may reach) and the headers an endpoint may not set. Modules outside the folder import only
 * this index (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */
export { isCredentialHeader, isReservedHeader, keepRedacted, REDACTED, redactHeaders } from "./headers.js";
export { classifyAddress, guardedLookup, SsrfError, urlTargetVerdict } from "./ssrf.js";
