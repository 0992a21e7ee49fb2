/**
 * An organization's event-type catalog: the defaults plus its own types. The composition
 * root (core/compose.ts) builds one per process.
 */
import { type OrgCacheOptions, orgCache } from "../lib/index.js";
import { type EventTypeCatalog, type EventTypeDef, isOperationalType } from "../model/index.js";
import { DEFAULT_EVENT_TYPES } from "./default-catalog.js";

/** The store's part the catalog reads: an organization's own types. */
export interface CustomEventTypes {
  list(org: string): Promise<EventTypeDef[]>;
}

/**
 * `builtIn` adds types an organization has without defining them (the platform organization's
 * operational events); they come first and cannot be shadowed.
 */
export function eventTypeCatalog(
  store: CustomEventTypes,
  cache: OrgCacheOptions,
  builtIn: (org: string) => readonly EventTypeDef[] = () => [],
): EventTypeCatalog {
  const list = async (org: string) => {
    const custom = (await store.list(org)).filter((t) => !isOperationalType(t.name));
    const names = new Set(custom.map((t) => t.name));
    return [...builtIn(org), ...DEFAULT_EVENT_TYPES.filter((t) => !names.has(t.name)), ...custom];
  };
  const byName = orgCache(async (org) => new Map((await list(org)).map((t) => [t.name, t])), cache);
  return {
    list,
    find: async (org, name) => (await byName.get(org)).get(name) ?? (await byName.get(org, true)).get(name),
    invalidate: (org) => byName.invalidate(org),
  };
}
