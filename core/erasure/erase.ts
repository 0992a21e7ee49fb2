/**
 * Erasing one event's payload (docs/data.md): the stored response bodies of its attempts first,
 * then the message item's `data` and `subject` (which takes it out of the subject index). In
 * that order, so a step repeated after a crash still finds the event in the index and finishes
 * its attempts. Idempotent: an event erased before is not counted again.
 */
import type { Uses } from "../deps.js";

export interface Erased {
  /** The event's payload was removed now (false: erased before, or gone by TTL). */
  erased: boolean;
  /** Attempt response bodies removed. */
  responses: number;
  /** The event exists (false: gone by TTL, or never existed). */
  found: boolean;
}

/**
 * Which endpoints an event went to, read before it is stripped (its targets and skipped
 * endpoints), so their attempts can be cleaned first.
 */
async function endpointsOf(deps: Uses<"messageStore">, org: string, msgId: string) {
  const m = await deps.messageStore.get(org, msgId);
  return m ? [...new Set([...m.targets, ...(m.skipped ?? [])])] : undefined;
}

export async function eraseEvent(
  deps: Uses<"erasureStore" | "messageStore" | "now">,
  org: string,
  msgId: string,
): Promise<Erased> {
  const endpoints = await endpointsOf(deps, org, msgId);
  if (endpoints === undefined) return { erased: false, responses: 0, found: false };
  let responses = 0;
  for (const ep of endpoints) responses += await deps.erasureStore.eraseResponses(org, ep, msgId);
  const res = await deps.erasureStore.eraseMessage(org, msgId, deps.now().toISOString());
  return { erased: res?.newly ?? false, responses, found: res !== undefined };
}
