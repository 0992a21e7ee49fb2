/**
 * Deleting an organization (platform admins only, DELETE /v1/organizations/{id}): its API keys
 * and portal sessions stop working, its endpoints are removed (tasks still in flight end
 * `abandoned`), and its data key is deleted, so every signing secret stored for it is unreadable
 * from then on, in the table and in every backup (docs/security.md), and so is its message shard
 * plan (core/store/shard-plans.ts). Events, deliveries and attempts expire with their retention. The organization's item stays as a tombstone: its id is
 * never created again, so no new tenant inherits what is left.
 *
 * The tombstone is written first: from then on nothing can be added to the organization (every
 * create checks it in its DynamoDB condition, core/store/org-tombstone.ts), so what the steps
 * below find is all there is, and a create racing the DELETE either is found or is refused.
 * Every step is idempotent: a DELETE that died half-way is finished by the next one.
 */
import { revokeKey } from "../auth/index.js";
import type { Uses } from "../deps.js";
import { conflict, notFound } from "../model/index.js";

export async function deleteOrganization(
  deps: Uses<
    "apiKeyStore" | "config" | "endpoints" | "endpointStore" | "now" | "orgStore" | "portalSessionStore"
  >,
  id: string,
): Promise<void> {
  if (id === deps.config.platformOrgId) {
    throw conflict("platform_organization", "the platform organization cannot be deleted");
  }
  const org = await deps.orgStore.get(id);
  if (!org || org.purged_at) throw notFound("organization");
  const at = deps.now().toISOString();
  await deps.orgStore.markDeleted(id, at);
  const ids = await deps.orgStore.credentialIds(id);
  // Credentials first: from here on nobody acts for the organization.
  await Promise.all([
    ...ids.apiKeys.map((key) => revokeKey(deps, id, key)),
    ...ids.portalSessions.map((s) => deps.portalSessionStore.revoke(id, s, at)),
  ]);
  for (const ep of ids.endpoints) await deps.endpointStore.remove(id, ep);
  deps.endpoints.invalidate(id);
  await deps.orgStore.forgetSecrets(id);
  // Its message shard plan too (nothing of it is written by shard again): no item of it outlives it.
  await deps.orgStore.forgetShardPlan(id);
  await deps.orgStore.markPurged(id, at);
}
