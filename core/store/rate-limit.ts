/**
 * The shared state of per-endpoint rate limits: one small item per endpoint and epoch
 * second (RATE#{org}#{endpointId}#{second}), counting the deliveries admitted in it.
 *
 * Admission is one conditional UpdateItem (`ADD n 1` if `n < limit`): atomic across every
 * delivery process, 1 WRU whether it admits or refuses, no read. A new key each second
 * spreads the writes over partitions; the items expire after two minutes (TTL).
 */
import type { Db } from "./db.js";
import { updateIf } from "./item.js";
import { keys } from "./keys.js";

/** How long a window's item is kept (TTL; it is useless after its second). */
const KEEP_SECONDS = 120;

/** One endpoint's window: its epoch second, and how many deliveries it admits. */
export interface RateWindow {
  org: string;
  endpointId: string;
  second: number;
  limit: number;
}

/** Takes one of the `limit` slots of the endpoint's window `second`; false when it is full. */
async function takeRateSlot(db: Db, { org, endpointId, second, limit }: RateWindow): Promise<boolean> {
  return updateIf(db, {
    Key: keys.rateWindow(org, endpointId, second),
    UpdateExpression: "ADD n :one SET expires_at = :ttl",
    ConditionExpression: "attribute_not_exists(n) OR n < :limit",
    ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":ttl": second + KEEP_SECONDS },
  });
}

/** The shared rate-limit windows (core/delivery/rate-limit.ts). */
export interface RateLimitStore {
  /** Takes one slot of the window; false when it is full. */
  takeSlot(window: RateWindow): Promise<boolean>;
}

export function rateLimitStore(db: Db): RateLimitStore {
  return { takeSlot: (window) => takeRateSlot(db, window) };
}
