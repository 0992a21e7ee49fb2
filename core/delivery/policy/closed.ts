/**
 * The delivery records that end a delivery without a further attempt (pure): parked
 * (`skipped`), given up (`failed`), abandoned, or ended because its payload is gone, and the
 * reason each one records (what the API and the portal show as its last error).
 */
import type { PayloadState } from "../../model/index.js";
import type { DeliveryUpdate } from "../records.js";

/** Why a delivery to a disabled (or paused) endpoint is parked (`skipped`). */
export const PARKED = "endpoint disabled; delivered when it is re-enabled";

/** Why a delivery is parked in the table while its endpoint's breaker stays open. */
export const BREAKER_PARKED = "endpoint failing for a long time; delivered when it recovers";

/** Why a delivery ends without a request when its event's payload is gone (docs/data.md). */
export const PAYLOAD_GONE: Record<Exclude<PayloadState, "available">, string> = {
  expired: "the event's payload passed its retention before it was sent",
  erased: "the event's payload was erased before it was sent",
};

export function closed(
  status: DeliveryUpdate["status"] & ("abandoned" | "failed" | "skipped" | "expired" | "erased"),
  attempts: number,
  reason: string,
  code: number | null = null,
): DeliveryUpdate {
  return { status, attempts, lastStatusCode: code, lastError: reason, nextAttemptAt: null };
}
