/** Custom event types of an organization (ORG#{org} / ETYPE#{name}). */
import type { StoredEventType } from "../model/index.js";
import { putIfAbsent } from "./item.js";
import { keys } from "./keys.js";
import { queryAllWithPrefix } from "./query.js";
import type { Db } from "./table.js";

/** Adds a type; returns false when the organization already has one by that name. */
export async function putEventType(db: Db, org: string, def: StoredEventType): Promise<boolean> {
  return putIfAbsent(db, { ...keys.eventType(org, def.name), ...def });
}

export async function listEventTypes(db: Db, org: string): Promise<StoredEventType[]> {
  const items = await queryAllWithPrefix(db, keys.org(org).pk, keys.eventTypePrefix);
  return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as StoredEventType);
}

/** What the catalog and the event-type service use of an organization's own types. */
export interface EventTypeStore {
  /** Adds a type; false when the organization already has one by that name. */
  put(org: string, def: StoredEventType): Promise<boolean>;
  list(org: string): Promise<StoredEventType[]>;
}

export function eventTypeStore(db: Db): EventTypeStore {
  return {
    put: (org, def) => putEventType(db, org, def),
    list: (org) => listEventTypes(db, org),
  };
}
