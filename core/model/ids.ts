/**
 * Public ids: a type prefix and a ULID, so ids sort by creation time (DynamoDB sort keys
 * list oldest first) and say what they are (`ep_…`, `msg_…`).
 */
import { monotonicFactory } from "ulid";

const ulid = monotonicFactory();

export type IdPrefix = "org" | "ep" | "msg" | "key" | "att" | "test" | "ps";

export function newId(prefix: IdPrefix, now: Date = new Date()): string {
  return `${prefix}_${ulid(now.getTime())}`;
}

/** True when `id` looks like an id of this kind; lets routes answer 404 without a lookup. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`).test(id);
}
