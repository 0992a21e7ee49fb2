/**
 * Organizations (tenants). The platform operator's organization (PLATFORM_ORG_ID, the one
 * `npm start` and BOOTSTRAP_API_KEY set up) may create others, each with a first admin key
 * that is returned once; every other key only ever sees its own organization.
 */

import { type ApiKeyInfo, createApiKey } from "../auth/index.js";
import type { Uses } from "../deps.js";
import {
  type CursorKey,
  conflict,
  newId,
  notFound,
  type OrgRecord,
  type Principal,
  ServiceError,
} from "../model/index.js";

export interface Organization {
  id: string;
  name: string;
  created_at: string;
}

const toOrganization = (r: OrgRecord): Organization => ({
  id: r.org_id,
  name: r.name,
  created_at: r.created_at,
});

/** 403 unless the caller is an admin of the platform organization. */
export function assertPlatformAdmin(deps: Uses<"config">, principal: Principal): void {
  if (principal.orgId !== deps.config.platformOrgId || principal.role !== "admin") {
    throw new ServiceError(403, "forbidden", "only admins of the platform organization manage organizations");
  }
}

export async function createOrganization(
  deps: Uses<"apiKeyStore" | "config" | "orgStore" | "now">,
  input: { id?: string; name: string },
): Promise<{ organization: Organization; key: ApiKeyInfo; raw: string }> {
  const now = deps.now();
  const id = input.id ?? newId("org", now);
  const created = await deps.orgStore.putIfAbsent({
    org_id: id,
    name: input.name,
    created_at: now.toISOString(),
  });
  if (!created) throw conflict("organization_exists", `organization ${id} already exists`);
  const { key, raw } = await createApiKey(deps, id, { name: "first admin key", role: "admin" });
  return { organization: { id, name: input.name, created_at: now.toISOString() }, key, raw };
}

export async function getOrganization(deps: Uses<"orgStore">, id: string): Promise<Organization> {
  const rec = await deps.orgStore.get(id);
  if (!rec || rec.deleted_at) throw notFound("organization");
  return toOrganization(rec);
}

export async function listOrganizations(
  deps: Uses<"orgStore">,
  limit: number,
  cursor: CursorKey | undefined,
) {
  const page = await deps.orgStore.list({ limit, cursor });
  return { organizations: page.items.map(toOrganization), last: page.last };
}
