/**
 * An endpoint's recoverable deliveries (the recovery index), only those that still stand. An item in the index
 * (a park, a final failure) is never rewritten when a newer item of the same delivery follows
 * it, so a delivery parked by the retention guard and then answered 2xx through another copy of
 * its task is still indexed as parked: re-enqueued, it would be delivered twice (the
 * simulation's retention-guard scenario). A reference counts only while its item is the
 * delivery's latest; the others leave the index here, so the next page does not read them again.
 */
import type { Uses } from "../deps.js";
import { mapLimit } from "../lib/index.js";
import type { RecoverableRef } from "../model/index.js";

type Store = Uses<"deliveryStore">;

export async function liveRecoverable(
  deps: Store,
  org: string,
  endpointId: string,
  q: Parameters<Store["deliveryStore"]["recoverable"]>[2],
): Promise<{ deliveries: RecoverableRef[]; more: boolean }> {
  const { deliveries, more } = await deps.deliveryStore.recoverable(org, endpointId, q);
  const live = await mapLimit(deliveries, 16, async (ref) => {
    const latest = await deps.deliveryStore.recoverableRef(org, ref.msg_id, ref.endpoint_id);
    if (latest?.key.sk === ref.key.sk) return ref;
    await deps.deliveryStore.setRecoverable(org, ref, false);
    return undefined;
  });
  return { deliveries: live.filter((ref) => ref !== undefined), more };
}
