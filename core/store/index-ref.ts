/** A delivery's reference in a GSI2 index of the delivery log (recoverable, parked, waiting: keys.ts). */
import type { RecoverableRef } from "../model/index.js";

/** The reference an index item (keys only) stands for: `{at}#{msgId}` in its sort key. */
export function refOf(item: Record<string, unknown>, endpointId: string): RecoverableRef {
  const gsi2sk = String(item.gsi2sk);
  const cut = gsi2sk.lastIndexOf("#");
  return {
    msg_id: gsi2sk.slice(cut + 1),
    endpoint_id: endpointId,
    at: gsi2sk.slice(0, cut),
    key: { pk: String(item.pk), sk: String(item.sk) },
  };
}
