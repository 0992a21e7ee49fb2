/**
 * A short-lived, per-process cache of each organization's endpoints, used by ingest
 * (matching) and delivery (URL, secrets). Entries live `ENDPOINT_CACHE_SECONDS` (5 s by
 * default), so a created, changed or deleted endpoint takes effect within seconds while a
 * burst of events for one organization costs one query.
 */
import type { Deps } from "../deps.js";
import type { EndpointRecord } from "../model/endpoint.js";
import { listAllEndpoints } from "../store/endpoints.js";

interface Entry {
  at: number;
  endpoints: Promise<EndpointRecord[]>;
}

const cache = new WeakMap<Deps, Map<string, Entry>>();

export function endpointsOf(deps: Deps, org: string): Promise<EndpointRecord[]> {
  let perDeps = cache.get(deps);
  if (!perDeps) {
    perDeps = new Map();
    cache.set(deps, perDeps);
  }
  const now = deps.now().getTime();
  const hit = perDeps.get(org);
  if (hit && now - hit.at < deps.config.endpointCacheSeconds * 1000) return hit.endpoints;
  const endpoints = listAllEndpoints(deps.db, org);
  perDeps.set(org, { at: now, endpoints });
  // A failed query must not be cached.
  endpoints.catch(() => perDeps.delete(org));
  return endpoints;
}

export async function endpointOf(deps: Deps, org: string, id: string): Promise<EndpointRecord | undefined> {
  return (await endpointsOf(deps, org)).find((e) => e.id === id);
}

/** Forget an organization's entry (after a write in this process). */
export function invalidateEndpoints(deps: Deps, org: string): void {
  cache.get(deps)?.delete(org);
}
