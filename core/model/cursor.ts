/**
 * A page cursor as services and stores pass it: the decoded DynamoDB key where the next page
 * starts. core/api/pagination.ts encodes and decodes it for clients; core/store/cursor.ts
 * checks a decoded one stays inside the caller's partition.
 */
import { ServiceError } from "./errors.js";

/** A DynamoDB key as it travels in a cursor: string attributes only (all our keys are strings). */
export type CursorKey = Record<string, string>;

/**
 * One page of a listing: `last` is the key of its last item, where the next page starts
 * (absent on the last page). Every listing says `last`, in stores and services alike.
 */
export interface Page<T> {
  items: T[];
  last?: CursorKey;
}

export const invalidCursor = () => new ServiceError(400, "invalid_cursor", "cursor is not valid");
