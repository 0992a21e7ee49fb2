/** An organization's event-type catalog: the defaults plus its own types. */
import type { Deps } from "../deps.js";
import { listEventTypes } from "../store/event-types.js";
import { DEFAULT_EVENT_TYPES, type EventTypeDef } from "./default-catalog.js";

export async function catalogOf(deps: Deps, org: string): Promise<EventTypeDef[]> {
  const custom = await listEventTypes(deps.db, org);
  const names = new Set(custom.map((t) => t.name));
  return [...DEFAULT_EVENT_TYPES.filter((t) => !names.has(t.name)), ...custom];
}
