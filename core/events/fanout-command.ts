/**
 * The ingest-queue message the scheduler sends at `deliver_at`: "fan out stored message X
 * of organization Y now".
 *
 * It cannot be mistaken for a producer's event: the ingest message is a strict object
 * without a `hookrelay` key, and this one has neither `type` nor `data`. A producer could
 * send one, but it only names a message already stored for the organization it names, and
 * a command that arrives before the message's `deliver_at` is re-scheduled, not obeyed.
 */
import * as z from "zod";
import { MAX_ID_LENGTH } from "../model/index.js";

export const fanoutCommand = z.strictObject({
  hookrelay: z.literal("fanout"),
  v: z.literal(1),
  org_id: z.string().min(1).max(MAX_ID_LENGTH),
  msg_id: z.string().regex(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/),
});
export type FanoutCommand = z.infer<typeof fanoutCommand>;

export function fanoutCommandBody(org: string, msgId: string): string {
  const cmd: FanoutCommand = { hookrelay: "fanout", v: 1, org_id: org, msg_id: msgId };
  return JSON.stringify(cmd);
}
