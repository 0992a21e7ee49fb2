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
  portal?: PortalScope;
}
