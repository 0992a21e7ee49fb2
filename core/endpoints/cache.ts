/**
 * Each organization's endpoints, cached briefly per process (core/org-cache.ts): used by
 * ingest (matching) and delivery (URL, secrets).
 */
import type { Deps } from "../deps.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { orgCache } from "../org-cache.js";
import { listAllEndpoints } from "../store/endpoints.js";

const cache = orgCache((deps, org) => listAllEndpoints(deps.db, org));

export function endpointsOf(deps: Deps, org: string): Promise<EndpointRecord[]> {
  return cache.get(deps, org);
}

export async function endpointOf(deps: Deps, org: string, id: string): Promise<EndpointRecord | undefined> {
  return (await endpointsOf(deps, org)).find((e) => e.id === id);
}

/** Forget an organization's entry (after a write in this process). */
export function invalidateEndpoints(deps: Deps, org: string): void {
  cache.invalidate(deps, org);
}
