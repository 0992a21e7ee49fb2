/**
 * Deleting an organization (platform admins only, DELETE /v1/organizations/{id}): its API keys
 * and portal sessions stop working, its endpoints are removed (tasks still in flight end
 * `abandoned`), and its data key is deleted, so every signing secret stored for it is unreadable
 * from then on, in the table and in every backup (docs/security.md). Events, deliveries and
 * attempts expire with their retention. The organization's item stays as a tombstone: its id is
 * never created again, so no new tenant inherits what is left.
 *
 * Every step is idempotent: a DELETE that died half-way is finished by the next one.
 */
import { revokeKey } from "../auth/api-keys.js";
import type { Deps } from "../deps.js";
import { conflict, notFound } from "../model/errors.js";
import { removeEndpoint } from "../store/endpoints.js";
import { credentialIdsOf, getOrg, markOrgDeleted } from "../store/orgs.js";
import { revokePortalSession } from "../store/portal-sessions.js";

export async function deleteOrganization(deps: Deps, id: string): Promise<void> {
  if (id === deps.config.platformOrgId) {
    throw conflict("platform_organization", "the platform organization cannot be deleted");
  }
  const org = await getOrg(deps.db, id);
  if (!org || org.deleted_at) throw notFound("organization");
  const at = deps.now().toISOString();
  const ids = await credentialIdsOf(deps.db, id);
  // Credentials first: from here on nobody acts for the organization.
  await Promise.all([
    ...ids.apiKeys.map((key) => revokeKey(deps, id, key)),
    ...ids.portalSessions.map((s) => revokePortalSession(deps.db, id, s, at)),
  ]);
  for (const ep of ids.endpoints) await removeEndpoint(deps.db, id, ep);
  deps.endpoints.invalidate(id);
  await deps.db.secrets.forgetOrganization(id);
  await markOrgDeleted(deps.db, id, at);
}
