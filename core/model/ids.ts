/**
 * Public ids: a type prefix and a ULID, so ids sort by creation time (DynamoDB sort keys
 * list oldest first) and say what they are (`ep_…`, `msg_…`).
 */
import { encodeTime, monotonicFactory } from "ulid";

const ulid = monotonicFactory();

export type IdPrefix = "org" | "ep" | "msg" | "key" | "att" | "test" | "ps" | "task" | "era";

export function newId(prefix: IdPrefix, now: Date = new Date()): string {
  return `${prefix}_${ulid(now.getTime())}`;
}

/**
 * The lowest id of this kind created at `at` or later (its time part alone): a sort-key bound
 * for "created since" (`at` itself) and "created before" (every earlier id sorts below it).
 */
export function idTimeBound(prefix: IdPrefix, at: Date): string {
  return `${prefix}_${encodeTime(Math.max(0, at.getTime()), 10)}`;
}

/** True when `id` looks like an id of this kind; lets routes answer 404 without a lookup. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`).test(id);
}
