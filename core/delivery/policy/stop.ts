/**
 * The failures after which no retry follows (pure): the receiver is gone, so the endpoint is
 * disabled and the delivery parked until it is re-enabled (a 410 Gone; an AWS target that no
 * longer exists), or no retry can mend it, so the delivery is dead-lettered at once (AWS
 * refused the role or the call: the customer must change a policy; an event over the target's
 * size limit). docs/delivery.md and docs/destinations.md, "Failures".
 */
import type { SendOutcome } from "../../model/index.js";

/** Why an endpoint that answered 410 Gone is disabled (its `last_error`). */
export const GONE = "410 Gone: the receiver asked to stop; re-enable to resume";

/** Why an endpoint whose AWS target no longer exists is disabled (its `last_error` starts so). */
const TARGET_DELETED = "the AWS target no longer exists; re-enable once it is back";

export type Stop =
  /** The endpoint disabled (`lastError`: its `last_error`), the delivery parked (`reason`). */
  ({ kind: "disable"; reason: string } & Disable) | { kind: "give-up"; reason: string };

export function stopOf(outcome: Pick<SendOutcome, "failure" | "error">): Stop | null {
  const f = outcome.failure;
  if (f?.kind === "status" && f.status === 410) {
    // Standard Webhooks: 410 Gone means "stop sending".
    return {
      kind: "disable",
      by: "gone",
      lastError: GONE,
      reason: "endpoint answered 410 Gone and was disabled; delivered when it is re-enabled",
    };
  }
  if (f?.kind === "target-missing") {
    // A deleted queue, topic, bus or bucket is AWS's 410.
    return {
      kind: "disable",
      by: "target_deleted",
      lastError: `${TARGET_DELETED} (${outcome.error ?? "not found"})`,
      reason: `${outcome.error}; the endpoint was disabled, delivered when it is re-enabled`,
    };
  }
  if (f?.kind === "access-denied" || f?.kind === "too-large") {
    return { kind: "give-up", reason: `not retried: ${outcome.error ?? "failed"}` };
  }
  return null;
}

/** How the endpoint is disabled: by whom (its operational event) and its `last_error`. */
export interface Disable {
  by: "gone" | "target_deleted";
  lastError: string;
}
