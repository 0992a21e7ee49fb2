/**
 * What the producer helper (../publish.ts) sends for one event: the checked message's body and
 * its fair-queue tenant. In its own module, outside the package's exports, so the simulation's
 * producers (sim/tenants.ts) build their messages with this very function instead of a copy,
 * without routing each event through the SDK call path.
 */
import type * as z from "zod";
import { ingestMessage } from "./ingest-message.js";

/** What producers pass: `agent_id` may be a number, `deliver_at` an ISO string or a Date. */
export type PublishableEvent = Omit<z.input<typeof ingestMessage>, "deliver_at"> & {
  deliver_at?: string | Date;
};

/** The checked message's body and its fair-queue tenant (its organization). Throws on an invalid event. */
export function toMessage(event: PublishableEvent): { body: string; tenant: string } {
  const deliverAt = event.deliver_at instanceof Date ? event.deliver_at.toISOString() : event.deliver_at;
  const message = ingestMessage.parse({ ...event, deliver_at: deliverAt });
  return { body: JSON.stringify(message), tenant: message.org_id };
}
