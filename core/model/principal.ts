/** Who is calling: the organization and role an API key (or a portal session) resolves to. */
import * as z from "zod";

/** admin: everything; member: read and publish events; viewer: read only. */
export const role = z.enum(["admin", "member", "viewer"]);
export type Role = z.infer<typeof role>;

/** What a portal session may do and see (core/portal); absent for API keys. */
export interface PortalScope {
  sessionId: string;
  /** Only this agent's endpoints and events; null = the whole organization. */
  agentId: string | null;
  capabilities: readonly string[];
  /** Catalog entries the session may see and subscribe to; null = all. */
  eventTypes: readonly string[] | null;
}

export interface Principal {
  orgId: string;
  /** The API key's id, or the portal session's id. */
  keyId: string;
  role: Role;
  /**
   * The API key's mode (`sk_test_…` / `sk_live_…`): test keys may point endpoints at plain
   * http (core/endpoints/rules.ts). Portal sessions are "live".
   */
  mode: KeyMode;
  portal?: PortalScope;
}

/**
 * Whether the caller may read secrets (an endpoint's signing secret, its credential headers):
 * admin keys, and portal sessions given the `reveal_secret` capability.
 */
export function mayReadSecrets(p: Pick<Principal, "role" | "portal">): boolean {
  return p.role === "admin" && (p.portal === undefined || p.portal.capabilities.includes("reveal_secret"));
}

/** An API key's kind: `sk_live_…` or `sk_test_…`. */
export type KeyMode = "live" | "test";

/** An API key as it is stored: its hash, never the raw key. */
export interface ApiKeyRecord {
  org_id: string;
  id: string;
  name: string | null;
  role: Role;
  mode: KeyMode;
  /** The first characters of the raw key, to recognise it in a list (`sk_live_AbCd`). */
  prefix: string;
  /** SHA-256 (hex) of the raw key. */
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}
