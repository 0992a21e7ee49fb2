/**
 * Creates an organization and, optionally, its first admin key from an operator-supplied raw
 * key. Idempotent: `npm start` and the BOOTSTRAP_API_KEY path on AWS call it on every start.
 */
import { type ApiKeyInfo, createApiKey, findApiKey, toApiKeyInfo } from "../auth/index.js";
import type { Uses } from "../deps.js";

export interface BootstrapInput {
  orgId: string;
  name: string;
  /** A raw `sk_live_…`/`sk_test_…` key to register as an admin key of this organization. */
  apiKey?: string;
}

export interface BootstrapResult {
  orgId: string;
  created: boolean;
  /** The admin key's info when `apiKey` was given (never the raw key). */
  key?: ApiKeyInfo;
}

export async function bootstrapOrg(
  deps: Uses<"apiKeyStore" | "config" | "orgStore" | "now">,
  input: BootstrapInput,
): Promise<BootstrapResult> {
  const created = await deps.orgStore.putIfAbsent({
    org_id: input.orgId,
    name: input.name,
    created_at: deps.now().toISOString(),
  });
  if (!created && (await deps.orgStore.get(input.orgId))?.deleted_at) {
    throw new Error(`organization ${input.orgId} was deleted; its id is never used again`);
  }
  if (!input.apiKey) return { orgId: input.orgId, created };
  const existing = await findApiKey(deps, input.apiKey);
  if (existing) {
    if (existing.org_id !== input.orgId) throw new Error("bootstrap API key belongs to another organization");
    return { orgId: input.orgId, created, key: toApiKeyInfo(existing) };
  }
  const { key } = await createApiKey(deps, input.orgId, {
    name: "bootstrap",
    role: "admin",
    raw: input.apiKey,
  });
  return { orgId: input.orgId, created, key };
}
