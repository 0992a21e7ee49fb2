/** An organization's event-type catalog: the defaults plus its own types. */
import type { Deps } from "../deps.js";
import { listEventTypes } from "../store/event-types.js";
import { DEFAULT_EVENT_TYPES, type EventTypeDef } from "./default-catalog.js";

export async function catalogOf(deps: Deps, org: string): Promise<EventTypeDef[]> {
  const custom = await listEventTypes(deps.db, org);
  const names = new Set(custom.map((t) => t.name));
  return [...DEFAULT_EVENT_TYPES.filter((t) => !names.has(t.name)), ...custom];
}

/** The subset of `names` that are not in the organization's catalog. */
export async function unknownEventTypes(
  deps: Deps,
  org: string,
  names: readonly string[],
): Promise<string[]> {
  const known = new Set((await catalogOf(deps, org)).map((t) => t.name));
  return names.filter((n) => !known.has(n));
}
