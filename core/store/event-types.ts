/** Custom event types of an organization, and its changes to default types (ORG#{org} / ETYPE#{name}). */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredEventType } from "../model/index.js";
import { conditionHeld, getItem, putIfAbsent } from "./item.js";
import { keys } from "./keys.js";
import { queryAllWithPrefix } from "./query.js";
import type { Db } from "./table.js";

const toType = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest as unknown as StoredEventType;

/** Adds a type; returns false when the organization already has one by that name. */
export async function putEventType(db: Db, org: string, def: StoredEventType): Promise<boolean> {
  return putIfAbsent(db, { ...keys.eventType(org, def.name), ...def, revision: 1 });
}

export async function listEventTypes(db: Db, org: string): Promise<StoredEventType[]> {
  const items = await queryAllWithPrefix(db, keys.org(org).pk, keys.eventTypePrefix);
  return items.map(toType);
}

/**
 * Writes `def` over the version `from` was read at (its `revision`; absent: over no item), so
 * two concurrent changes never silently lose one of them. False when the item moved on.
 */
function replaceEventType(
  db: Db,
  org: string,
  def: StoredEventType,
  from?: StoredEventType,
): Promise<boolean> {
  const revision = (from?.revision ?? 0) + 1;
  // A type stored before revisions existed has none: the first change gives it one.
  const condition =
    from === undefined
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : from.revision === undefined
        ? { ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(revision)" }
        : { ConditionExpression: "revision = :r", ExpressionAttributeValues: { ":r": from.revision } };
  return conditionHeld(
    db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.eventType(org, def.name), ...def, revision },
        ...condition,
      }),
    ),
  );
}

async function deleteEventType(db: Db, org: string, name: string): Promise<boolean> {
  return conditionHeld(
    db.doc.send(
      new DeleteCommand({
        TableName: db.table,
        Key: keys.eventType(org, name),
        ConditionExpression: "attribute_exists(pk)",
      }),
    ),
  );
}

/** What the catalog and the event-type service use of an organization's own types. */
export interface EventTypeStore {
  /** Adds a type; false when the organization already has one by that name. */
  put(org: string, def: StoredEventType): Promise<boolean>;
  list(org: string): Promise<StoredEventType[]>;
  /** One stored type, read now; undefined when the organization has none by that name. */
  get(org: string, name: string): Promise<StoredEventType | undefined>;
  /** Writes a change made from `from` (undefined: the first stored change of a default type); false on a concurrent change. */
  replace(org: string, def: StoredEventType, from?: StoredEventType): Promise<boolean>;
  /** false when there was no such type. */
  remove(org: string, name: string): Promise<boolean>;
}

export function eventTypeStore(db: Db): EventTypeStore {
  return {
    put: (org, def) => putEventType(db, org, def),
    list: (org) => listEventTypes(db, org),
    get: async (org, name) => {
      const item = await getItem(db, keys.eventType(org, name));
      return item ? toType(item) : undefined;
    },
    replace: (org, def, from) => replaceEventType(db, org, def, from),
    remove: (org, name) => deleteEventType(db, org, name),
  };
}
