/**
 * Portal sessions: created by an organization's admin (or the platform's, for any
 * organization), revoked by id, and turned back into a Principal on every request that
 * carries the token. The token proves who and what; one read proves it was not revoked.
 */
import type { Uses } from "../deps.js";
import {
  type ApiErrorCode,
  newId,
  notFound,
  type Principal,
  ServiceError,
  validationError,
} from "../model/index.js";
import { CAPABILITIES, type Capability, DEFAULT_CAPABILITIES } from "./capabilities.js";
import { type SessionClaims, signToken, verifyToken } from "./token.js";

export const SESSION_SECONDS = { default: 3600, min: 60, max: 7 * 24 * 3600 } as const;

export interface CreateSessionInput {
  org_id?: string;
  agent_id?: string | null;
  capabilities?: Capability[];
  event_types?: string[];
  expires_in?: number;
  return_url?: string;
}

export interface CreatedSession {
  id: string;
  token: string;
  url: string;
  expires_at: string;
}

function secretOf(deps: Uses<"config">): string {
  const secret = deps.config.portalSecret;
  if (!secret) {
    throw new ServiceError(503, "portal_not_configured", "this deployment has no PORTAL_SECRET set");
  }
  return secret;
}

/** The organization the session is for: the caller's own, or any for a platform admin. */
async function targetOrg(
  deps: Uses<"config" | "orgStore">,
  caller: Principal,
  orgId: string | undefined,
): Promise<string> {
  if (orgId === undefined || orgId === caller.orgId) return caller.orgId;
  if (caller.orgId !== deps.config.platformOrgId) {
    throw new ServiceError(403, "forbidden", "only platform admins create sessions for another organization");
  }
  // A deleted organization is never acted for again (its sessions would undo the deletion).
  const rec = await deps.orgStore.get(orgId);
  if (!rec || rec.deleted_at) throw notFound("organization");
  return orgId;
}

function checkReturnUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationError("return_url must be an absolute URL");
  }
  // Rendered as a link on the expired page: only web URLs, never javascript: or data:.
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw validationError("return_url must be an http(s) URL");
  }
  return url.toString();
}

export async function createSession(
  deps: Uses<"config" | "eventTypes" | "now" | "orgStore" | "portalSessionStore">,
  caller: Principal,
  input: CreateSessionInput,
  portalBase: string,
): Promise<CreatedSession> {
  const secret = secretOf(deps);
  const org = await targetOrg(deps, caller, input.org_id);
  const caps = [...new Set<Capability>(["view", ...(input.capabilities ?? DEFAULT_CAPABILITIES)])];
  let types: string[] | null = null;
  if (input.event_types !== undefined) {
    const known = new Set((await deps.eventTypes.list(org)).map((t) => t.name));
    const unknown = input.event_types.filter((t) => !known.has(t));
    if (unknown.length > 0) {
      throw new ServiceError(400, "unknown_event_type", "event_types must name catalog entries", { unknown });
    }
    types = [...new Set(input.event_types)];
  }
  const now = deps.now();
  const seconds = input.expires_in ?? SESSION_SECONDS.default;
  const exp = Math.floor(now.getTime() / 1000) + seconds;
  const id = newId("ps", now);
  const expires = new Date(exp * 1000).toISOString();
  await deps.portalSessionStore.put(
    {
      org_id: org,
      id,
      agent_id: input.agent_id ?? null,
      capabilities: caps,
      event_types: types,
      return_url: checkReturnUrl(input.return_url),
      created_at: now.toISOString(),
      expires,
      revoked_at: null,
    },
    exp,
  );
  const claims: SessionClaims = { sid: id, org, agent: input.agent_id ?? null, caps, types, exp };
  const token = signToken(claims, secret);
  return { id, token, url: `${portalBase}#token=${token}`, expires_at: expires };
}

export async function revokeSession(
  deps: Uses<"config" | "now" | "orgStore" | "portalSessionStore">,
  caller: Principal,
  id: string,
  orgId?: string,
): Promise<void> {
  const org = await targetOrg(deps, caller, orgId);
  if (!(await deps.portalSessionStore.revoke(org, id, deps.now().toISOString()))) {
    throw notFound("portal session");
  }
}

const unauthorized = (code: ApiErrorCode, message: string, returnUrl?: string | null) =>
  new ServiceError(401, code, message, returnUrl ? { return_url: returnUrl } : undefined);

/** Resolves a session token to its principal; 401 with `session_expired`/`session_revoked` (and the return_url). */
export async function authenticateSession(
  deps: Uses<"config" | "now" | "portalSessionStore">,
  raw: string,
): Promise<Principal> {
  const secret = deps.config.portalSecret;
  if (!secret) throw unauthorized("unauthorized", "portal sessions are not configured");
  // An expired token still has a valid signature: read it to find where to send the user.
  const verified = verifyToken(raw, secret, new Date(0));
  if (!verified.ok) throw unauthorized("unauthorized", "invalid portal session token");
  const c = verified.claims;
  const rec = await deps.portalSessionStore.get(c.org, c.sid);
  if (c.exp * 1000 <= deps.now().getTime()) {
    throw unauthorized("session_expired", "this portal session has expired", rec?.return_url);
  }
  if (!rec || rec.revoked_at) {
    throw unauthorized("session_revoked", "this portal session was revoked", rec?.return_url);
  }
  return {
    orgId: c.org,
    keyId: c.sid,
    role: "admin",
    // The end customer's view: https only, whatever key opened the session.
    mode: "live",
    portal: { sessionId: c.sid, agentId: c.agent, capabilities: c.caps, eventTypes: c.types },
  };
}

/** What an API key's role amounts to in capabilities (for `current` called with a key). */
const ROLE_CAPABILITIES: Record<Principal["role"], Capability[]> = {
  admin: [...CAPABILITIES],
  member: ["view", "send_test"],
  viewer: ["view"],
};

/** The caller's scope: a portal session's own, or what an API key's role allows. */
export async function currentSession(deps: Uses<"config" | "portalSessionStore">, principal: Principal) {
  const scope = principal.portal;
  const base = { org_id: principal.orgId, secret_grace_hours: deps.config.secretGraceHours };
  if (!scope) {
    return {
      ...base,
      id: principal.keyId,
      agent_id: null,
      capabilities: ROLE_CAPABILITIES[principal.role],
      event_types: null,
      expires_at: null,
      return_url: null,
    };
  }
  const rec = await deps.portalSessionStore.get(principal.orgId, scope.sessionId);
  if (!rec) throw notFound("portal session");
  return {
    ...base,
    id: rec.id,
    agent_id: rec.agent_id,
    capabilities: rec.capabilities as Capability[],
    event_types: rec.event_types,
    expires_at: rec.expires,
    return_url: rec.return_url,
  };
}
